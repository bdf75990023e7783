"""Helpers for view tests: data in chunks, a Bokeh document that records every change."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from bokeh.document import Document
from bokeh.document.events import DocumentChangedEvent
from bokeh.models import AllIndices, ColumnDataSource, GroupFilter, IntersectionFilter
from bokeh.models.filters import Filter
from bokeh.models.renderers import GlyphRenderer
from bokeh.protocol import Protocol

SENSORS = np.array(["s1", "s2", "s3"])


def rows(start: int, n: int, seed: int = 0) -> pd.DataFrame:
    """Rows ``start`` .. ``start + n`` of an endless time series, one per second."""
    rng = np.random.default_rng(seed * 100_000 + start)
    index = pd.date_range("2024-01-01", periods=n, freq="s", name="time")
    index += pd.Timedelta(seconds=start)
    return pd.DataFrame({"a": rng.standard_normal(n), "b": rng.standard_normal(n) + 5,
                         "sensor": SENSORS[np.arange(start, start + n) % 3]}, index=index)


@dataclass
class Page:
    """A view attached to its own Bokeh document, with every change recorded."""

    view: Any
    doc: Document
    events: list[DocumentChangedEvent] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [type(e).__name__ for e in self.events]

    def take(self) -> list[DocumentChangedEvent]:
        out, self.events[:] = list(self.events), []
        return out

    def sources(self) -> list[ColumnDataSource]:
        return [r.data_source for r in self.view.built.figure.renderers]

    def wire_bytes(self, events: list[DocumentChangedEvent] | None = None) -> int:
        """Bytes of the PATCH-DOC message the server would send for ``events``."""
        return message_bytes(events if events is not None else self.events)


def message_bytes(events: list[DocumentChangedEvent]) -> int:
    """Header, metadata and content frames plus each binary buffer and its header."""
    msg = Protocol().create("PATCH-DOC", events)
    size = len(msg.header_json) + len(msg.metadata_json) + len(msg.content_json)
    for buffer in msg.buffers:
        size += len(f'{{"id":"{buffer.id}"}}') + len(buffer.to_bytes())
    return size


def visible(renderer: GlyphRenderer) -> dict[str, np.ndarray]:
    """The rows of its source that ``renderer`` draws: its view's filter applied as
    BokehJS applies it (``GroupFilter``: equal values; ``IntersectionFilter``: all)."""
    data = {k: np.asarray(v) for k, v in renderer.data_source.data.items()}
    size = len(next(iter(data.values()))) if data else 0
    keep = _kept(renderer.view.filter, data, size)
    return {k: v[keep] for k, v in data.items()}


def _kept(flt: Filter, data: dict[str, np.ndarray], size: int) -> np.ndarray:
    if isinstance(flt, AllIndices):
        return np.ones(size, dtype=bool)
    if isinstance(flt, GroupFilter):
        return np.asarray(data[flt.column_name] == flt.group, dtype=bool)
    if isinstance(flt, IntersectionFilter):
        return np.logical_and.reduce([_kept(f, data, size) for f in flt.operands])
    raise AssertionError(f"filter not understood here: {flt}")
