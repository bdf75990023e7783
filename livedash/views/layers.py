"""What each Bokeh data source of a chart shows, and how to compute it from data rows.

hvplot draws a chart once; afterwards new rows go straight into the figure's
``ColumnDataSource`` objects. A :class:`Layer` records, for one glyph, which rows it
shows (``match``: the ``by`` group) and how each of its columns follows from those rows
(:class:`Column`). The recipe is checked against what HoloViews drew from the first
frame (:func:`agrees`), so a chart only streams when streaming draws the same thing.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from bokeh.models import ColumnDataSource
from bokeh.models.renderers import GlyphRenderer

from . import cds as cds_ops
from .columns import values


@dataclass(frozen=True)
class Column:
    """One source column: the sum of data columns (usually just one), or a constant.

    A constant is the value of an overlay key (the ``by`` group or hvplot's
    ``Variable``) that HoloViews repeats on every row for the hover tool.
    """

    sum_of: tuple[str, ...] = ()
    const: Any = None


@dataclass
class Layer:
    """One glyph of a chart and the rows it shows."""

    renderer: GlyphRenderer
    match: dict[str, Any]
    """Data column -> value: the rows of this ``by`` group (empty: every row)."""
    columns: dict[str, Column] = field(default_factory=dict)
    """Source column -> how to compute it."""

    @property
    def source(self) -> ColumnDataSource:
        return cast(ColumnDataSource, self.renderer.data_source)


class Rows:
    """A chunk of data rows whose columns are read once and shared by every layer."""

    def __init__(self, frame: pd.DataFrame, index: tuple[str, ...]) -> None:
        self.frame = frame
        self.index = index
        self._columns: dict[str, np.ndarray] = {}
        self._masks: dict[tuple[tuple[str, Any], ...], np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.frame)

    def column(self, name: str) -> np.ndarray:
        if name not in self._columns:
            try:
                self._columns[name] = values(self.frame, name, self.index)
            except KeyError:  # rows without this column: gaps, as pandas.concat would give
                self._columns[name] = np.full(len(self.frame), np.nan)
        return self._columns[name]

    def mask(self, match: Mapping[str, Any]) -> np.ndarray | None:
        """The rows of a ``by`` group (``None``: all rows); computed once per group, as
        the columns are (read-only: the sessions of a view share these rows)."""
        if not match:
            return None
        key = tuple(match.items())
        out = self._masks.get(key)
        if out is None:
            out = np.ones(len(self.frame), dtype=bool)
            for name, value in match.items():
                out &= np.asarray(self.column(name) == value, dtype=bool)
            out.flags.writeable = False
            self._masks[key] = out
        return out

    def compute(self, layer: Layer, mask: np.ndarray | None) -> dict[str, np.ndarray]:
        """The new source columns of ``layer`` for the rows in ``mask``."""
        count = len(self.frame) if mask is None else int(mask.sum())
        out: dict[str, np.ndarray] = {}
        for key, col in layer.columns.items():
            if not col.sum_of:
                out[key] = np.full(count, col.const, dtype=object if isinstance(
                    col.const, str) else None)
                continue
            parts = [self.column(name) if mask is None else self.column(name)[mask]
                     for name in col.sum_of]
            out[key] = parts[0] if len(parts) == 1 else np.sum(parts, axis=0)
        return out


def infer(data: Mapping[str, Any], dims: Mapping[str, str], have: list[str],
          stacked: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, Column] | None:
    """How each column of ``data`` follows from the data rows, or ``None`` if one does not.

    ``dims`` maps source column names to HoloViews dimension names (both the raw and the
    sanitized spelling appear in a source: ``"my col"`` and ``"my_col"``); ``have`` is
    the data's column names; ``stacked`` gives the columns summed by stacked areas.
    """
    out: dict[str, Column] = {}
    for key, column in data.items():
        name = dims.get(key, key)
        if stacked and name in stacked:
            out[key] = Column(stacked[name], 0.0)
        elif name in have:
            out[key] = Column((name,))
        elif len(column) and all(cds_ops.same(column, np.repeat(
                np.asarray(column[:1], dtype=object), len(column)))):
            out[key] = Column(const=column[0])
        else:
            return None
    return out


def agrees(layer: Layer, rows: Rows, expected: Mapping[str, Any]) -> bool:
    """True when computing ``layer`` from ``rows`` gives ``expected`` (what HoloViews drew)."""
    got = rows.compute(layer, rows.mask(layer.match))
    for key, want in expected.items():
        if key not in got:
            return False
        mine = cds_ops.conform(np.asarray(got[key]), np.asarray(want))
        if len(mine) != len(want) or not cds_ops.same(mine, want).all():
            return False
    return True
