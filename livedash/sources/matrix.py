"""``matrix``: a grid of named values replaced at every step, like a model-training monitor.

Each cell (per-layer weight norms, per-class accuracy, ...) starts low, in [0, 0.2), and
moves toward its own target, in [0.5, 1), by a fraction ``rate`` of the remaining
distance per step, plus Gaussian noise of standard deviation ``noise``; values are not
clipped. Each tick is one step and replaces the whole result (``whole = True``).
"""
from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BeforeValidator, ValidationInfo, WithJsonSchema, field_validator

from ..plugins import SourceContext
from ..registry import Registry
from ..spec.models import SourceSpec
from .naming import names_or_count
from .seeding import Seed
from .timestamps import at

MAX_CELLS = 100_000
"""Most cells (rows times columns) a matrix may have."""

_SCHEMA = {"oneOf": [{"type": "integer", "minimum": 1},
                     {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
RowNames = Annotated[tuple[str, ...], BeforeValidator(names_or_count(
    "row", "row", "[layer1, layer2, output]")), WithJsonSchema(_SCHEMA)]
ColumnNames = Annotated[tuple[str, ...], BeforeValidator(names_or_count(
    "column", "col", "[precision, recall, f1]")), WithJsonSchema(_SCHEMA)]


class MatrixSpec(SourceSpec):
    """A matrix of values that all change at every step, shown in long form.

    Output columns, one row per cell: ``step`` (int, 0 at the first tick), ``row``
    (str), ``column`` (str), ``value`` (float). Plot it as a heatmap
    (``x: column, y: row``, ``options: {C: value}``) or as bars (``x: row, y: value,
    by: column``)."""

    type: Literal["matrix"] = "matrix"
    """``matrix``."""
    rows: RowNames = ("row1", "row2", "row3", "row4")
    """Names of the rows (e.g. layers), or how many rows (named row1, row2, ...)."""
    columns: ColumnNames = ("col1", "col2", "col3")
    """Names of the columns (e.g. metrics or classes), or how many (named col1, ...)."""
    rate: float = 0.05
    """Fraction of the distance to its target that each value covers per step (0 to 1)."""
    noise: float = 0.02
    """Standard deviation of the Gaussian noise added to every value at every step."""
    seed: Seed = None
    """Seed of the starting values, targets and noise: the same seed gives the same
    matrices (default: different on every run)."""

    @field_validator("columns")
    @classmethod
    def _not_too_big(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        rows = info.data.get("rows")
        if rows is not None and len(rows) * len(value) > MAX_CELLS:
            raise ValueError(f"{len(rows)} rows by {len(value)} columns make "
                             f"{len(rows) * len(value)} cells, more than {MAX_CELLS}: "
                             "use fewer rows or columns")
        return value

    @field_validator("rate")
    @classmethod
    def _fraction(cls, value: float) -> float:
        if not 0 < value <= 1:
            raise ValueError(f"rate must be above 0 and at most 1, got {value:g}: write the "
                             "fraction of the way to the target covered per step, e.g. 0.05")
        return value

    @field_validator("noise")
    @classmethod
    def _not_negative(cls, value: float) -> float:
        if not value >= 0:
            raise ValueError(f"noise must be 0 or more, got {value:g}: write the standard "
                             "deviation of the noise, e.g. 0.02, or 0 for none")
        return value


class Matrix:
    """A running ``matrix`` source: each poll is one step and returns every cell.

    Parameters
    ----------
    spec : MatrixSpec
        The validated parameters.
    """

    whole = True

    def __init__(self, spec: MatrixSpec) -> None:
        self.spec = spec
        self._rng = np.random.default_rng(spec.seed)
        shape = (len(spec.rows), len(spec.columns))
        self._values = self._rng.uniform(0.0, 0.2, size=shape)
        self._targets = self._rng.uniform(0.5, 1.0, size=shape)
        self._step = 0
        self._row = np.repeat(np.array(spec.rows, dtype=object), shape[1])
        self._column = np.tile(np.array(spec.columns, dtype=object), shape[0])

    def poll(self, last: pd.Timestamp, now: pd.Timestamp) -> pd.DataFrame:
        """The matrix at the next step, one row per cell, every row stamped ``now``."""
        spec = self.spec
        if self._step > 0:
            self._values += spec.rate * (self._targets - self._values)
            if spec.noise:
                self._values += self._rng.normal(0.0, spec.noise, size=self._values.shape)
        frame = pd.DataFrame({
            "step": np.full(self._values.size, self._step, dtype="int64"),
            "row": pd.array(self._row, dtype="str"),
            "column": pd.array(self._column, dtype="str"),
            "value": self._values.ravel().copy(),
        }, index=at(now, self._values.size))
        self._step += 1
        return frame

    def close(self) -> None:
        """Nothing to release."""


def make(spec: MatrixSpec, ctx: SourceContext) -> Matrix:
    """The factory registered for ``matrix``."""
    return Matrix(spec)


def register(registry: Registry) -> None:
    """Add the ``matrix`` source type."""
    registry.add("source", "matrix", MatrixSpec, make,
                 "a grid of named values replaced at every step (a training monitor), "
                 "in long form: step, row, column, value")
