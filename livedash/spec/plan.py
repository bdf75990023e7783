"""The immutable plan a dashboard file becomes once it is valid."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from .models import ConfigSpec, SourceSpec, ViewSpec


@dataclass(frozen=True)
class StepPlan:
    kind: str
    spec: BaseModel


@dataclass(frozen=True)
class PipelinePlan:
    source: str
    steps: tuple[StepPlan, ...]


@dataclass(frozen=True)
class Plan:
    """A validated dashboard: nothing here runs, polls or imports user code."""

    title: str
    description: str
    config: ConfigSpec
    sources: Mapping[str, SourceSpec]
    pipelines: Mapping[str, PipelinePlan]
    views: Mapping[str, ViewSpec]
    layout: tuple[tuple[str, ...], ...]
    path: Path | None = None
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def name(self) -> str:
        """The app name: the file stem, or ``dashboard`` for a dict."""
        return self.path.stem if self.path else "dashboard"

    def upstream(self, name: str) -> str:
        """The source at the root of a source or pipeline ``name``."""
        while name in self.pipelines:
            name = self.pipelines[name].source
        return name
