"""``kind: line`` and every other hvplot kind: a chart drawn once, then fed directly.

Time series (:data:`figure.SERIES`) stream new rows into the figure's sources, and bars
of one column (:data:`figure.TABULAR`) are filled from the rows directly; the other
kinds are redrawn from the data by HoloViews once per change for all sessions
(:mod:`livedash.views.memo`) and each session receives only what differs
(:func:`cds.sync`). A chart whose structure changes (a new ``by`` group, a new series)
is drawn again for that session.
"""
from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import panel as pn
import param
from bokeh.models import DataRange1d, FactorRange

from ..delta import Delta
from ..durations import parse_duration
from ..plugins import ViewContext
from ..registry import Registry
from ..spec.models import ViewSpec
from . import cds as cds_ops
from . import figure, shared, theme, waiting
from .columns import as_list, check
from .layers import Rows
from .memo import Follower, Memo
from .series import Feed

log = logging.getLogger(__name__)

SUMMARIES = {
    "line": "lines over x (default: the index); streams new rows",
    "scatter": "markers at x, y; streams new rows",
    "points": "points at x, y (equal aspect); streams new rows",
    "step": "step lines (options.where: mid, pre, post); streams new rows",
    "area": "filled areas (options.stacked: true); streams new rows",
    "bar": "vertical bars per x category; changes patched",
    "barh": "horizontal bars per x category; changes patched",
    "hist": "histogram of y over the last backlog rows; redrawn, changes patched",
    "heatmap": "colour grid of options.C over x and y; redrawn, changes patched",
    "ohlc": "candlesticks from open, high, low, close; redrawn, changes patched",
    "box": "box-whisker per by group; redrawn",
    "violin": "violin per by group (needs scipy); redrawn",
    "kde": "kernel density of y (needs scipy); redrawn",
    "density": "kernel density of y (needs scipy); redrawn",
    "hexbin": "hexagonal bin counts of x, y; redrawn",
}


