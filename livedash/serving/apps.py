"""A Panel application per dashboard file; each session re-reads the file."""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import panel as pn

from ..api import Dashboard
from ..runtime.runtime import Runtime
from ..spec.loading import check


def error_page(path: Path, errors: list[Any]) -> pn.template.BaseTemplate:
    """The page shown for an invalid file: every error, positioned and escaped."""
    text = "\n".join(e.format() for e in errors if e.severity == "error")
    body = pn.pane.HTML(
        f"<h3>{html.escape(path.name)} has errors</h3>"
        f"<pre class='livedash-errors'>{html.escape(text)}</pre>"
        "<p>Fix the file and reload this page.</p>", sizing_mode="stretch_width")
    template = pn.template.FastListTemplate(title=f"{path.stem}: invalid dashboard")
    template.main.append(body)
    return template


def session_page(path: Path) -> None:
    """Called by the Bokeh server for each new session of ``path``; fills its document."""
    doc = pn.state.curdoc
    template = _template(path)
    template.server_doc(doc, title=template.title, location=True)
    _local_stylesheets(doc)


def _local_stylesheets(doc: Any) -> None:
    """Point the page's stylesheets at this server, not the CDN.

    Panel does this when it renders a session's HTML page, but a session can also be
    created by its websocket (when the browser connects after the page's session
    expired, e.g. on a busy server); without this it would ask the CDN, and fail
    offline.
    """
    from panel.io.resources import LOCAL_DIST, patch_model_css
    dist_url = f"{pn.state.rel_path}/{LOCAL_DIST}" if pn.state.rel_path else LOCAL_DIST
    for root in doc.roots:
        patch_model_css(root, dist_url=dist_url)


def _template(path: Path) -> pn.template.BaseTemplate:
    runtime = Runtime.shared()
    if pn.config.autoreload:
        runtime.watch(path)
    plan, errors = check(path, settings=runtime.settings, registry=runtime.registry)
    last_good = runtime.graphs.get(str(path.resolve()))
    if plan is None and last_good is None:
        return error_page(path, errors)
    if plan is None:
        graph = last_good  # keep serving the last good version, with the errors on top
    else:
        graph = Dashboard(plan, runtime).graph
    runtime.start(graph)  # before the page is built, so that it shows the first data
    from ..page import Page
    page = Page(graph, runtime.registry)
    template = page.template()
    if plan is None:
        page.show_spec_errors(errors)
    doc = pn.state.curdoc
    if doc is not None and doc.session_context is not None:
        page.attach(doc)
    return template


def describe(path: Path) -> dict[str, str]:
    """Title and description for the index page (no source is started)."""
    plan, errors = check(path)
    if plan is None:
        n = sum(e.severity == "error" for e in errors)
        return {"title": path.stem, "description": f"invalid: {n} error(s)", "valid": "no"}
    return {"title": plan.title, "description": plan.description, "valid": "yes"}
