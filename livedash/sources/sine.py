"""``sine``: the noisy cosine of Plotly's streaming example, as a source that needs no code.

Plotly's example plots ``y = cos(k*i/50) * cos(i/50) + noise`` for a counter ``i``: a
fast cosine (``k`` times the frequency) under a slow cosine envelope, so the wave swells
and fades with a period of about 314 rows. Its noise is ``numpy.random.randn``, a
standard deviation of 1, which hides the shape; the default here is 0.1.
"""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import field_validator

from ..plugins import SourceContext
from ..registry import Registry
from ..spec.models import SourceSpec
from .seeding import Seed
from .timestamps import RowsPerTick, spread

SCALE = 50.0
"""Rows per radian of the slow envelope, as in the Plotly example."""


class SineSpec(SourceSpec):
    """A noisy cosine: ``y = cos(k*i/50) * cos(i/50) + noise`` for ``i = 0, 1, 2, ...``.

    Output columns: ``i`` (int, the row counter) and ``y`` (float)."""

    type: Literal["sine"] = "sine"
    """``sine``."""
    k: float = 5.0
    """How many times faster the inner cosine turns than the envelope."""
    noise: float = 0.1
    """Standard deviation of the Gaussian noise added to ``y`` (0 for a clean curve; the
    Plotly example uses 1)."""
    rows: RowsPerTick = 1
    """Rows added per tick, their times spread evenly over the interval."""
    seed: Seed = None
    """Seed of the noise: the same seed gives the same rows (default: new noise on every
    run)."""

    @field_validator("noise")
    @classmethod
    def _not_negative(cls, value: float) -> float:
        if not value >= 0:
            raise ValueError(f"noise must be 0 or more, got {value:g}: write the standard "
                             "deviation of the noise, e.g. 0.1, or 0 for none")
        return value


class Sine:
    """A running ``sine`` source.

    Parameters
    ----------
    spec : SineSpec
        The validated parameters.
    """

    whole = False

    def __init__(self, spec: SineSpec) -> None:
        self.spec = spec
        self._rng = np.random.default_rng(spec.seed)
        self._i = 0

    def poll(self, last: pd.Timestamp, now: pd.Timestamp) -> pd.DataFrame:
        """The next ``rows`` values of the curve."""
        spec = self.spec
        i = np.arange(self._i, self._i + spec.rows, dtype="int64")
        self._i += spec.rows
        y = np.cos(spec.k * i / SCALE) * np.cos(i / SCALE)
        if spec.noise:
            y = y + self._rng.normal(0.0, spec.noise, size=spec.rows)
        return pd.DataFrame({"i": i, "y": y}, index=spread(last, now, spec.rows))

    def close(self) -> None:
        """Nothing to release."""


def make(spec: SineSpec, ctx: SourceContext) -> Sine:
    """The factory registered for ``sine``."""
    return Sine(spec)


def register(registry: Registry) -> None:
    """Add the ``sine`` source type."""
    registry.add("source", "sine", SineSpec, make,
                 "a noisy cosine, y = cos(k*i/50)*cos(i/50) + noise (Plotly's streaming "
                 "example)")