class Chart:
    """One chart in one browser session.

    Parameters
    ----------
    spec
        The view's settings.
    ctx
        The session's context: the data so far (possibly empty), its shape, the theme.
    memo
        Results shared with the chart's other sessions.

    Raises
    ------
    ValueError
        When a column or option does not fit the data (named in the message).
    """

    def __init__(self, spec: ViewSpec, ctx: ViewContext, memo: Memo) -> None:
        self.spec, self.name, self.whole, self.memo = spec, ctx.name, ctx.whole, memo
        self.key = ("chart", ctx.name, spec.model_dump_json())
        self.data = Follower(memo, spec.data, ctx.frame)
        self.built: figure.Built | None = None
        self.feed: Feed | None = None
        self.snap: figure.Snapshot | None = None
        self.theme = ctx.theme
        self.pane = pn.pane.Bokeh(waiting.placeholder(spec.title or ctx.name),
                                  sizing_mode="stretch_width")
        self.buttons: pn.widgets.RadioButtonGroup | None = None
        self.panel: Any = self.pane
        if spec.ranges:
            self.buttons = pn.widgets.RadioButtonGroup(
                options=list(spec.ranges), value=spec.ranges[0],
                css_classes=["livedash-ranges"], margin=(5, 10))
            self.buttons.param.watch(lambda event: self._apply_range(), "value")
            self.panel = pn.Column(self.buttons, self.pane, sizing_mode="stretch_width")
        self.problem, self.failed, self.closed = "", list(ctx.frame.columns), False
        if len(ctx.frame.columns):  # a missing column fails now, even before rows arrive
            check(ctx.name, spec.data, ctx.frame, figure.named(spec))
        if len(ctx.frame):
            try:
                self._draw(ctx.frame)
            except figure.Redraw as exc:  # shows "waiting" and draws with the next data
                log.warning("%s", exc)

    def apply(self, delta: Delta) -> None:
        """Show the data after ``delta``; odd data is logged, never raised."""
        if delta.empty or self.closed:
            return
        try:
            self.data.push(delta)
            self._update(delta)
        except Exception:  # odd data (or a bug) must not take the page down: draw afresh
            log.exception("view %r: update failed; drawing it again", self.name)
            try:
                self._try_draw(self.data.current())
            except Exception as exc:  # noqa: BLE001 - shown in place of the chart
                self._fail(f"view {self.name!r}: {exc}")

    def close(self) -> None:
        """Forget the figure and data, without touching the session's document (it is
        going away: Panel cleans up the models it made for it)."""
        self.built = self.feed = self.snap = None
        self.closed = True
        self.data = Follower(self.memo, self.spec.data, self.data.frame.iloc[:0])
        with param.discard_events(self.pane):
            self.pane.object = None

    # -- internals -----------------------------------------------------------------------
    def _update(self, delta: Delta) -> None:
        if self.built is None:
            frame = self.data.current()
            # a view that failed is tried again when its data changes shape, not every tick
            if len(frame) and (not self.problem or self.failed != list(frame.columns)):
                self._try_draw(frame)
            return
        series = self.spec.kind in figure.SERIES
        if self.feed is not None and series and delta.is_prefix and not self.whole:
            assert delta.added is not None and delta.removed is not None  # a rows delta
            done = self.feed.rows(self._read("added", delta.added, self.feed),
                                  self._read("removed", delta.removed, self.feed))
        elif self.feed is not None:
            done = self.feed.replace(self.data.current())
        else:
            done = self._refresh(self.data.current())
        if not done:
            self._try_draw(self.data.current())

    def _read(self, part: str, frame: pd.DataFrame, feed: Feed) -> Rows:
        """A tick's rows (``part`` of the delta) with their columns read once for every
        session of this chart: the sessions get the very same frame, and the last one
        read is kept until the next tick's."""
        return self.memo.get((part, self.key, feed.built.index), (frame,),
                             lambda: feed.read(frame), keep=True)

    def _shown(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows drawn: the last ``backlog``. With ``by`` groups, the last ``backlog`` x
        groups rows for the kinds whose groups share one source (:func:`shared.last_rows`),
        the last ``backlog`` of each group for areas."""
        if len(frame) <= self.spec.backlog:
            return frame
        by = as_list(self.spec.by)
        if by and self.spec.kind in shared.KINDS:
            return shared.last_rows(frame, by, self.spec.backlog)
        if by and self.spec.kind in figure.SERIES:
            return frame.groupby(by, sort=False).tail(self.spec.backlog)
        return frame.tail(self.spec.backlog)

    def _draw(self, frame: pd.DataFrame) -> None:
        built = figure.build(self.spec, self.name, self._shown(frame))
        if self.spec.kind in figure.SERIES and not built.streams:
            log.warning("view %r: its sources do not follow the rows one to one; the chart "
                        "is redrawn on every change", self.name)
        theme.paint(built.figure, self.theme)
        self.built, self.problem = built, ""
        self.feed = Feed(built, frame, self.spec.backlog) if built.streams else None
        self._apply_range()
        self.pane.object = built.figure

    def _try_draw(self, frame: pd.DataFrame) -> None:
        """Draw, or show why the settings do not fit this data."""
        try:
            self._draw(frame)
        except figure.Redraw as exc:
            log.warning("%s", exc)  # not the settings: the next change draws again
            self.built = self.feed = None
        except ValueError as exc:
            self._fail(str(exc))

    def _refresh(self, frame: pd.DataFrame) -> bool:
        """Bring the figure to a redraw of ``frame``; False when its structure changed."""
        assert self.built is not None
        fig = self.built.figure
        shown = self._shown(frame)
        if not len(shown):
            for source in figure.sources(fig):
                cds_ops.sync(source, {k: v[:0] for k, v in cds_ops.data(source).items()})
            return True
        # held by the session: the memo keeps it only while some session does
        self.snap = new = self.memo.get(self.key, (frame,), lambda: figure.snapshot(
            figure.build(self.spec, self.name, shown)))
        if self.built.signature != new.signature:
            return False
        for source, data in zip(figure.sources(fig), new.data, strict=True):
            cds_ops.sync(source, data)
        for axis, factors in new.factors.items():
            rng = getattr(fig, f"{axis}_range")
            if isinstance(rng, FactorRange) and list(rng.factors) != factors:
                rng.factors = factors
        for mapper, props in zip(self.built.mappers, new.mappers, strict=True):
            changed = {k: v for k, v in props.items() if getattr(mapper, k) != v}
            if changed:
                mapper.update(**changed)
        return True

    def _apply_range(self) -> None:
        """Show the span of x chosen with the range buttons: the browser keeps following
        the newest data within it (``DataRange1d.follow_interval``)."""
        if self.buttons is None or self.built is None:
            return
        rng = self.built.figure.x_range
        if not isinstance(rng, DataRange1d):
            return
        if self.buttons.value == "all":
            rng.update(follow=None, follow_interval=None)
        else:
            span = parse_duration(self.buttons.value) / pd.Timedelta(1, "ms")
            rng.update(follow="end", follow_interval=span)

    def _fail(self, message: str) -> None:
        """Show ``message`` instead of the chart, until the data's columns change."""
        self.built = self.feed = None
        self.failed = list(self.data.current().columns)
        if message != self.problem:
            log.warning("%s", message)
            self.problem = message
            self.pane.object = waiting.problem(message)


def factory(memo: Memo) -> Any:
    """The view factory of every chart kind, sharing ``memo`` between sessions."""
    def make(spec: ViewSpec, ctx: ViewContext) -> Chart:
        return Chart(spec, ctx, memo)
    return make


def register(registry: Registry) -> None:
    """Add every chart kind (one memo for all: keys name the view)."""
    make = factory(Memo())
    for kind, summary in SUMMARIES.items():
        registry.add("view", kind, ViewSpec, make, f"chart: {summary}")
