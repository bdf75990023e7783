"""Registers livedash's own types, through the same hook third-party packages use."""
from __future__ import annotations

from importlib import import_module

from .registry import Registry

MODULES = (
    "livedash.sources.periodic", "livedash.sources.random_walk", "livedash.sources.random",
    "livedash.sources.sine", "livedash.sources.matrix", "livedash.sources.push",
    "livedash.steps.filter", "livedash.steps.select", "livedash.steps.derive",
    "livedash.steps.window", "livedash.steps.groupby", "livedash.steps.aggregate",
    "livedash.steps.rolling", "livedash.steps.resample",
    "livedash.views.chart", "livedash.views.table", "livedash.views.number",
    "livedash.views.gauge", "livedash.views.trend",
)


def register(registry: Registry) -> None:
    """Each module's ``register(registry)`` adds its types."""
    for name in MODULES:
        import_module(name).register(registry)
