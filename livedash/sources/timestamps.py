"""Timestamps for the rows sources produce: spread over a tick, or taken from the data.

Every row source returns a frame whose index is a ``DatetimeIndex`` named ``time`` in
naive local time, the convention of ``pd.Timestamp.now()`` that the runtime passes as
``now``. Times that arrive with a time zone are converted to local time and made naive,
so that windows and resampling compare like with like.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import AfterValidator, WithJsonSchema

TIME = "time"
"""Name of the index of every row source's frames."""


def spread(last: pd.Timestamp, now: pd.Timestamp, count: int) -> pd.DatetimeIndex:
    """``count`` timestamps evenly spread over ``(last, now]``, the last one at ``now``.

    >>> list(spread(pd.Timestamp("2024-01-01 00:00"), pd.Timestamp("2024-01-01 00:01"), 2))
    [Timestamp('2024-01-01 00:00:30'), Timestamp('2024-01-01 00:01:00')]
    """
    step = (now - last) / count
    stamps = [now - step * (count - k) for k in range(1, count + 1)]
    return pd.DatetimeIndex(stamps, name=TIME)


def naive_local(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """``index`` in naive local time, named ``time`` (converted if it has a time zone)."""
    if index.tz is not None:
        local = datetime.now().astimezone().tzinfo
        index = index.tz_convert(local).tz_localize(None)
    return index.rename(TIME)


def at(now: pd.Timestamp, count: int) -> pd.DatetimeIndex:
    """``count`` copies of ``now``: the time of rows that carry no time of their own."""
    return pd.DatetimeIndex(np.repeat(np.datetime64(now.to_datetime64()), count), name=TIME)


MAX_ROWS_PER_TICK = 10_000
"""Most rows a generator may add in one tick."""


def _check_rows(value: int) -> int:
    if not 1 <= value <= MAX_ROWS_PER_TICK:
        raise ValueError(f"rows must be between 1 and {MAX_ROWS_PER_TICK}, got {value}: "
                         "write how many rows each tick adds, e.g. 1")
    return value


RowsPerTick = Annotated[int, AfterValidator(_check_rows),
                        WithJsonSchema({"type": "integer", "minimum": 1,
                                        "maximum": MAX_ROWS_PER_TICK})]
"""Rows a generator adds per tick, spread evenly over the interval (see :func:`spread`)."""
