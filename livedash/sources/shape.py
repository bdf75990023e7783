"""One set of columns and types per row source, fixed by its first rows or declared.

Views, windows and HoloViews ``Buffer`` objects need every chunk of a stream to have the
same columns in the same order (see FIELD-NOTES). :class:`ShapeGuard` checks each new
frame against the first one (or a declared set of columns), converts what can be
converted, and rejects the rest with a message naming the row and the column.
"""
from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ..errors import RowsRejected
from .timestamps import TIME, naive_local

if TYPE_CHECKING:
    from pandas._libs.tslibs.nattype import NaTType

ColumnType = Literal["float", "int", "str", "bool", "datetime"]
COLUMN_TYPES: tuple[ColumnType, ...] = ("float", "int", "str", "bool", "datetime")
ANY = "any"
"""The type of a column whose first values were lists, mappings or other objects:
anything is accepted."""

EXPECTED = {"float": "a number", "int": "a whole number", "str": "text",
            "bool": "true or false", "datetime": "a date and time"}
_INFERRED = {"string": "str", "integer": "int", "floating": "float",
             "mixed-integer-float": "float", "decimal": "float", "boolean": "bool",
             "datetime": "datetime", "datetime64": "datetime", "date": "datetime"}


class BadValue(Exception):
    """A value at ``position`` that cannot be of the column's type."""

    def __init__(self, position: int, value: object):
        super().__init__(position, value)
        self.position = position
        self.value = value


def describe(value: object) -> str:
    """A value as the person who sent it would recognise it (JSON ``null`` for None)."""
    if value is None:
        return "null"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set, np.ndarray, pd.Series)):
        return "a list"
    if isinstance(value, (Mapping, pd.DataFrame)):
        return "a mapping"
    return repr(value.item() if isinstance(value, np.generic) else value)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, (float, np.floating)) and math.isnan(value))


def _each(series: pd.Series, convert: Callable[[object], object]) -> list[object]:
    out = []
    for position, value in enumerate(series.tolist()):
        try:
            out.append(convert(value))
        except (ValueError, TypeError, OverflowError):
            raise BadValue(position, value) from None
    return out


def _number(value: object) -> float:
    if _missing(value):
        return math.nan
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number, str)):
        raise TypeError(value)
    return float(value)


def _whole(value: object) -> int:
    if isinstance(value, (bool, np.bool_)) or _missing(value):
        raise TypeError(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    number = _number(value.strip() if isinstance(value, str) else value)
    if not number.is_integer():
        raise ValueError(value)
    return int(number)


def _truth(value: object) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise TypeError(value)


def _text(value: object) -> object:
    if _missing(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)) and \
            not isinstance(value, (bool, np.bool_)):
        return str(value)
    raise TypeError(value)


def _moment(value: object) -> pd.Timestamp | NaTType:
    if _missing(value):
        return pd.NaT
    if isinstance(value, (bool, int, float, np.number)):
        raise TypeError(value)  # epoch numbers are ambiguous (s? ms?): ask for a date
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return naive_local(pd.DatetimeIndex([stamp]))[0] if stamp.tz is not None else stamp


def _first_bad(series: pd.Series, mask: np.ndarray) -> None:
    if mask.any():
        position = int(np.argmax(mask))
        raise BadValue(position, series.iloc[position])


def convert(series: pd.Series, kind: str) -> pd.Series:
    """``series`` as a column of type ``kind``; raise ``BadValue`` at the first misfit."""
    dtype = series.dtype
    if kind == ANY:
        return series
    if ptypes.is_bool_dtype(dtype) and kind != "bool":
        _first_bad(series, np.ones(len(series), dtype=bool))
    if kind == "float":
        if ptypes.is_numeric_dtype(dtype):
            return series.astype("float64")
        return pd.Series(_each(series, _number), index=series.index, dtype="float64")
    if kind == "int":
        if ptypes.is_integer_dtype(dtype):
            return series.astype("int64")
        if ptypes.is_float_dtype(dtype):
            values = series.to_numpy(dtype="float64")
            with np.errstate(invalid="ignore"):
                _first_bad(series, ~np.isfinite(values) | (values != np.floor(values)))
            return series.astype("int64")
        return pd.Series(_each(series, _whole), index=series.index, dtype="int64")
    if kind == "bool":
        if ptypes.is_bool_dtype(dtype):
            return series
        return pd.Series(_each(series, _truth), index=series.index, dtype="bool")
    if kind == "str":
        if ptypes.is_datetime64_any_dtype(dtype):
            _first_bad(series, np.ones(len(series), dtype=bool))
        if ptypes.is_numeric_dtype(dtype):
            return series.astype("str")
        if ptypes.is_string_dtype(dtype) and dtype != object:
            return series
        return pd.Series(_each(series, _text), index=series.index, dtype="str")
    if kind == "datetime":
        if ptypes.is_datetime64_any_dtype(dtype):
            return pd.Series(naive_local(pd.DatetimeIndex(series)), index=series.index)
        if ptypes.is_numeric_dtype(dtype):
            _first_bad(series, np.ones(len(series), dtype=bool))
        stamps = _each(series, _moment)
        return pd.Series(pd.DatetimeIndex(stamps), index=series.index)
    raise ValueError(f"unknown column type {kind!r}: use one of {', '.join(COLUMN_TYPES)}")


