"""Shared by the source tests: time driven by hand (never by sleeping), a sources-only registry."""
from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pandas as pd
import pytest
from pydantic import BaseModel, ValidationError

from livedash.registry import Registry

T0 = pd.Timestamp("2024-05-01 12:00:00")
SOURCE_MODULES = ("periodic", "random_walk", "random", "sine", "matrix", "push")


def source_registry() -> Registry:
    """A registry of the source types only, so these tests do not lean on steps or views."""
    registry = Registry()
    for name in SOURCE_MODULES:
        import_module(f"livedash.sources.{name}").register(registry)
    return registry


def ticks(interval: str, count: int, start: pd.Timestamp = T0
          ) -> Iterator[tuple[pd.Timestamp, pd.Timestamp]]:
    """``count`` consecutive ``(last, now)`` pairs ``interval`` apart."""
    step = pd.Timedelta(interval)
    for k in range(count):
        yield start + k * step, start + (k + 1) * step


def poll_all(source: Any, interval: str, count: int) -> list[pd.DataFrame]:
    """What ``source`` returns over ``count`` ticks."""
    return [source.poll(last, now) for last, now in ticks(interval, count)]


def error_of(model: type[BaseModel], body: dict[str, Any],
             context: dict[str, Any] | None = None) -> tuple[tuple[Any, ...], str]:
    """The location and message of the single error ``model`` finds in ``body``."""
    with pytest.raises(ValidationError) as info:
        model.model_validate(body, context=context)
    errors = info.value.errors()
    assert len(errors) == 1, errors
    return errors[0]["loc"], errors[0]["msg"].removeprefix("Value error, ")
