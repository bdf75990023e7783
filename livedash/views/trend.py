"""``kind: trend``: the latest value of a column over a sparkline of its recent values.

New rows are streamed into the sparkline (``Trend.stream(..., rollover=backlog)``); it
keeps the last ``backlog`` values, also when rows leave upstream sooner (a window), and
is redrawn when a whole result arrives. ``x`` (default: the index) orders the line.
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
import panel as pn

from ..delta import Delta
from ..plugins import ViewContext
from ..registry import Registry
from ..spec.models import ViewSpec
from .columns import check, index_names, latest, values
from .indicator import make

log = logging.getLogger(__name__)


class Trend:
    """One trend indicator in one browser session.

    Parameters
    ----------
    spec, ctx
        The view's settings (``y``: the column, ``x``: what orders it, ``backlog``: the
        values kept) and the session's context.
    """

    def __init__(self, spec: ViewSpec, ctx: ViewContext) -> None:
        self.spec, self.name = spec, ctx.name
        self.column: str | None = None
        self.count = 0  # rows seen: the x of data whose x is not a number or a time
        if len(ctx.frame.columns):
            check(ctx.name, spec.data, ctx.frame,
                  {"x": [spec.x] if spec.x else [], "y": [spec.y] if isinstance(spec.y, str)
                   else []})
        if len(ctx.frame) or isinstance(spec.y, list):
            self.column = latest(ctx.name, spec.data, ctx.frame, spec.y)
        title = spec.title or ctx.name
        self.widget = make(pn.indicators.Trend, ctx.name, spec.options, label=title,
                           plot_x="x", plot_y="y",
                           data=self._data(ctx.frame.tail(spec.backlog)))
        self.panel = self.widget

    def apply(self, delta: Delta) -> None:
        """Stream the new values, or show a whole new result."""
        rows = delta.result if delta.result is not None else delta.added
        if rows is None or (not len(rows) and delta.result is None):
            return
        try:
            if self.column is None:
                if not len(rows):
                    return
                self.column = latest(self.name, self.spec.data, rows, self.spec.y)
            if delta.result is not None or not len(self.widget.data["x"]):
                self.count = 0  # a new result, or the first rows: their types set the line's
                self.widget.data = self._data(rows.tail(self.spec.backlog))
            elif len(rows):
                self.widget.stream(self._data(rows), rollover=self.spec.backlog)
        except ValueError as exc:  # no numeric column yet
            log.warning("%s", exc)
        except Exception:
            log.exception("view %r: update failed", self.name)

    def close(self) -> None:
        """Nothing to release beyond the widget, which the runtime drops."""

    def _data(self, frame: pd.DataFrame) -> dict[str, Any]:
        if self.column is None or self.column not in frame.columns:
            return {"x": [], "y": []}
        y = pd.to_numeric(frame[self.column], errors="coerce").to_numpy(dtype=float)
        x: np.ndarray = np.arange(self.count, self.count + len(frame))
        self.count += len(frame)
        name = self.spec.x or (index_names(frame) or [""])[0]
        if name:
            raw = values(frame, name, tuple(index_names(frame)))
            if raw.dtype.kind in "iufmM":
                x = raw
        return {"x": x, "y": y}


def register(registry: Registry) -> None:
    """Add ``trend``."""
    registry.add("view", "trend", ViewSpec, Trend,
                 "latest value of y with a sparkline of the last backlog values (streamed)")
