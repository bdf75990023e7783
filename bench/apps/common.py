"""What the peer apps share: the process-level ticker, the subscriber registry and the
status endpoint."""
from __future__ import annotations

import argparse
import gc
import json
import threading
import time
from collections import deque
from typing import Any, Callable

import numpy as np
import pandas as pd
from bokeh.document import Document
from tornado.web import RequestHandler

Deliver = Callable[[Any], None]


class Ticker:
    """A random walk ticking at a fixed rate on its own thread (one per process).

    Each tick makes one row ``time`` (the tick's wall time, naive, as livedash stamps its
    rows) and ``value``, keeps the last ``backlog`` rows for new sessions, converts it
    once (``convert``) and schedules its delivery to every subscribed session on that
    session's thread.
    """

    def __init__(self, interval: float, backlog: int, seed: int = 0,
                 convert: Callable[[pd.DataFrame], Any] = lambda frame: frame):
        self.interval = interval
        self.convert = convert  # the row as the sessions take it, made once per tick
        self.history: deque[pd.DataFrame] = deque(maxlen=backlog)
        self.subscribers: dict[Document, Deliver] = {}
        self.ticks = 0
        self.lock = threading.Lock()
        self._rng = np.random.default_rng(seed)
        self._value = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench:ticker", daemon=True)

    def start(self) -> "Ticker":
        self._thread.start()
        return self

    def frame(self) -> pd.DataFrame:
        """The rows kept so far, for a new session's first render."""
        with self.lock:
            parts = list(self.history)
        if not parts:
            return pd.DataFrame({"time": pd.DatetimeIndex([]), "value": np.array([], float)})
        return pd.concat(parts, ignore_index=True)

    def subscribe(self, doc: Document, deliver: Deliver) -> None:
        with self.lock:
            self.subscribers[doc] = deliver
        doc.on_session_destroyed(lambda ctx: self.unsubscribe(doc))

    def unsubscribe(self, doc: Document) -> None:
        with self.lock:
            self.subscribers.pop(doc, None)

    def _loop(self) -> None:
        due = time.monotonic()
        while not self._stop.wait(max(0.0, due - time.monotonic())):
            self.tick()
            due += self.interval
            if due < time.monotonic():
                due = time.monotonic()  # as livedash's runner: skip ticks it is too late for

    def tick(self) -> None:
        self._value += float(self._rng.uniform(-1, 1))
        row = pd.DataFrame({"time": [pd.Timestamp.now()], "value": [self._value]})
        with self.lock:
            self.history.append(row)
            self.ticks += 1
            targets = list(self.subscribers.items())
        shared = self.convert(row)
        for doc, deliver in targets:
            try:
                doc.add_next_tick_callback(_bind(deliver, shared))
            except Exception:  # the session is going away
                pass


def _bind(deliver: Deliver, row: Any) -> Callable[[], None]:
    def run() -> None:
        deliver(row)
    return run


class StatusHandler(RequestHandler):
    """``GET /bench/status``: ticks and subscribed sessions; ``?debug=1`` adds the
    session-bound objects still alive (after a garbage collection)."""

    def initialize(self, ticker: Ticker) -> None:
        self.ticker = ticker

    def get(self) -> None:
        out: dict[str, Any] = {"ticks": self.ticker.ticks,
                               "subscribers": len(self.ticker.subscribers)}
        if self.get_argument("debug", None):
            out["process"] = live_objects()
        self.set_header("Content-Type", "application/json")
        self.write(json.dumps(out))


def live_objects() -> dict[str, int]:
    gc.collect()
    counts = {"documents": 0, "session_callbacks": 0, "streams": 0}
    try:
        from holoviews.streams import Stream
    except ImportError:  # the raw Bokeh app does not load HoloViews
        Stream = None  # type: ignore[assignment,misc]
    for obj in gc.get_objects():
        if isinstance(obj, Document):
            counts["documents"] += 1
            counts["session_callbacks"] += len(obj.session_callbacks)
        elif Stream is not None and isinstance(obj, Stream):
            counts["streams"] += 1
    return counts


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between ticks")
    parser.add_argument("--backlog", type=int, default=1000, help="rows kept on screen")
    parser.add_argument("--unused-session-lifetime", type=int, default=1000,
                        help="milliseconds")
    parser.add_argument("--check-unused-sessions", type=int, default=500, help="milliseconds")
    parser.add_argument("--holoviews", action="store_true",
                        help="hvplot_buffer: plot with hv.DynamicMap(hv.Curve) instead of "
                             "hvPlot (HoloViews' own streaming path)")
    return parser.parse_args()
