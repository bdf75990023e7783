"""Panel indicators fed with the latest value of one column (``number``, ``gauge``).

``y`` names the column (default: the first numeric one); the value shown is the one in
the last row of the data, so a window or a filter upstream changes nothing here.
``options`` go to the indicator (``format``, ``colors``, ``bounds``, ...), with YAML
lists turned into the tuples Panel expects.
"""
from __future__ import annotations

import logging
import math
from typing import Any

import pandas as pd
import panel as pn

from ..delta import Delta
from ..plugins import ViewContext
from ..spec.models import ViewSpec
from .columns import check, latest

log = logging.getLogger(__name__)


def tuples(value: Any) -> Any:
    """YAML has no tuples: ``[0, 100]`` -> ``(0, 100)``, ``[[0.5, red]]`` -> ``[(0.5, red)]``."""
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return [tuple(v) for v in value]
    if isinstance(value, list) and len(value) == 2 and not any(isinstance(v, (list, dict))
                                                                for v in value):
        return tuple(value)
    return value


def make(cls: type[pn.viewable.Viewable], view: str, options: dict[str, Any],
         **base: Any) -> Any:
    """``cls(**base, **options)``; a bad option is a ``ValueError`` naming the view."""
    try:
        return cls(**base, **{k: tuples(v) for k, v in options.items()})
    except (TypeError, ValueError) as exc:
        raise ValueError(f"view {view!r}: bad option for {cls.__name__}: {exc}") from exc


def value(frame: pd.DataFrame, column: str) -> float | None:
    """The last value of ``column`` as a float (None when missing or not a number)."""
    try:
        out = float(frame[column].to_numpy()[-1])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


class Latest:
    """One ``number`` or ``gauge`` in one browser session.

    Parameters
    ----------
    cls
        ``pn.indicators.Number`` or ``pn.indicators.Gauge``.
    spec, ctx
        The view's settings and the session's context.
    """

    def __init__(self, cls: type[pn.viewable.Viewable], spec: ViewSpec,
                 ctx: ViewContext) -> None:
        self.spec, self.name = spec, ctx.name
        self.column: str | None = None
        if isinstance(spec.y, str) and len(ctx.frame.columns):
            check(ctx.name, spec.data, ctx.frame, {"y": [spec.y]})
        if len(ctx.frame):
            self.column = latest(ctx.name, spec.data, ctx.frame, spec.y)
        elif isinstance(spec.y, list):
            latest(ctx.name, spec.data, ctx.frame, spec.y)  # one column only
        start = value(ctx.frame, self.column) if self.column else None
        self.widget = make(cls, ctx.name, spec.options, label=spec.title or ctx.name,
                           value=start)
        self.panel = self.widget

    def apply(self, delta: Delta) -> None:
        """Show the last value after ``delta`` (rows that only left change nothing)."""
        rows = delta.result if delta.result is not None else delta.added
        if rows is None or not len(rows):
            return
        try:
            if self.column is None:
                self.column = latest(self.name, self.spec.data, rows, self.spec.y)
            new = value(rows, self.column)
        except ValueError as exc:  # no numeric column yet
            log.warning("%s", exc)
            return
        if new != self.widget.value:
            self.widget.value = new

    def close(self) -> None:
        """Nothing to release: the indicator keeps only its value."""
