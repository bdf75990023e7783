"""Helpers for view tests: data in chunks, a Bokeh document that records every change."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from bokeh.document import Document
from bokeh.document.events import DocumentChangedEvent
from bokeh.models import ColumnDataSource
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
