"""``random``: the rows of ``streamz.dataframe.Random``, for trying out steps and views.

Columns and distributions follow ``streamz.dataframe.core.random_datablock``: ``x``
uniform in [0, 1), ``y`` Poisson with mean 1, ``z`` standard normal. As there, the rows
are ``freq`` apart; unlike there, the spacing also holds across ticks (streamz restarts
its grid at every tick and yields nothing when ``freq`` is longer than the interval).
"""
from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import ValidationInfo, field_validator

from ..durations import format_duration
from ..plugins import SourceContext
from ..registry import Registry
from ..spec.fields import Duration
from ..spec.models import SourceSpec
from .seeding import Seed
from .timestamps import MAX_ROWS_PER_TICK, TIME


class RandomSpec(SourceSpec):
    """Random rows ``freq`` apart, as ``streamz.dataframe.Random`` makes them.

    Output columns: ``x`` (float, uniform in [0, 1)), ``y`` (int, Poisson with mean 1),
    ``z`` (float, standard normal)."""

    type: Literal["random"] = "random"
    """``random``."""
    interval: Duration = pd.Timedelta("500ms")
    """How often new rows arrive (streamz's default, 500ms)."""
    freq: Duration = pd.Timedelta("100ms")
    """Time between rows (streamz's default, 100ms); an interval of 500ms brings 5 rows."""
    seed: Seed = None
    """Seed of the random numbers: the same seed gives the same rows (default: different
    rows on every run)."""

    @field_validator("freq")
    @classmethod
    def _not_too_fine(cls, value: pd.Timedelta, info: ValidationInfo) -> pd.Timedelta:
        interval = info.data.get("interval")
        if interval is not None and interval / value > MAX_ROWS_PER_TICK:
            finest = format_duration(pd.Timedelta(milliseconds=math.ceil(
                interval / pd.Timedelta("1ms") / MAX_ROWS_PER_TICK)))
            raise ValueError(
                f"freq {format_duration(value)} makes {int(interval / value)} rows per "
                f"interval of {format_duration(interval)}, more than {MAX_ROWS_PER_TICK}: "
                f"use a freq of {finest} or more, or a shorter interval")
        return value


class RandomRows:
    """A running ``random`` source.

    Parameters
    ----------
    spec : RandomSpec
        The validated parameters.
    """

    whole = False

    def __init__(self, spec: RandomSpec) -> None:
        self.spec = spec
        self._rng = np.random.default_rng(spec.seed)
        self._previous: pd.Timestamp | None = None  # time of the last row made

    def poll(self, last: pd.Timestamp, now: pd.Timestamp) -> pd.DataFrame:
        """A row every ``freq`` after the previous row (or after ``last``), up to ``now``."""
        freq = self.spec.freq
        start = (self._previous if self._previous is not None else last) + freq
        count = int((now - start) // freq) + 1 if now >= start else 0
        if count > MAX_ROWS_PER_TICK:  # after a long stall, keep the newest rows only
            start += freq * (count - MAX_ROWS_PER_TICK)
            count = MAX_ROWS_PER_TICK
        index = pd.date_range(start, periods=count, freq=freq, name=TIME)
        if count:
            self._previous = index[-1]
        rng = self._rng
        return pd.DataFrame({"x": rng.random(count), "y": rng.poisson(1.0, size=count),
                             "z": rng.normal(0.0, 1.0, size=count)}, index=index)

    def close(self) -> None:
        """Nothing to release."""


def make(spec: RandomSpec, ctx: SourceContext) -> RandomRows:
    """The factory registered for ``random``."""
    return RandomRows(spec)


def register(registry: Registry) -> None:
    """Add the ``random`` source type."""
    registry.add("source", "random", RandomSpec, make,
                 "random rows freq apart like streamz's Random: x uniform, y Poisson, "
                 "z normal")
