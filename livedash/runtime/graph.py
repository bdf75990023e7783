"""A running dashboard: one node per source and pipeline, one runner per source."""
from __future__ import annotations

import threading
import time
import weakref
from functools import partial
from typing import Any, Callable

import pandas as pd

from ..delta import Delta
from ..errors import RowsRejected
from ..plugins import SourceContext
from ..registry import Registry
from ..settings import Settings
from ..spec.plan import Plan
from .node import Node
from .feed import Wakeups
from .runner import SourceRunner

StatusListener = Callable[["Graph"], None]


class Graph:
    """Sources, pipelines and their state for one dashboard in one process.

    Sessions never own data: they read a node's result when their page is built and then
    listen to its changes. Starting a graph starts its pollers; nothing runs before.
    """

    def __init__(self, plan: Plan, registry: Registry, settings: Settings,
                 reuse: dict[str, SourceRunner] | None = None):
        self.plan = plan
        self.nodes: dict[str, Node] = {}
        self.runners: dict[str, SourceRunner] = {}
        self.sessions = 0
        self.pages: set[Any] = set()  # open pages (for reload on save)
        # session work queued per server loop (serving.delivery); entries go with the loop
        self.deliveries: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        self.wakeups = Wakeups()  # loop wake-ups held back while a source hands out a tick
        self._status_listeners: dict[int, StatusListener] = {}
        self._next = 0
        self._lock = threading.Lock()
        self.started = False
        backlog: dict[str, int] = {}
        for view in plan.views.values():
            root = plan.upstream(view.data)
            backlog[root] = max(backlog.get(root, 0), view.backlog)
        base_dir = plan.path.parent if plan.path else None
        for name, spec in plan.sources.items():
            runner = (reuse or {}).get(name)
            if runner is not None:
                self.runners[name], self.nodes[name] = runner, runner.node
                runner.on_status, runner.wakeups = self._status_changed, self.wakeups
                continue
            info = registry.get("source", spec.type)
            assert info is not None, spec.type
            limit = max(spec.history, backlog.get(name, 0))
            node = Node(name, threading.RLock(), limit=limit)
            ctx = SourceContext(name, base_dir, settings.allowed_modules)
            polls = spec.type != "push"
            guard = None
            if polls:
                from ..sources.shape import ShapeGuard
                guard = ShapeGuard()
            self.runners[name] = SourceRunner(
                name, spec.interval.total_seconds(), partial(info.factory, spec, ctx), node,
                guard, settings.callback_timeout, self._status_changed, polls=polls,
                wakeups=self.wakeups)
            self.nodes[name] = node
        windowed: dict[str, bool] = {name: False for name in plan.sources}
        remaining = dict(plan.pipelines)
        while remaining:  # parents before children; validation has ruled out cycles
            for name, pipe in list(remaining.items()):
                parent = self.nodes.get(pipe.source)
                if parent is None:
                    continue
                steps = []
                for step in pipe.steps:
                    info = registry.get("step", step.kind)
                    assert info is not None, step.kind
                    steps.append(info.factory(step.spec))
                windowed[name] = windowed[pipe.source] or any(s.kind == "window"
                                                              for s in pipe.steps)
                limit = None if windowed[name] else self._limit(plan.upstream(name), backlog)
                node = Node(name, parent.lock, steps, limit=limit)
                with parent.lock:
                    parent.children.append(node)
                    if parent.version:  # a reused source already has rows: prime the pipeline
                        current = parent.result()
                        node.feed(Delta.whole(current) if parent.whole else Delta.rows(current))
                self.nodes[name] = node
                del remaining[name]

    def _limit(self, root: str, backlog: dict[str, int]) -> int:
        return max(self.plan.sources[root].history, backlog.get(root, 0))

    # -- life cycle --------------------------------------------------------------------
    def start(self, wait: float = 0.0) -> None:
        """Start every poller; wait up to ``wait`` seconds for their first polls, so
        that the first page shows data instead of an empty chart."""
        with self._lock:
            if self.started:
                return
            self.started = True
        for runner in self.runners.values():
            runner.start()
        deadline = time.monotonic() + wait
        for runner in self.runners.values():
            runner.first_poll.wait(max(0.0, deadline - time.monotonic()))

    def stop(self, keep: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        for name, runner in self.runners.items():
            if name not in keep:
                runner.stop()

    # -- data --------------------------------------------------------------------------
    def push(self, name: str, rows: Any) -> int:
        """Check ``rows`` against push source ``name`` and run them through every pipeline.

        Returns the number of rows accepted; raises :class:`RowsRejected` (nothing is
        taken) when a row does not fit.
        """
        runner = self.runners.get(name)
        if runner is None:
            raise KeyError(f"{name!r} is not a source of this dashboard; sources: "
                           + ", ".join(sorted(self.runners)))
        if self.plan.sources[name].type != "push":
            raise RowsRejected(f"source {name!r} is of type "
                               f"{self.plan.sources[name].type!r}; only `push` sources "
                               "accept rows")
        runner.start()
        source = runner.source
        if source is None:
            raise RowsRejected(f"source {name!r} could not start: {runner.error}")
        with runner.node.lock:
            frame = source.accept(rows)  # type: ignore[attr-defined]
            return runner.accept(frame)

    def data(self, name: str) -> pd.DataFrame:
        if name in self.nodes:
            return self.nodes[name].result().copy()
        if name in self.plan.views:
            view = self.plan.views[name]
            frame = self.nodes[view.data].result()
            return frame.iloc[-view.backlog:].copy() if not self.nodes[view.data].whole \
                else frame.copy()
        raise KeyError(f"{name!r} is not a source, pipeline or view; names: "
                       + ", ".join(sorted({*self.nodes, *self.plan.views})))

    # -- status ------------------------------------------------------------------------
    def on_status(self, listener: StatusListener) -> Callable[[], None]:
        with self._lock:
            key = self._next
            self._next += 1
            self._status_listeners[key] = listener

        def remove() -> None:
            with self._lock:
                self._status_listeners.pop(key, None)
        return remove

    def _status_changed(self, runner: SourceRunner) -> None:
        for listener in list(self._status_listeners.values()):
            listener(self)

    def errors(self) -> dict[str, str]:
        """Sources and pipelines in error, with their messages."""
        out = {name: r.error for name, r in self.runners.items() if r.error}
        out.update({name: n.error for name, n in self.nodes.items()
                    if n.error and name not in self.runners})
        return out

    def status(self) -> dict[str, Any]:
        deliveries = list(self.deliveries.values())
        return {
            "title": self.plan.title,
            "sessions": self.sessions,
            "sources": {name: r.status() for name, r in self.runners.items()},
            "pipelines": {name: {"rows": len(node), "error": node.error}
                          for name, node in self.nodes.items() if name not in self.runners},
            # work handed to the sessions on the server loop (livedash.serving.delivery)
            "delivery": {key: sum(getattr(d, key) for d in deliveries)
                         for key in ("bursts", "encoded", "streamed")},
        }

    def listener_count(self) -> int:
        return sum(n.listener_count for n in self.nodes.values()) + len(self._status_listeners)
