"""Polls one source in its own thread, so a slow or hung callback holds up nothing else."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

import pandas as pd

from ..delta import Delta
from ..errors import RowsRejected
from ..plugins import Source
from .feed import Wakeups
from .node import Node

StatusCallback = Callable[["SourceRunner"], None]


class SourceRunner:
    """One source in a server process: its poller thread, its health and its counters.

    The poll runs at a fixed rate (``interval`` from the previous due time, skipping
    ticks it is too late for), unlike streamz ``PeriodicDataFrame``, whose period drifts
    by the callback's run time. A poll that raises or returns rows of the wrong shape
    marks the source in error; its last good data stays, and it retries next interval.
    """

    def __init__(self, name: str, interval: float, make_source: Callable[[], Source],
                 node: Node, guard: Any, timeout: float,
                 on_status: StatusCallback | None = None, polls: bool = True,
                 wakeups: Wakeups | None = None):
        self.name = name
        self.interval = interval
        self.make_source = make_source
        self.node = node
        self.guard = guard
        self.timeout = timeout
        self.on_status = on_status
        self.polls = polls
        self.wakeups = wakeups if wakeups is not None else Wakeups()
        self.source: Source | None = None
        self.ticks = 0
        self.rows = 0
        self.last_update: pd.Timestamp | None = None
        self.error: str | None = None
        self.busy_since: float | None = None
        self._stop = threading.Event()
        self.first_poll = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = False

    # -- life cycle --------------------------------------------------------------------
    def start(self) -> None:
        if self._started:
            return
        self._started = True
        if self.polls:
            self._thread = threading.Thread(target=self._loop, name=f"livedash:{self.name}",
                                            daemon=True)
            self._thread.start()
        else:
            self._ensure_source()
            self.first_poll.set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        if self.source is not None:
            try:
                self.source.close()
            except Exception:
                pass

    @property
    def running(self) -> bool:
        return self._started and not self._stop.is_set()

    # -- health ------------------------------------------------------------------------
    def hung_for(self) -> float:
        busy = self.busy_since
        return 0.0 if busy is None else time.monotonic() - busy

    def check_hung(self) -> None:
        """Called by the runtime's monitor: mark a poll that has not returned in time."""
        took = self.hung_for()
        if took > self.timeout and not (self.error or "").startswith("hung"):
            self._set_error(f"hung: the callback has not returned for {took:.0f} s "
                            f"(limit {self.timeout:g} s); showing the last good data")

    def _set_error(self, error: str | None) -> None:
        changed = error != self.error
        self.error = error
        if changed and self.on_status is not None:
            self.on_status(self)

    # -- work --------------------------------------------------------------------------
    def _ensure_source(self) -> Source | None:
        if self.source is None:
            try:
                self.source = self.make_source()
            except Exception as exc:
                self._set_error(f"cannot start: {exc}")
                return None
        return self.source

    def _loop(self) -> None:
        last = pd.Timestamp.now() - pd.Timedelta(seconds=self.interval)
        due = time.monotonic()
        while not self._stop.wait(max(0.0, due - time.monotonic())):
            now = pd.Timestamp.now()
            try:
                self.poll_once(last, now)
            finally:
                self.first_poll.set()
            last = now
            due += self.interval
            if due < time.monotonic():
                due = time.monotonic()  # too late for the missed ticks: skip them

    def poll_once(self, last: pd.Timestamp, now: pd.Timestamp) -> None:
        source = self._ensure_source()
        if source is None:
            return
        self.busy_since = time.monotonic()
        try:
            frame = source.poll(last, now)
        except Exception as exc:
            self.busy_since = None
            self._set_error(f"the callback raised {type(exc).__name__}: {exc}")
            return
        self.busy_since = None
        try:
            self.accept(frame, whole=getattr(source, "whole", False))
        except RowsRejected as exc:
            self._set_error(f"wrong shape: {exc}")

    def accept(self, frame: Any, whole: bool = False) -> int:
        """Check ``frame`` and run it through every pipeline; returns rows accepted."""
        if not isinstance(frame, pd.DataFrame):
            raise RowsRejected(f"expected a pandas DataFrame, got {type(frame).__name__}")
        if not whole and self.guard is not None:
            frame = self.guard.check(frame)
        # every session's feed is offered the change first; their loops are woken after
        with self.wakeups.batch(), self.node.lock:
            self.node.publish(Delta.whole(frame) if whole else Delta.rows(frame))
            self.ticks += 1
            self.rows += len(frame)
            self.last_update = pd.Timestamp.now()
        if self.error is not None:
            self._set_error(None)
        return len(frame)

    def status(self) -> dict[str, Any]:
        return {
            "ticks": self.ticks,
            "rows": self.rows,
            "last_update": self.last_update.isoformat() if self.last_update is not None
            else None,
            "error": self.error,
            "listeners": self.node.listener_count,
        }
