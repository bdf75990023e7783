"""``kind: number``: the latest value of a column, as a big number."""
from __future__ import annotations

import panel as pn

from ..plugins import ViewContext
from ..registry import Registry
from ..spec.models import ViewSpec
from .indicator import Latest


def number(spec: ViewSpec, ctx: ViewContext) -> Latest:
    """A ``pn.indicators.Number`` (options: ``format``, ``colors``, ``font_size``, ...)."""
    return Latest(pn.indicators.Number, spec, ctx)


def register(registry: Registry) -> None:
    """Add ``number``."""
    registry.add("view", "number", ViewSpec, number,
                 "latest value of y (default: first numeric column) as a number")
