"""``kind: table``: the rows of a source or pipeline in a Tabulator, newest last.

New rows are streamed (``Tabulator.stream``) and the table follows them, scrolled to the
bottom: newest *last*, because putting them first would mean resending every row on each
update. The index is shown as a column when it carries meaning (a time, a group key)
and left out when it is a plain row number. A whole result (an aggregate) patches the
cells that changed, or replaces the rows when most changed or the shape differs.
``y`` picks the columns shown; ``options`` go to the Tabulator.
"""
from __future__ import annotations

import html
import logging

import numpy as np
import pandas as pd
import panel as pn
import param

from ..delta import Delta
from ..plugins import ViewContext
from ..registry import Registry
from ..spec.models import ViewSpec
from . import theme
from .cds import same
from .columns import as_list, check, flat
from .memo import Follower, Memo
from .series import slack

log = logging.getLogger(__name__)
HEIGHT = 300


class Table:
    """One table in one browser session.

    Parameters
    ----------
    spec
        The view's settings (``y``: columns shown, ``backlog``: rows kept).
    ctx
        The session's context.
    memo
        Results shared with the table's other sessions.
    """

    def __init__(self, spec: ViewSpec, ctx: ViewContext, memo: Memo) -> None:
        self.spec, self.name, self.whole, self.memo = spec, ctx.name, ctx.whole, memo
        self.data = Follower(memo, spec.data, ctx.frame)
        self.columns = as_list(spec.y)
        if len(ctx.frame.columns) and self.columns:
            check(ctx.name, spec.data, ctx.frame, {"y": self.columns})
        self.upstream, self.closed = len(ctx.frame), False
        options = {"disabled": True, "show_index": False, "pagination": None,
                   "sizing_mode": "stretch_width", "height": HEIGHT,
                   "configuration": {"placeholder": "Waiting for data\N{HORIZONTAL ELLIPSIS}"},
                   **theme.tabulator(ctx.theme), **spec.options}
        try:
            self.widget = pn.widgets.Tabulator(self._shown(ctx.frame), **options)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"view {ctx.name!r}: bad table option: {exc}") from exc
        title = html.escape(spec.title or ctx.name)
        self.panel = pn.Column(pn.pane.HTML(f"<b>{title}</b>", margin=(0, 10)), self.widget,
                               sizing_mode="stretch_width")

    def apply(self, delta: Delta) -> None:
        """Show the data after ``delta``; odd data is logged, never raised."""
        if delta.empty or self.closed:
            return
        try:
            self.data.push(delta)
            if delta.added is not None and delta.is_prefix and not self.whole:
                self._rows(delta.added, 0 if delta.removed is None else len(delta.removed))
            else:
                self._replace(self._shown(self.data.current()))
        except Exception:  # a bug must not take the page down: show the data afresh
            log.exception("view %r: update failed; showing the data again", self.name)
            self.widget.value = self._shown(self.data.current())

    def close(self) -> None:
        """Forget the data, without touching the session's document (it is going away)."""
        self.closed = True
        self.data = Follower(self.memo, self.spec.data, self.data.frame.iloc[:0])
        with param.discard_events(self.widget):
            self.widget.value = self.widget.value.iloc[:0]

    def _shown(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows and columns displayed, with the index as a column when it means
        something."""
        if not self.whole:
            frame = frame.tail(self.spec.backlog)
        plain = isinstance(frame.index, pd.RangeIndex) and frame.index.name is None
        out = frame.reset_index(drop=True) if plain else flat(frame)
        if self.columns:
            index = [c for c in out.columns if c not in frame.columns]
            out = out[index + [c for c in self.columns if c in out.columns]]
        return out

    def _rows(self, added: pd.DataFrame, removed: int) -> None:
        self.upstream = max(0, self.upstream + len(added) - removed)
        target = min(self.spec.backlog, self.upstream)
        size = len(self.widget.value)
        new = self._shown(added)
        if list(new.columns) != list(self.widget.value.columns):
            self.widget.value = self._shown(self.data.current())  # first rows, new columns
        elif target >= size or size - target <= slack(target):
            # never shrink through stream: BokehJS cannot (see livedash.views.cds)
            if len(new):
                self.widget.stream(new, rollover=max(target, size), follow=True)
        else:
            self.widget.value = self._shown(self.data.current())

    def _replace(self, new: pd.DataFrame) -> None:
        self.upstream = len(self.data.frame)
        old = self.widget.value
        if old.shape != new.shape or list(old.columns) != list(new.columns) or not len(new):
            self.widget.value = new
            return
        patch: dict[str, list[tuple[int, object]]] = {}
        changed = np.zeros(len(new), dtype=bool)
        for col in new.columns:
            diff = ~same(old[col].to_numpy(), new[col].to_numpy())
            if diff.any():
                changed |= diff
                patch[col] = [(i, new[col].iat[i]) for i in np.flatnonzero(diff).tolist()]
        if changed.sum() * 2 > len(new):
            self.widget.value = new
        elif patch:
            self.widget.patch(patch, as_index=False)


def register(registry: Registry) -> None:
    """Add ``table``."""
    memo = Memo()

    def make(spec: ViewSpec, ctx: ViewContext) -> Table:
        return Table(spec, ctx, memo)

    registry.add("view", "table", ViewSpec, make,
                 "table of the rows (newest last, streamed), or of a whole result (patched)")
