"""YAML-facing models: what a dashboard file may say. Types add their own models."""
from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import Field, field_validator

from ..durations import parse_duration
from .fields import Duration, Model

TEMPLATES = ("fast", "bootstrap", "material", "vanilla", "golden", "react", "fastgrid")


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
    ranges: list[str] | None = None
    """Charts: buttons that show the last span of the x axis, e.g. ``[5min, 30min, all]``
    (durations, or ``all``); the first is selected when the page opens. The browser
    follows the newest data within the chosen span."""

    @field_validator("ranges")
    @classmethod
    def _ranges(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("give at least one range, e.g. [5min, 30min, all]")
        for item in value:
            if item != "all":
                try:
                    parse_duration(item)
                except ValueError as exc:
                    raise ValueError(f"{exc}, or `all`") from None
        return value


class PipelineSpec(Model):
    """A chain of steps over a source or another pipeline."""

    source: str
    """A source or another pipeline."""
    steps: list[Any] = Field(default_factory=list)
    """Steps, each a one-key mapping whose key is its kind, e.g. ``- window: 30s``."""


class DashboardSpec(Model):
    """A livedash dashboard: sources of data, pipelines that transform it, views that show
    it, and the layout of the views on the page."""

    # The top level of a file: it names and documents the keys for the schema and the
    # reference. The Checker validates each section with the models of the registry.

    title: str | None = None
    """Title of the page and of its entry on the index page (default: the file name)."""
    description: str = ""
    """A sentence or two shown under the title and on the index page."""
    config: ConfigSpec = ConfigSpec()
    """Page settings: the template and the theme."""
    sources: dict[str, SourceSpec]
    """Data sources by name. Each has a ``type``; a source polls or receives data once per
    server process, whoever is watching."""
    pipelines: dict[str, PipelineSpec] = Field(default_factory=dict)
    """Pipelines by name: steps applied, incrementally, to a source or another pipeline."""
    views: dict[str, ViewSpec]
    """Views by name: a chart, table or indicator of a source or a pipeline."""
    layout: list[list[str] | str] | None = None
    """Rows of view names, top to bottom, e.g. ``[[temps, humidity], [table]]`` (default:
    one row per view, in the order written)."""


TOP_LEVEL_KEYS = tuple(DashboardSpec.model_fields)
