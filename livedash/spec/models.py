"""YAML-facing models: what a dashboard file may say. Types add their own models."""
from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import Field

from .fields import Duration, Model

TEMPLATES = ("fast", "bootstrap", "material", "vanilla", "golden", "react", "fastgrid")
TOP_LEVEL_KEYS = ("title", "description", "config", "sources", "pipelines", "views", "layout")


class ConfigSpec(Model):
    """Page settings."""

    template: Literal["fast", "bootstrap", "material", "vanilla", "golden", "react",
                      "fastgrid"] = "fast"
    """Panel template that frames the page."""
    theme: Literal["default", "dark"] = "default"
    """Colour theme of the template and the plots."""


class SourceSpec(Model):
    """Keys every source has. Each source type extends this with its parameters."""

    type: str
    """The source type: a built-in generator, ``periodic``, ``push`` or a plugin's type."""
    interval: Duration = pd.Timedelta("1s")
    """How often the source produces data (ignored by ``push``)."""
    history: int = Field(1000, gt=0)
    """Rows kept in memory for new viewers and ``dash.data`` (at least every view's backlog)."""


class ViewSpec(Model):
    """Keys every view has; ``options`` is passed on to hvplot or the Panel indicator."""

    data: str
    """A source or a pipeline."""
    kind: str
    """An hvplot kind (line, scatter, area, step, bar, barh, hist, heatmap, ohlc, ...),
    or table, number, gauge, trend."""
    x: str | None = None
    """Column on the x axis (default: the index)."""
    y: str | list[str] | None = None
    """Column or columns to show (default: every numeric column)."""
    by: str | list[str] | None = None
    """Column whose values split the data into one line (or bar group) each."""
    backlog: int = Field(1000, gt=0)
    """Rows kept on screen; older rows roll off (per line when ``by`` is set)."""
    title: str | None = None
    """Title over the view (default: the view's name)."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Extra keyword arguments passed on to hvplot (charts) or the Panel widget."""


class PipelineSpec(Model):
    """A chain of steps over a source or another pipeline."""

    source: str
    """A source or another pipeline."""
    steps: list[Any] = Field(default_factory=list)
    """Steps, each a one-key mapping whose key is its kind, e.g. ``- window: 30s``."""
