"""Changing a Bokeh ``ColumnDataSource`` with as few bytes on the wire as possible.

Two moves, both measured against a full ``cds.data = ...`` replacement (which resends
every row):

* :func:`append` streams new rows and keeps the last ``target`` rows (``cds.stream``).
* :func:`sync` brings a source to a new complete dataset: it finds the rows that stayed,
  patches the few that changed (``cds.patch``) and streams the ones added, and replaces
  the data only when that would not be smaller.

BokehJS cannot shrink a column that arrived as a typed array through ``stream``: its
``stream_to_column`` (bokeh 3.9.2, ``core/patching.ts``) keeps the old array when it is
longer than ``rollover`` and shifts values inside it, so the browser would keep the old
length with stale rows at the end while Python holds the shorter column. Every stream
here therefore uses a rollover of at least the current length; a source that must get
shorter is either allowed a little slack (old rows kept a little longer) or replaced.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
from bokeh.core.property.validation import validate
from bokeh.models import ColumnDataSource

Columns = dict[str, Any]  # column name -> numpy array or list, all of one length
NUMBERS = "iufcb"


def data(cds: ColumnDataSource) -> dict[str, Any]:
    """``cds.data`` as the dict of columns it is (Bokeh also types it as a DataFrame)."""
    return cast(dict[str, Any], cds.data)


def length(cds: ColumnDataSource) -> int:
    """Rows in ``cds`` (0 when it has no columns)."""
    return _len(data(cds))


def conform(new: np.ndarray, like: Any) -> Any:
    """``new`` in the container and dtype of the existing column ``like``.

    Streaming must not change a column's type: a list stays a list (BokehJS appends
    with ``Array.concat``), a datetime column keeps its unit, numbers keep their dtype
    unless the new values need a float (a NaN in an integer column).
    """
    if not isinstance(like, np.ndarray):
        return new.tolist() if isinstance(new, np.ndarray) else list(new)
    kind = like.dtype.kind
    if kind in "mM" and new.dtype.kind == kind:
        return new.astype(like.dtype, copy=False)
    if kind in "iuf" and new.dtype.kind in "iufb":
        return new.astype(np.result_type(like.dtype, new.dtype), copy=False)
    if kind in "iuf" and new.dtype.kind == "O":  # a stray text in a number column: a gap
        return pd.to_numeric(pd.Series(new), errors="coerce").to_numpy(dtype=float)
    if kind in "US" or new.dtype.kind in "US":
        return new.astype(object)  # fixed-width strings would truncate longer names
    return new


def append(cds: ColumnDataSource, new: Columns, target: int, slack: int = 0) -> str:
    """Stream ``new`` rows into ``cds`` so that it holds the last ``target`` rows.

    When that would shrink the source (more rows left upstream than arrived), up to
    ``slack`` old rows are kept instead (see the module docstring); beyond that the data
    is replaced. Returns ``"stream"``, ``"replace"`` or ``"none"``.
    """
    size = length(cds)
    added = len(next(iter(new.values()))) if new else 0
    if target >= size or size - target <= slack:
        if not added:
            return "none"
        columns = {k: conform(np.asarray(new[k]), v) for k, v in data(cds).items()}
        # conformed to the source's own columns, so Bokeh's check of the whole ``data``
        # mapping after the stream (a quarter of its cost) is skipped, as its docs offer
        with validate(False):
            cds.stream(columns, rollover=max(target, size))
        return "stream"
    cds.data = {k: _concat(v, new[k])[-target:] if target else v[:0]
                for k, v in data(cds).items()}
    return "replace"


def sync(cds: ColumnDataSource, new: Mapping[str, Any]) -> str:
    """Make ``cds`` hold exactly ``new``; returns ``"patch"``, ``"replace"`` or ``"none"``.

    The common changes of an aggregate are cheap: the last row changed (a resample's
    open candle), rows were appended, or the window moved by a few rows.
    """
    old = data(cds)
    if set(old) != set(new):
        return _replace(cds, new)
    size, count = length(cds), _len(new)
    if size == 0 or count == 0:
        return _replace(cds, new) if size or count else "none"
    names = list(new)
    shift = _first_match(old, new, names, size)
    overlap = size - shift if shift is not None else 0
    if shift is None or size > count:
        return _replace(cds, new)  # no common rows, rows left from the end, or a shrink
    patches: dict[str, list[tuple[slice, Any]]] = {}
    changed_rows = np.zeros(overlap, dtype=bool)
    for name in names:
        diff = ~same(old[name][shift:size], new[name][:overlap])
        if diff.any():
            changed_rows |= diff
            patches[name] = [(slice(shift + a, shift + b), new[name][a:b])
                             for a, b in _runs(diff)]
    if changed_rows.sum() * 2 > count:
        return _replace(cds, new)
    if patches:
        cds.patch(patches)
    if count > overlap:
        tail = {name: new[name][overlap:count] for name in names}
        cds.stream({k: conform(np.asarray(v), old[k]) for k, v in tail.items()},
                   rollover=count)
    return "patch" if patches or count > overlap else "none"


def _replace(cds: ColumnDataSource, new: Mapping[str, Any]) -> str:
    """Resend everything. The columns are copied: a later patch writes into the source's
    arrays, which must not be the caller's (a frame's column, a snapshot shared by
    sessions)."""
    cds.data = {k: v.copy() if isinstance(v, np.ndarray) else list(v) for k, v in new.items()}
    return "replace"


def same(a: npt.ArrayLike, b: npt.ArrayLike) -> np.ndarray:
    """Elementwise equality where NaN equals NaN and NaT equals NaT."""
    x, y = np.asarray(a), np.asarray(b)
    if x.shape != y.shape:
        return np.zeros(len(x), dtype=bool)
    kx, ky = x.dtype.kind, y.dtype.kind
    if kx in NUMBERS and ky in NUMBERS:
        equal = np.asarray(x == y)
        if kx in "fc" and ky in "fc":
            equal |= np.isnan(x) & np.isnan(y)
        return equal
    if kx in "mM" and ky == kx:
        return (x == y) | (np.isnat(x) & np.isnat(y))
    if kx in "US" and ky in "US":
        return np.asarray(x == y)
    return np.fromiter((_eq(p, q) for p, q in zip(x, y, strict=True)),
                       dtype=bool, count=len(x))


def _eq(p: Any, q: Any) -> bool:
    try:
        return bool(p == q) or (_missing(p) and _missing(q))
    except (TypeError, ValueError):  # arrays inside cells (multi-line glyphs)
        return np.array_equal(np.asarray(p), np.asarray(q))


def _missing(value: Any) -> bool:
    return value is None or value is pd.NaT or (
        isinstance(value, (float, np.floating)) and math.isnan(value))


def _first_match(old: Mapping[str, Any], new: Mapping[str, Any], names: list[str],
                 size: int) -> int | None:
    """The first row of ``old`` equal to the first row of ``new`` (rows dropped before)."""
    hits = np.ones(size, dtype=bool)
    for name in names:
        hits &= same(old[name], np.repeat(np.asarray(new[name][:1]), size))
        if not hits.any():
            return None
    return int(np.argmax(hits))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, stop)`` of each run of True in ``mask``."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), stops.tolist(), strict=True))


def _len(data: Mapping[str, Any]) -> int:
    for column in data.values():
        return len(column)
    return 0


def _concat(old: Any, new: Any) -> Any:
    if isinstance(old, list):
        return old + (new.tolist() if isinstance(new, np.ndarray) else list(new))
    return np.concatenate([old, conform(np.asarray(new), old)])
