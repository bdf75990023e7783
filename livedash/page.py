"""One viewer's page: the template, the views, their feeds and the error banner."""
from __future__ import annotations

import html
import logging
from functools import lru_cache
from typing import Any, Callable

import panel as pn
from bokeh.document import Document
from bokeh.events import DocumentReady
from tornado.ioloop import IOLoop

from .plugins import ViewContext, ViewSession
from .runtime.feed import Feed
from .runtime.graph import Graph
from .serving.delivery import scheduler

log = logging.getLogger("livedash")

TEMPLATES: dict[str, str] = {
    "fast": "FastListTemplate", "bootstrap": "BootstrapTemplate",
    "material": "MaterialTemplate", "vanilla": "VanillaTemplate",
    "golden": "GoldenTemplate", "react": "ReactTemplate", "fastgrid": "FastGridTemplate",
}


class Page:
    """Builds one session's page from a running graph and releases it on close.

    Views and Bokeh models belong to the session; data belongs to the graph. A page only
    starts listening when the browser reports the document ready, so a request that
    never opens a websocket (a crawler, a health check) costs nothing after the answer.
    """

    def __init__(self, graph: Graph, registry: Any):
        self.graph = graph
        self.plan = graph.plan
        self.registry = registry
        self.views: dict[str, ViewSession] = {}
        self.feeds: list[Feed] = []
        self.versions: dict[str, int] = {}
        self.banner = pn.pane.Alert("", alert_type="danger", visible=False,
                                    sizing_mode="stretch_width")
        self.spec_banner = pn.pane.HTML("", visible=False, sizing_mode="stretch_width",
                                        css_classes=["livedash-spec-errors"],
                                        styles={"background": "#fdecea", "color": "#611a15",
                                                "border": "1px solid #f5c2c7",
                                                "border-radius": "4px", "padding": "0 1em"})
        self._schedule: Callable[[Callable[[], None]], Any] | None = None
        self._doc_schedule: Callable[[Callable[[], None]], Any] | None = None
        self._location: Any = None
        self._doc: Document | None = None
        self._remove_status: Callable[[], None] | None = None
        self.closed = False
        self.connected = False

    # -- building ----------------------------------------------------------------------
    def view_panels(self) -> dict[str, Any]:
        panels: dict[str, Any] = {}
        theme = self.plan.config.theme
        for name, spec in self.plan.views.items():
            node = self.graph.nodes[spec.data]
            with node.lock:
                frame, whole, version = node.result(), node.whole, node.version
            self.versions[name] = version
            info = self.registry.get("view", spec.kind)
            try:
                view = info.factory(spec, ViewContext(name, frame, whole, theme))
            except Exception as exc:
                log.warning("view %s failed to build: %s", name, exc)
                panels[name] = pn.pane.Alert(
                    f"**View `{html.escape(name)}` cannot be shown:** {html.escape(str(exc))}",
                    alert_type="danger", sizing_mode="stretch_width",
                    css_classes=["livedash-view-error"])
                continue
            self.views[name] = view
            panels[name] = pn.Column(view.panel, css_classes=["livedash-view"],
                                     name=name, sizing_mode="stretch_width")
        return panels

    def body(self) -> list[Any]:
        panels = self.view_panels()
        rows = [pn.Row(*[panels[n] for n in row if n in panels], sizing_mode="stretch_width")
                for row in self.plan.layout]
        self.refresh_banner()
        return [self.spec_banner, self.banner, *rows]

    def template(self) -> pn.template.BaseTemplate:
        cls = offline(getattr(pn.template, TEMPLATES[self.plan.config.template]))
        theme = "dark" if self.plan.config.theme == "dark" else "default"
        template = cls(title=self.plan.title, theme=theme)
        design = getattr(template, "design", None)
        if isinstance(design, type):
            template.design = offline(design)
        if self.plan.description:
            template.header.append(pn.pane.Markdown(
                html.escape(self.plan.description), styles={"color": "inherit"},
                css_classes=["livedash-description"], margin=(0, 10)))
        # one card: Fast templates put each main item in a card of its own
        template.main.append(pn.Column(*self.body(), sizing_mode="stretch_width"))
        return template

    def layout(self) -> pn.Column:
        """The page without a template (notebooks)."""
        head = f"## {html.escape(self.plan.title)}"
        if self.plan.description:
            head += f"\n{html.escape(self.plan.description)}"
        return pn.Column(pn.pane.Markdown(head), *self.body(), sizing_mode="stretch_width")

    # -- live updates ------------------------------------------------------------------
    def attach(self, doc: Document) -> None:
        """Serve mode: listen once ``doc``'s browser is ready; clean up when it goes."""
        self._doc = doc
        self._location = pn.state.location
        # attach runs on the server's thread: its loop is where the session lives. Work
        # for the session is queued from source threads and run on that loop, never
        # with Bokeh's document calls made from a source thread (see serving.delivery)
        schedule = self._doc_schedule = scheduler(self.graph.deliveries, IOLoop.current(), doc,
                                                    self.graph.wakeups)
        self.graph.sessions += 1
        self.graph.pages.add(self)
        doc.on_event(DocumentReady, lambda event: self.connect(schedule))
        doc.on_session_destroyed(lambda ctx: self.close())

    def connect(self, schedule: Callable[[Callable[[], None]], Any]) -> None:
        if self.connected or self.closed:
            return
        self.connected = True
        by_node: dict[str, list[str]] = {}
        for name, spec in self.plan.views.items():
            if name in self.views:
                by_node.setdefault(spec.data, []).append(name)
        for data, names in by_node.items():
            feed = Feed(self.graph.nodes[data], [self.views[n] for n in names], schedule,
                        self._view_failed)
            version = min(self.versions[n] for n in names)
            feed.connect(version)
            self.feeds.append(feed)
        self._schedule = schedule
        self._remove_status = self.graph.on_status(lambda graph: schedule(self.refresh_banner))
        self.refresh_banner()

    # -- reload on save ------------------------------------------------------------------
    def show_spec_errors(self, errors: list[Any]) -> None:
        """Show (or, with no errors, hide) the errors of a saved file over the page."""
        lines = [e.format() for e in errors if e.severity == "error"]
        text = ""
        if lines:
            text = ("<p><b>The saved file has errors; this page keeps showing the last "
                    "good version.</b></p><pre class='livedash-errors'>"
                    + html.escape("\n".join(lines)) + "</pre>")

        def show() -> None:
            self.spec_banner.object = text
            self.spec_banner.visible = bool(text)
        schedule = self._schedule or self._doc_schedule
        if schedule is not None:
            schedule(show)
        else:
            show()

    def request_reload(self) -> None:
        """Ask the browser to reload the page (a new version of the file is running)."""
        location = self._location
        schedule = self._schedule or self._doc_schedule
        if location is None or schedule is None:
            return
        schedule(lambda: setattr(location, "reload", True))

    def _view_failed(self, view: ViewSession, exc: Exception) -> None:
        self.refresh_banner(extra=f"a view failed to update: {exc}")

    def refresh_banner(self, extra: str | None = None) -> None:
        if self.closed:
            return
        errors = self.graph.errors()
        lines = [f"**{html.escape(name)}**: {html.escape(msg)}" for name, msg in errors.items()]
        if extra:
            lines.append(html.escape(extra))
        text = "  \n".join(lines)
        if text != self.banner.object or bool(lines) != self.banner.visible:
            self.banner.object = text
            self.banner.visible = bool(lines)

    def close(self) -> None:
        """Release every feed, view and listener this page holds."""
        if self.closed:
            return
        self.closed = True
        for feed in self.feeds:
            feed.close()
        self.feeds = []
        if self._remove_status is not None:
            self._remove_status()
            self._remove_status = None
        for view in self.views.values():
            try:
                view.close()
            except Exception:
                log.exception("closing a view failed")
        self.views = {}
        if self._doc is not None:
            self.graph.sessions -= 1
            self.graph.pages.discard(self)
            self._doc = None
        self._location = None
        self._doc_schedule = None


def _is_remote_font(url: object) -> bool:
    return isinstance(url, str) and "fonts.googleapis.com" in url


@lru_cache(maxsize=None)
def offline(cls: type) -> type:
    """``cls`` without web-font links, so pages load with no network and no console
    errors; the browser falls back to system fonts."""
    resources = getattr(cls, "_resources", None)
    if not isinstance(resources, dict):
        return cls
    cleaned = {}
    for kind, entries in resources.items():
        if kind == "font":
            cleaned[kind] = {}
        elif isinstance(entries, dict):
            cleaned[kind] = {k: v for k, v in entries.items() if not _is_remote_font(v)}
        else:
            cleaned[kind] = entries
    return type(cls.__name__, (cls,), {"_resources": cleaned, "__module__": cls.__module__})
