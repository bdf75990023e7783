"""The per-process runtime: every running dashboard, shared by all sessions."""
from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

from ..registry import Registry, default_registry
from ..settings import Settings
from ..spec.plan import Plan
from .graph import Graph
from .watcher import FileWatcher

_CACHE_KEY = "livedash.runtime"


def fingerprint(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


class Runtime:
    """Owns the graphs of a process: one pipeline per source, however many viewers.

    Create one and :meth:`stop` it; :meth:`shared` gives the one that ``panel serve``
    scripts and ``livedash serve`` share within a server process.
    """

    def __init__(self, settings: Settings | None = None, registry: Registry | None = None):
        self.settings = settings or Settings.load()
        self.registry = registry or default_registry()
        self.graphs: dict[str, Graph] = {}
        self._fingerprints: dict[str, str] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._monitor: threading.Thread | None = None
        self._watcher: FileWatcher | None = None
        self.invalid: dict[str, list[Any]] = {}

    @classmethod
    def shared(cls) -> "Runtime":
        """The process's runtime, kept in Panel's per-process cache."""
        import panel as pn
        runtime = pn.state.cache.get(_CACHE_KEY)
        if runtime is None:
            runtime = pn.state.cache.setdefault(_CACHE_KEY, cls())
        return runtime

    @staticmethod
    def key(plan: Plan) -> str:
        return str(plan.path) if plan.path else "dict:" + fingerprint(dict(plan.raw))[:16]

    def graph(self, plan: Plan) -> Graph:
        """The running graph for ``plan``; a changed plan replaces the old graph, keeping
        the sources whose definition did not change (and so their history)."""
        key = self.key(plan)
        digest = fingerprint(dict(plan.raw))
        with self._lock:
            old = self.graphs.get(key)
            if old is not None and self._fingerprints[key] == digest:
                return old
            reuse = {}
            if old is not None:
                old_raw = old.plan.raw.get("sources") or {}
                new_raw = plan.raw.get("sources") or {}
                reuse = {name: runner for name, runner in old.runners.items()
                         if name in new_raw and fingerprint(old_raw.get(name))
                         == fingerprint(new_raw[name])}
            for runner in reuse.values():
                runner.node.children.clear()  # the old pipelines stop receiving rows
            graph = Graph(plan, self.registry, self.settings, reuse=reuse)
            if old is not None:
                old.stop(keep=set(reuse))
                if old.started:
                    self.start(graph)
            self.graphs[key] = graph
            self._fingerprints[key] = digest
            return graph

    def start(self, graph: Graph, wait: float = 1.0) -> None:
        graph.start(wait)
        with self._lock:
            if self._monitor is None:
                self._monitor = threading.Thread(target=self._watch, name="livedash:monitor",
                                                 daemon=True)
                self._monitor.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            for graph in list(self.graphs.values()):
                for runner in list(graph.runners.values()):
                    runner.check_hung()

    # -- reload on save -------------------------------------------------------------------
    def watch(self, path: Path) -> None:
        """Reload ``path`` whenever it is saved: a valid save replaces the dashboard
        (keeping unchanged sources and their history) and reloads its open pages; an
        invalid save keeps the last good version running and shows the errors."""
        with self._lock:
            if self._watcher is None:
                self._watcher = FileWatcher(self.reload)
        self._watcher.watch(path.resolve())

    def reload(self, path: Path) -> None:
        from ..spec.loading import check
        key = str(path.resolve())
        plan, errors = check(path, settings=self.settings, registry=self.registry)
        old = self.graphs.get(key)
        if plan is None:
            self.invalid[key] = errors
            if old is not None:
                for page in list(old.pages):
                    page.show_spec_errors(errors)
            return
        self.invalid.pop(key, None)
        graph = self.graph(plan)
        if old is None or graph is old:
            if old is not None:
                for page in list(old.pages):
                    page.show_spec_errors([])
            return
        if old.started:
            self.start(graph, wait=0)
        for page in list(old.pages):
            page.request_reload()

    def status(self) -> dict[str, Any]:
        return {"dashboards": {graph.plan.name: graph.status()
                               for graph in list(self.graphs.values())}}

    def stop(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.stop()
        with self._lock:
            for graph in self.graphs.values():
                graph.stop()
            self.graphs.clear()

