"""``random_walk``: the Bokeh server random-walk example as a source that needs no code."""
from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BeforeValidator, field_validator

from ..plugins import SourceContext
from ..registry import Registry
from ..spec.models import SourceSpec
from .naming import check_names
from .seeding import Seed
from .timestamps import RowsPerTick, spread

Columns = Annotated[tuple[str, ...],
                    BeforeValidator(lambda v: check_names(v, "column", "[price, volume]"))]


class RandomWalkSpec(SourceSpec):
    """A random walk per column: each row moves by a step drawn uniformly from
    ``[-step, step]``. Output: one float column per name in ``columns``."""

    type: Literal["random_walk"] = "random_walk"
    """``random_walk``."""
    start: float = 0.0
    """Value of every walk's first row."""
    step: float = 1.0
    """Largest change from one row to the next; each change is uniform in [-step, step]."""
    columns: Columns = ("value",)
    """Names of the walks, one float column each; the walks are independent."""
    rows: RowsPerTick = 1
    """Rows added per tick, their times spread evenly over the interval."""
    seed: Seed = None
    """Seed of the random steps: the same seed gives the same walk (default: a new walk
    on every run)."""

    @field_validator("step")
    @classmethod
    def _positive_step(cls, value: float) -> float:
        if not value > 0:
            raise ValueError(f"step must be greater than 0, got {value:g}: write the largest "
                             "change from one row to the next, e.g. 1")
        return value


class RandomWalk:
    """A running ``random_walk`` source: independent walks, one per column.

    Parameters
    ----------
    spec : RandomWalkSpec
        The validated parameters.
    """

    whole = False

    def __init__(self, spec: RandomWalkSpec) -> None:
        self.spec = spec
        self._rng = np.random.default_rng(spec.seed)
        self._value: np.ndarray | None = None

    def poll(self, last: pd.Timestamp, now: pd.Timestamp) -> pd.DataFrame:
        """``rows`` new rows, the first continuing from the last row of the previous tick."""
        spec = self.spec
        steps = self._rng.uniform(-spec.step, spec.step, size=(spec.rows, len(spec.columns)))
        if self._value is None:
            steps[0] = 0.0  # the walk starts at `start`
            previous = np.full(len(spec.columns), spec.start)
        else:
            previous = self._value
        values = previous + np.cumsum(steps, axis=0)
        self._value = values[-1]
        return pd.DataFrame(values, index=spread(last, now, spec.rows),
                            columns=list(spec.columns))

    def close(self) -> None:
        """Nothing to release."""


def make(spec: RandomWalkSpec, ctx: SourceContext) -> RandomWalk:
    """The factory registered for ``random_walk``."""
    return RandomWalk(spec)


def register(registry: Registry) -> None:
    """Add the ``random_walk`` source type."""
    registry.add("source", "random_walk", RandomWalkSpec, make,
                 "random walks, one per column: each row steps uniformly in [-step, step]")
