"""Which columns a view shows, checked against the data, with messages that name the view.

A view sees its data as a DataFrame whose index is a column like any other (its name, or
``index`` when unnamed), because that is how ``frame.reset_index()`` presents it to hvplot.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np
import pandas as pd


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its index as column(s), as hvplot is given it.

    An index whose name is already a column is dropped (``reset_index`` would raise).
    """
    clash = any(n is not None and n in frame.columns for n in frame.index.names)
    return frame.reset_index(drop=clash)


def index_names(frame: pd.DataFrame) -> list[str]:
    """The column names :func:`flat` gives the index level(s) (none when dropped)."""
    cols = names(frame)
    return cols[:len(cols) - len(frame.columns)]


def names(frame: pd.DataFrame) -> list[str]:
    """Every column a view may name: the index level(s) first, then the columns."""
    return [str(c) for c in flat(frame.iloc[:0]).columns]


def values(frame: pd.DataFrame, column: str, index: tuple[str, ...]) -> np.ndarray:
    """The values of ``column`` as numpy; ``index`` holds the index level names.

    Cheaper than ``reset_index`` on every tick: no frame is copied. Time zones are
    dropped keeping the wall time, as HoloViews does when it fills a plot.
    """
    data: pd.Series | pd.Index
    if column not in frame.columns and column not in index:
        raise KeyError(column)
    if column in frame.columns:
        data = frame[column]
        if isinstance(data.dtype, pd.DatetimeTZDtype):
            data = data.dt.tz_localize(None)
        return data.to_numpy()
    data = frame.index if frame.index.nlevels == 1 else \
        frame.index.get_level_values(index.index(column))
    if isinstance(data, pd.DatetimeIndex) and data.tz is not None:
        data = data.tz_localize(None)
    return data.to_numpy()


def as_list(value: str | list[str] | None) -> list[str]:
    """``y``/``by`` may be one name or a list of names."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def numeric(frame: pd.DataFrame, exclude: Iterable[str] = ()) -> list[str]:
    """The numeric (not boolean) columns of ``frame``, in order, without ``exclude``."""
    skip = set(exclude)
    return [str(c) for c in frame.columns
            if str(c) not in skip and pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])]


def check(view: str, data: str, frame: pd.DataFrame, wanted: dict[str, list[str]]) -> None:
    """Raise a :class:`ValueError` naming the view and the first column that is missing.

    ``wanted`` maps the key that names columns (``x``, ``y``, ``by``, ``options.C``) to
    the column names it gives.
    """
    have = names(frame)
    for key, cols in wanted.items():
        for col in cols:
            if col not in have:
                raise ValueError(missing(view, data, key, col, have))


def missing(view: str, data: str, key: str, col: str, have: list[str]) -> str:
    """The message for a column that is not in the data, with a did-you-mean."""
    close = difflib.get_close_matches(col, have, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return (f"view {view!r}: column {col!r} ({key}) is not in the data of {data!r}; "
            f"{hint}columns: {', '.join(have)}")


def latest(view: str, data: str, frame: pd.DataFrame, y: str | list[str] | None) -> str:
    """The one column an indicator shows: ``y`` or else the first numeric column."""
    cols = as_list(y)
    if len(cols) > 1:
        raise ValueError(f"view {view!r}: an indicator shows one column, got y: {cols}")
    if cols:
        check(view, data, frame, {"y": cols})
        return cols[0]
    found = numeric(frame)
    if not found:
        raise ValueError(f"view {view!r}: the data of {data!r} has no numeric column to "
                         f"show; set y to one of: {', '.join(names(frame))}")
    return found[0]
