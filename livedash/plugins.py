"""What a source, step or view type provides. Third-party types implement these too."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from .delta import Delta


@dataclass(frozen=True)
class SourceContext:
    """What a source factory may know about where it runs."""

    name: str
    base_dir: Path | None = None          # directory of the dashboard file, if any
    allowed_modules: tuple[str, ...] = ()  # module names (or prefixes "pkg.") callbacks may use


class Source(Protocol):
    """A running source: one per source per server process.

    ``poll`` is called in the source's own worker thread every ``interval``; it returns
    new rows (``whole = False``) or the complete new result (``whole = True``).
    """

    whole: bool

    def poll(self, last: pd.Timestamp, now: pd.Timestamp) -> pd.DataFrame: ...

    def close(self) -> None: ...


class Step(Protocol):
    """One pipeline step's state; ``update`` turns the input change into an output change."""

    def update(self, delta: Delta) -> Delta: ...


@dataclass
class ViewContext:
    """What a view factory gets for one session."""

    name: str
    frame: pd.DataFrame            # current result of the view's data, at page build
    whole: bool                    # True when the data is replaced as a whole each tick
    theme: str = "default"
    extras: dict[str, Any] = field(default_factory=dict)


class ViewSession(Protocol):
    """One view in one browser session. ``apply`` runs on that session's thread only."""

    panel: Any

    def apply(self, delta: Delta) -> None: ...

    def close(self) -> None: ...
