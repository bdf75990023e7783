"""The ``seed`` parameter of the random generators (``numpy.random.default_rng(seed)``)."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema


def _check_seed(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise ValueError(f"seed must be zero or positive, got {value}: write a whole number "
                         "such as 42, or leave seed out for different data on every run")
    return value


Seed = Annotated[int | None, AfterValidator(_check_seed),
                 WithJsonSchema({"type": ["integer", "null"], "minimum": 0})]
"""Seed of a generator's random numbers: the same seed gives the same data."""