def _kind_of(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, (datetime, date, np.datetime64)):
        return "datetime"
    return ANY


def infer(series: pd.Series) -> str:
    """The column type ``series`` fixes: its dtype's, else that of its first value.

    ``any`` (anything goes) is left for columns of lists, mappings, other objects, or
    only missing values.
    """
    if ptypes.is_bool_dtype(series.dtype):
        return "bool"
    kind = _INFERRED.get(ptypes.infer_dtype(series, skipna=True))
    if kind is None:  # mixed: the first value decides, and the others must agree
        kind = _kind_of(next((v for v in series.tolist() if not _missing(v)), None))
    return kind


def _names(columns: Sequence[Hashable]) -> str:
    return ", ".join(repr(c) for c in columns)


class ShapeGuard:
    """Keeps every frame of a row source to one set of columns and column types.

    The columns are declared, or fixed by the first frame that has rows. Later frames
    must have the same columns (in any order; they come back in the fixed order) and
    values that can be of each column's type: ``float`` takes numbers and text that reads
    as a number (an ``int`` is fine), ``int`` whole numbers, ``bool`` true/false,
    ``str`` text (numbers become text), ``datetime`` dates and times (time zones are
    converted to naive local time). Missing values are fine except in ``int`` and
    ``bool`` columns. The index is left alone. Safe to call from several threads.

    Parameters
    ----------
    columns : mapping of str to {"float", "int", "str", "bool", "datetime"}, optional
        The declared columns and their types, in order. When omitted, the first frame
        with at least one row fixes them.
    whole_as_float : bool, default False
        Fix whole-number columns of the first frame as ``float``, not ``int``. For rows
        that come as JSON, where ``20`` and ``20.0`` are the same number: a first reading
        of 20 must not make 20.5 an error later.

    Examples
    --------
    >>> guard = ShapeGuard()
    >>> guard.check(pd.DataFrame({"t": [20.5]})).dtypes.to_dict()
    {'t': dtype('float64')}
    >>> guard.check(pd.DataFrame({"t": ["hot"]}))
    Traceback (most recent call last):
    ...
    livedash.errors.RowsRejected: row 1, column 't': expected a number, got 'hot'
    """

    def __init__(self, columns: Mapping[str, ColumnType] | None = None, *,
                 whole_as_float: bool = False) -> None:
        for name, kind in (columns or {}).items():
            if kind not in COLUMN_TYPES:
                raise ValueError(f"column {name!r}: unknown type {kind!r}: "
                                 f"use one of {', '.join(COLUMN_TYPES)}")
        self._types: dict[Hashable, str] | None = \
            None if columns is None else {name: kind for name, kind in columns.items()}
        self._whole_as_float = whole_as_float
        self._dtypes: list[Any] | None = None  # of the last frame let through
        self._lock = threading.Lock()

    @property
    def columns(self) -> dict[Hashable, str] | None:
        """Column types by name, in order; ``None`` until fixed."""
        return None if self._types is None else dict(self._types)

    def empty(self) -> pd.DataFrame:
        """A frame with no rows and the fixed columns (none until they are fixed)."""
        index = pd.DatetimeIndex([], name=TIME)
        types = self._types or {}
        return pd.DataFrame({name: convert(pd.Series([], dtype="object"), kind)
                             for name, kind in types.items()}, index=index)

    def check(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with the fixed columns, in order, converted to their types.

        Raises
        ------
        RowsRejected
            When columns are missing or extra, or a value cannot be of its column's type;
            the message names the row (1 is the first row of ``frame``) and the column.
        """
        duplicated = frame.columns[frame.columns.duplicated()].unique().tolist()
        if duplicated:
            raise RowsRejected(f"duplicate column {_names(duplicated)}: give each column "
                               "a different name")
        with self._lock:
            types = self._types
            if types is None:
                if len(frame) == 0:
                    return frame
                types = {name: infer(frame[name]) for name in frame.columns}
                if self._whole_as_float:
                    types = {name: "float" if kind == "int" else kind
                             for name, kind in types.items()}
            if len(frame) == 0 and len(frame.columns) == 0:
                return self.empty()  # "nothing new" from a source that names no columns
            if self._dtypes is not None and list(frame.columns) == list(types) \
                    and list(frame.dtypes) == self._dtypes:
                return frame  # the common case for a typed source: nothing to convert
            self._match(frame, types)
            out = {}
            for name, kind in types.items():
                try:
                    out[name] = convert(frame[name], kind)
                except BadValue as bad:
                    raise RowsRejected(
                        f"row {bad.position + 1}, column {name!r}: expected "
                        f"{EXPECTED[kind]}, got {describe(bad.value)}") from None
            result = pd.DataFrame(out, index=frame.index) if out else frame.iloc[:, :0]
            self._types, self._dtypes = types, list(result.dtypes)
        return result

    def _match(self, frame: pd.DataFrame, types: Mapping[Hashable, Any]) -> None:
        have = list(frame.columns)
        missing = [c for c in types if c not in have]
        extra = [c for c in have if c not in types]
        if not missing and not extra:
            return
        parts = []
        if missing:
            parts.append(f"missing column{'s' if len(missing) > 1 else ''} {_names(missing)}")
        if extra:
            parts.append(f"unexpected column{'s' if len(extra) > 1 else ''} {_names(extra)}")
        raise RowsRejected("; ".join(parts) + f" (the columns are {_names(list(types))})")
