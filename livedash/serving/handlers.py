"""Plain HTTP endpoints beside the apps: the index page and ``/livedash/status``."""
from __future__ import annotations

import gc
import html
import json
from pathlib import Path

from tornado.web import RequestHandler

from ..runtime.runtime import Runtime
from .apps import describe


class StatusHandler(RequestHandler):
    """``GET /livedash/status``: ticks, rows, last update, last error and sessions."""

    def initialize(self, files: dict[str, Path]) -> None:
        self.files = files

    def get(self) -> None:
        status = Runtime.shared().status()
        dashboards = status["dashboards"]
        for slug, path in self.files.items():
            if slug not in dashboards:  # not started yet: read its title only
                dashboards[slug] = {"title": describe(path)["title"], "sessions": 0,
                                    "sources": {}, "pipelines": {}, "started": False}
            dashboards[slug]["path"] = str(path)
        for item in dashboards.values():
            item.setdefault("started", True)
        if self.get_argument("debug", None):
            status["process"] = live_objects()
            status["gc"] = {"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                            "threshold": gc.get_threshold(),
                            "collections": [g["collections"] for g in gc.get_stats()]}
        status["ok"] = all(src.get("error") is None for d in dashboards.values()
                           for src in d["sources"].values())
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.write(json.dumps(status, indent=1, default=str))


def live_objects() -> dict[str, int]:
    """Counts of session-bound objects still alive in this process (leak checks)."""
    from bokeh.document import Document

    from ..page import Page
    from ..runtime.feed import Feed
    gc.collect()
    counts = {"documents": 0, "pages": 0, "open_pages": 0, "feeds": 0, "open_feeds": 0,
              "session_callbacks": 0}
    for obj in gc.get_objects():
        if isinstance(obj, Document):
            counts["documents"] += 1
            counts["session_callbacks"] += len(obj.session_callbacks)
        elif isinstance(obj, Page):
            counts["pages"] += 1
            counts["open_pages"] += not obj.closed
        elif isinstance(obj, Feed):
            counts["feeds"] += 1
            counts["open_feeds"] += not obj.closed
    return counts


class IndexHandler(RequestHandler):
    """``GET /``: every dashboard with its title and description."""

    def initialize(self, files: dict[str, Path], extra: list[str], prefix: str) -> None:
        self.files = files
        self.extra = extra
        self.prefix = prefix

    def get(self) -> None:
        items = []
        for slug, path in sorted(self.files.items()):
            info = describe(path)
            items.append(
                f"<li class='dashboard' data-valid='{info['valid']}'>"
                f"<a href='{self.prefix}/{html.escape(slug)}'>{html.escape(info['title'])}</a>"
                f"<p>{html.escape(info['description'])}</p></li>")
        for route in sorted(self.extra):
            items.append(f"<li class='app'><a href='{self.prefix}{html.escape(route)}'>"
                         f"{html.escape(route.strip('/'))}</a></li>")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.write(INDEX.format(items="\n".join(items), prefix=self.prefix))


INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>livedash</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 50rem;
       padding: 0 1rem; color: #222; }}
h1 {{ font-weight: 600; }} ul {{ list-style: none; padding: 0; }}
li {{ border: 1px solid #ddd; border-radius: 6px; padding: .8rem 1rem; margin: .6rem 0; }}
li a {{ font-size: 1.15rem; text-decoration: none; color: #0b5cad; }}
li p {{ margin: .3rem 0 0; color: #555; }}
li[data-valid=no] {{ border-color: #d33; }}
footer {{ color: #888; font-size: .85rem; }}
</style></head>
<body><h1>Dashboards</h1><ul>
{items}
</ul><footer><a href="{prefix}/livedash/status">status</a></footer></body></html>
"""
