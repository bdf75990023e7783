"""Field types shared by the specification models."""
from __future__ import annotations

import re
from typing import Annotated, Any

import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from ..durations import UNITS_HELP, format_duration, parse_duration

# A positive number (the lookahead wants a non-zero digit) and a unit.
DURATION_PATTERN = r"^\s*(?=[\d.]*[1-9])\d+(\.\d+)?\s*(ms|sec|s|min|m|h|d)\s*$"
_NEGATIVE = re.compile(r"^\s*-\s*\d")


class TimeSpan:
    """Marks a field as a duration or a window, so its errors are ``bad-duration``."""

    def __repr__(self) -> str:
        return "TimeSpan()"


class Model(BaseModel):
    """Base of every spec model: immutable, strict about unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True,
                              use_attribute_docstrings=True)


def _duration(value: Any) -> pd.Timedelta:
    if isinstance(value, pd.Timedelta):
        return value
    if isinstance(value, str) and _NEGATIVE.match(value):
        raise ValueError(f"{value!r} is negative: a duration must be longer than zero")
    return parse_duration(value)


Duration = Annotated[
    pd.Timedelta,
    TimeSpan(),
    BeforeValidator(_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN,
                    "description": f"A duration: {UNITS_HELP}."}),
]


def _window(value: Any) -> int | pd.Timedelta:
    if isinstance(value, bool):
        # ValueError, not TypeError: pydantic reports only ValueError as a user's error.
        raise ValueError(f"expected a row count or a duration, got {value!r}")  # noqa: TRY004
    if isinstance(value, int):
        if value <= 0:
            raise ValueError(f"a window of {value} rows is empty: use a positive row count")
        return value
    if isinstance(value, (str, pd.Timedelta)):
        return _duration(value)
    raise ValueError(f"expected a row count (e.g. 100) or a duration ({UNITS_HELP}), "
                     f"got {value!r}")


def _format_window(value: int | pd.Timedelta) -> int | str:
    return value if isinstance(value, int) else format_duration(value)


Window = Annotated[
    int | pd.Timedelta,
    TimeSpan(),
    BeforeValidator(_window),
    PlainSerializer(_format_window),
    WithJsonSchema({"oneOf": [
        {"type": "integer", "minimum": 1, "description": "The last N rows."},
        {"type": "string", "pattern": DURATION_PATTERN,
         "description": "The last span of index time, e.g. 30s."}]}),
]
