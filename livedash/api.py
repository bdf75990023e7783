"""The Python API: ``livedash.load``, ``livedash.validate`` and :class:`Dashboard`."""
from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .errors import SpecError, SpecInvalid
from .runtime.graph import Graph
from .runtime.runtime import Runtime
from .spec.loading import Spec, check
from .spec.plan import Plan


def validate(spec: Spec) -> list[SpecError]:
    """Every error and warning in ``spec`` (a path or a dict); empty when valid.

    Never imports user code or starts a source.
    """
    return check(spec)[1]


def load(spec: Spec, *, runtime: Runtime | None = None, start: bool = True) -> "Dashboard":
    """Load a dashboard from a YAML file or a dict and start its sources.

    Parameters
    ----------
    spec : str, os.PathLike or dict
        A dashboard file (relative paths are tried against the working directory, then
        the directory of the calling script) or the same structure as a dict.
    runtime : Runtime, optional
        The process's shared runtime by default, so every ``panel serve`` session of the
        same file shares one set of sources and pipelines.
    start : bool
        Start polling the sources now (default). ``dash.push`` works either way.

    Raises
    ------
    SpecInvalid
        With every error, positioned, when the specification is invalid.
    """
    if not isinstance(spec, dict):
        spec = _resolve(spec, inspect.stack()[1].filename)
    plan, errors = check(spec)
    if plan is None:
        raise SpecInvalid(errors)
    runtime = runtime or Runtime.shared()
    dash = Dashboard(plan, runtime)
    if start:
        dash.start()
    return dash


def _resolve(path: str | os.PathLike[str], caller: str) -> Path:
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    beside = Path(caller).resolve().parent / candidate
    return beside if beside.exists() else candidate


class Dashboard:
    """A running dashboard: render it, push rows into it, read its data.

    In Jupyter the object renders itself and keeps updating; in a ``panel serve`` script
    call :meth:`servable`. All sessions of one process share its sources and pipelines.
    """

    def __init__(self, plan: Plan, runtime: Runtime):
        self.plan = plan
        self.runtime = runtime
        self.graph: Graph = runtime.graph(plan)

    def __repr__(self) -> str:
        return f"<livedash.Dashboard {self.plan.title!r}: " \
               f"{len(self.plan.sources)} sources, {len(self.plan.views)} views>"

    # -- running -----------------------------------------------------------------------
    def start(self) -> "Dashboard":
        """Start the sources' pollers (once per process)."""
        self.runtime.start(self.graph)
        return self

    def stop(self) -> None:
        """Stop this dashboard's pollers."""
        self.graph.stop()

    # -- data --------------------------------------------------------------------------
    def push(self, name: str, rows: Any) -> int:
        """Push rows (a DataFrame, a record or a list of records) into source ``name``.

        The rows run through every pipeline before this returns, so :meth:`data` sees
        them at once. Returns the number of rows accepted; raises ``RowsRejected``
        naming the column and row when something does not fit (nothing is taken then).
        """
        return self.graph.push(name, rows)

    def data(self, name: str) -> pd.DataFrame:
        """The current result of a source, pipeline or view, as a pandas DataFrame."""
        return self.graph.data(name)

    # -- display -----------------------------------------------------------------------
    def servable(self, title: str | None = None) -> Any:
        """Build this session's page and mark it servable (``panel serve`` scripts)."""
        import panel as pn

        from .page import Page
        self.start()
        page = Page(self.graph, self.runtime.registry)
        template = page.template()
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            page.attach(doc)
        return template.servable(title=title or self.plan.title)

    def panel(self) -> Any:
        """A live Panel layout of this dashboard (no template), for notebooks and apps."""
        import panel as pn
        from panel.io.notebook import push_notebook
        from tornado.ioloop import IOLoop

        from .page import Page
        self.start()
        page = Page(self.graph, self.runtime.registry)
        layout = page.layout()
        loop = IOLoop.current()
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            page.attach(doc)
        else:
            def schedule(fn: Callable[[], None]) -> None:
                def run() -> None:
                    fn()
                    push_notebook(layout)
                loop.add_callback(run)
            page.connect(schedule)
        return layout

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        return self.panel()._repr_mimebundle_(include, exclude)
