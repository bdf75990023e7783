"""Rows as people hand them over: a DataFrame, one record (a mapping) or a list of records.

Shared by ``push`` (rows sent in) and ``periodic`` (rows a callback returns). Both end as
a frame indexed by a ``DatetimeIndex`` named ``time``.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import RowsRejected
from .shape import EXPECTED, BadValue, convert, describe
from .timestamps import TIME, at, naive_local

ROWS_HELP = "a DataFrame, a record (a mapping of column to value) or a list of records"


def _scalar(value: object) -> bool:
    return not isinstance(value, (list, tuple, dict, set, np.ndarray, pd.Series,
                                  pd.DataFrame))


def _record(row: object, number: int) -> Mapping[str, Any]:
    if not isinstance(row, Mapping):
        raise RowsRejected(f"row {number}: expected a record (a mapping of column to "
                           f"value), got {describe(row)}")
    for column, value in row.items():
        if not _scalar(value):
            raise RowsRejected(f"row {number}, column {column!r}: expected a single value, "
                               f"got {describe(value)}")
    return row if isinstance(row, dict) else dict(row)


def as_frame(rows: object) -> pd.DataFrame:
    """``rows`` (a DataFrame, a record or a list of records) as a DataFrame.

    Every record must have the same keys as the first; values must be single values.
    A DataFrame is returned as it is (not copied).

    Raises
    ------
    RowsRejected
        For anything else, naming the first offending row (1 is the first).
    """
    if isinstance(rows, pd.DataFrame):
        return rows
    if isinstance(rows, Mapping):
        rows = [rows]
    if not isinstance(rows, (list, tuple)):
        raise RowsRejected(f"expected {ROWS_HELP}, got {type(rows).__name__}")
    records = [_record(row, number) for number, row in enumerate(rows, start=1)]
    if not records:
        return pd.DataFrame()
    keys = list(records[0])
    expected = set(keys)
    for number, record in enumerate(records, start=1):
        if set(record) != expected:
            missing = [k for k in keys if k not in record]
            extra = [k for k in record if k not in expected]
            parts = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + \
                ([f"unexpected {', '.join(map(repr, extra))}"] if extra else [])
            raise RowsRejected(f"row {number}: {'; '.join(parts)} (every record needs the "
                               f"keys of row 1: {', '.join(map(repr, keys))})")
    return pd.DataFrame.from_records(records, columns=keys)


def times(frame: pd.DataFrame, column: str) -> pd.DatetimeIndex:
    """Column ``column`` of ``frame`` as the row times; every row needs one."""
    try:
        values = convert(frame[column], "datetime")
    except BadValue as bad:
        raise RowsRejected(f"row {bad.position + 1}, column {column!r}: expected "
                           f"{EXPECTED['datetime']}, got {describe(bad.value)}") from None
    index = pd.DatetimeIndex(values, name=TIME)
    if index.hasnans:
        position = int(np.argmax(index.isna()))
        raise RowsRejected(f"row {position + 1}, column {column!r}: expected "
                           f"{EXPECTED['datetime']}, got null")
    return index


def stamped(frame: pd.DataFrame, now: pd.Timestamp, column: str | None = None) -> pd.DataFrame:
    """``frame`` indexed by time, as a new frame.

    The time is taken from ``column`` when given; else a ``DatetimeIndex`` is kept;
    else a ``time`` column is used; else every row gets ``now``. A named index that is
    not a time (e.g. ``sensor``) becomes a column first; an unnamed one is dropped.
    """
    if column is not None:
        if column not in frame.columns:
            raise RowsRejected(f"missing column {column!r}, which holds each row's time")
        return frame.drop(columns=[column]).set_axis(times(frame, column), axis=0)
    if isinstance(frame.index, pd.DatetimeIndex):
        if TIME in frame.columns:
            raise RowsRejected("the rows have both a time index and a 'time' column: drop "
                               "one of them")
        return frame.set_axis(naive_local(frame.index), axis=0)
    if any(name is not None for name in frame.index.names):
        frame = frame.reset_index()
    if TIME in frame.columns:
        return frame.drop(columns=[TIME]).set_axis(times(frame, TIME), axis=0)
    return frame.set_axis(at(now, len(frame)), axis=0)
