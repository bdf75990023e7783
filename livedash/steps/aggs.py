"""The ``agg`` key of ``groupby``, ``aggregate``, ``resample`` and ``rolling``.

``agg`` is one function name, a list of names, or a mapping of column to name(s)::

    agg: mean                                  # every numeric column
    agg: [mean, max]                           # every numeric column, each function
    agg: {temperature: [mean, max], humidity: last}

Notes
-----
Output columns: a single function keeps the column's name (``temperature``); a list
gives ``<column>_<function>`` (``temperature_mean``). "Numeric" means numbers, not
true/false: a boolean column is aggregated only when the mapping names it. ``count``,
``first`` and ``last`` work on any column, the others need numbers. ``first`` and
``last`` skip missing values, ``std`` and ``var`` use ``ddof=1``, as pandas does. An
infinite value makes its group's ``sum`` and ``mean`` infinite (``inf`` and ``-inf``
together: missing) and its ``std`` and ``var`` missing, as in pandas, for as long as
it is among the rows aggregated (for example, inside a ``window``).

``ohlc`` (``resample`` only) gives four columns ``open``, ``high``, ``low``, ``close``
(first, max, min, last); they are prefixed ``<column>_`` when more than one column is
aggregated or ``ohlc`` is listed with other functions.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, NamedTuple

import pandas as pd
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

FUNCTIONS = ("count", "sum", "mean", "min", "max", "std", "var", "first", "last", "median")
ANY_COLUMN = frozenset({"count", "first", "last"})  # the rest need numbers
OHLC = (("open", "first"), ("high", "max"), ("low", "min"), ("close", "last"))
# Names from spreadsheets and SQL that are not close in spelling to ours.
ALIASES = {"avg": "mean", "average": "mean", "total": "sum", "stdev": "std", "sd": "std",
           "variance": "var", "size": "count", "n": "count", "len": "count", "med": "median",
           "minimum": "min", "maximum": "max", "open": "first", "close": "last"}


class Output(NamedTuple):
    """One output column: its name, the input column, and the function."""

    name: str
    column: str
    function: str


@dataclass(frozen=True)
class Aggregations:
    """A checked ``agg`` value."""

    functions: tuple[str, ...] = ()              # applied to every numeric column ...
    listed: bool = False                         # ... written as a list (names get suffixes)
    columns: tuple[tuple[str, tuple[str, ...], bool], ...] = ()  # or (column, fns, listed)
    raw: Any = None                              # as written, for serialising back

    @property
    def every_numeric(self) -> bool:
        return not self.columns

    def named_columns(self) -> list[str]:
        return [column for column, _fns, _listed in self.columns]

    def outputs(self, frame: pd.DataFrame, exclude: Iterable[str] = ()) -> list[Output]:
        """The output columns for input ``frame`` (group keys in ``exclude`` are skipped)."""
        if self.every_numeric:
            skip = set(exclude)
            chosen = [(c, self.functions, self.listed) for c in frame.columns
                      if c not in skip and is_number(frame[c].dtype)]
        else:
            chosen = list(self.columns)
        out: list[Output] = []
        for column, fns, listed in chosen:
            for fn in fns:
                if fn == "ohlc":
                    prefix = f"{column}_" if len(chosen) > 1 or len(fns) > 1 else ""
                    out.extend(Output(prefix + name, column, f) for name, f in OHLC)
                else:
                    out.append(Output(f"{column}_{fn}" if listed else str(column), column, fn))
        return out


def is_number(dtype: Any) -> bool:
    """Numbers, not booleans: what ``agg: mean`` applies to."""
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def check_types(frame: pd.DataFrame, outputs: list[Output], where: str) -> None:
    """Refuse number-only functions on columns of text, dates and the like."""
    for out in outputs:
        dtype = frame[out.column].dtype
        if out.function not in ANY_COLUMN and not pd.api.types.is_numeric_dtype(dtype):
            raise TypeError(f"{where}: cannot take the {out.function} of column "
                            f"{out.column!r}, which holds {dtype} values; {out.function} needs "
                            "numbers (count, first and last work on any column)")


def _function(name: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(name, str):
        raise ValueError(f"{name!r} is not a function name: write one of {', '.join(allowed)}")
    if name not in allowed:
        close = [ALIASES[name.lower()]] if name.lower() in ALIASES else \
            difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(allowed)}"
        raise ValueError(f"{name!r} is not an aggregation function; {hint}")
    return name


def _functions(value: Any, allowed: tuple[str, ...], lists: bool) -> tuple[tuple[str, ...], bool]:
    if isinstance(value, list):
        if not lists:
            raise ValueError(f"one function per column, not a list ({value!r}): write one "
                             "name, e.g. `mean`")
        if not value:
            raise ValueError("the list is empty: name at least one function, e.g. [mean, max]")
        names = tuple(_function(v, allowed) for v in value)
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"{name!r} is listed twice: name each function once")
        return names, True
    return (_function(value, allowed),), False


def parse_aggregations(value: Any, *, lists: bool = True, ohlc: bool = False) -> Aggregations:
    """Check an ``agg`` value; raise ``ValueError`` saying what to write instead."""
    if isinstance(value, Aggregations):
        return value
    allowed = FUNCTIONS + (("ohlc",) if ohlc else ())
    if isinstance(value, (str, list)):
        fns, listed = _functions(value, allowed, lists)
        return Aggregations(functions=fns, listed=listed, raw=value)
    if isinstance(value, dict):
        if not value:
            raise ValueError("the mapping is empty: name a column and its function, e.g. "
                             "{temperature: mean}")
        columns = []
        for column, fns in value.items():
            if not isinstance(column, str):
                raise ValueError(f"{column!r} is not a column name: write names as text "
                                 "(quote names that look like numbers, e.g. '2024')")
            try:
                names, listed = _functions(fns, allowed, lists)
            except ValueError as exc:
                raise ValueError(f"column {column!r}: {exc}") from None
            columns.append((column, names, listed))
        return Aggregations(columns=tuple(columns), raw=value)
    example = "{temperature: [mean, max]}" if lists else "{temperature: mean}"
    forms = "a function name (mean), a list of names ([mean, max])" if lists else \
        "a function name (mean)"
    raise ValueError(f"expected {forms} or a mapping of columns to functions ({example}), "
                     f"got {value!r}")


def agg_schema(lists: bool, ohlc: bool) -> dict[str, Any]:
    name = {"enum": [*FUNCTIONS, *(["ohlc"] if ohlc else [])]}
    names = {"anyOf": [name, {"type": "array", "items": name, "minItems": 1}]} if lists \
        else name
    return {"anyOf": [names, {"type": "object", "additionalProperties": names,
                              "minProperties": 1}],
            "description": "A function, a list of functions, or column: function(s)."}


def _field(lists: bool, ohlc: bool) -> Any:
    return Annotated[
        Aggregations,
        BeforeValidator(lambda v: parse_aggregations(v, lists=lists, ohlc=ohlc)),
        PlainSerializer(lambda a: a.raw),
        WithJsonSchema(agg_schema(lists, ohlc)),
    ]


Agg = _field(lists=True, ohlc=False)
"""``agg`` of ``groupby`` and ``aggregate``."""
AggOhlc = _field(lists=True, ohlc=True)
"""``agg`` of ``resample``: also ``ohlc``."""
AggOne = _field(lists=False, ohlc=False)
"""``agg`` of ``rolling``: one function per column."""


def pandas_grouped(frame: pd.DataFrame, keys: list[pd.Series],
                   outputs: list[Output]) -> pd.DataFrame:
    """The reference result, recomputed with pandas: keys as columns, sorted by them."""
    if not keys:  # one group of everything
        keys = [pd.Series(0, index=frame.index, name="__all__")]
        return pandas_grouped(frame, keys, outputs).drop(columns="__all__")
    grouped = frame.groupby(keys, sort=True)
    if not outputs:
        return grouped.size().reset_index()[[k.name for k in keys]]
    named = {o.name: pd.NamedAgg(column=o.column, aggfunc=o.function) for o in outputs}
    return grouped.agg(**named).reset_index()
