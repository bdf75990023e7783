"""``kind: gauge``: the latest value of a column on a dial."""
from __future__ import annotations

import panel as pn

from ..plugins import ViewContext
from ..registry import Registry
from ..spec.models import ViewSpec
from .indicator import Latest


def gauge(spec: ViewSpec, ctx: ViewContext) -> Latest:
    """A ``pn.indicators.Gauge`` (options: ``bounds``, ``format``, ``colors``, ...).

    The Gauge is drawn by ECharts: the page must load Panel's ``echarts`` extension.
    """
    return Latest(pn.indicators.Gauge, spec, ctx)


def register(registry: Registry) -> None:
    """Add ``gauge``."""
    registry.add("view", "gauge", ViewSpec, gauge,
                 "latest value of y on a dial (options.bounds: [low, high])")
