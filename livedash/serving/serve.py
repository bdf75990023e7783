"""``livedash serve``: ``panel serve`` that also understands dashboard YAML files."""
from __future__ import annotations

import argparse
import gc
import os
from pathlib import Path
from typing import Any

from panel.command.serve import Serve as PanelServe

from .apps import session_page
from .handlers import IndexHandler, StatusHandler

YAML_SUFFIXES = (".yaml", ".yml")


def dashboard_files(paths: list[str]) -> tuple[dict[str, Path], list[str]]:
    """Split PATH arguments into dashboard files (by slug) and other apps for Panel."""
    found: dict[str, Path] = {}
    others: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for item in sorted(path.iterdir()):
                if item.suffix in YAML_SUFFIXES and not item.name.startswith("."):
                    found.setdefault(item.stem, item.resolve())
        elif path.suffix in YAML_SUFFIXES:
            found.setdefault(path.stem, path.resolve())
        else:
            others.append(raw)
    return found, others


class Serve(PanelServe):
    """Every ``panel serve`` option, plus one app per YAML file, an index at ``/`` and
    ``/livedash/status``."""

    name = "serve"
    help = "Serve dashboards (YAML files or directories of them) and Panel apps"

    def invoke(self, args: argparse.Namespace) -> Any:
        files = list(args.files or []) or ["dashboards"]
        self.dashboards, args.files = dashboard_files(files)
        if not self.dashboards and not args.files:
            raise SystemExit(f"livedash serve: no dashboard files found in {' '.join(files)}")
        # The charts' libraries (HoloViews, hvplot: 0.7 s) are loaded now rather than
        # by the first page; then the garbage collector is set for a server (settle_gc).
        # Before the server starts, so before --num-procs forks: no event loop is made
        # here, and what is frozen stays shared between the processes.
        from ..views import figure  # noqa: F401
        settle_gc()
        return super().invoke(args)

    def customize_applications(self, args: argparse.Namespace,
                               applications: dict[str, Any]) -> dict[str, Any]:
        from panel.io.application import build_applications
        applications = super().customize_applications(args, applications)
        if "/" in applications and not args.files:
            del applications["/"]  # Bokeh's empty placeholder app
        # Panel calls plain functions per session; a functools.partial would be wrapped
        # as a lazily rendered pane instead.
        apps = {f"/{slug}": _app(path) for slug, path in self.dashboards.items()}
        titles = {f"/{slug}": slug for slug in self.dashboards}
        applications.update(build_applications(apps, title=titles))
        self._other_routes = [r for r in applications if r.lstrip("/") not in self.dashboards]
        return applications

    def customize_kwargs(self, args: argparse.Namespace,
                         server_kwargs: dict[str, Any]) -> dict[str, Any]:
        kwargs = super().customize_kwargs(args, server_kwargs)
        prefix = (kwargs.get("prefix") or "").rstrip("/")
        if prefix and not prefix.startswith("/"):
            prefix = "/" + prefix
        patterns = kwargs.setdefault("extra_patterns", [])
        patterns.append((r"/livedash/status/?", StatusHandler, {"files": self.dashboards}))
        if not args.disable_index:
            kwargs["use_index"] = False
            patterns.append((r"/?", IndexHandler, {
                "files": self.dashboards, "extra": getattr(self, "_other_routes", []),
                "prefix": prefix}))
        return kwargs


def settle_gc() -> None:
    """The garbage collector, set for a server before it starts: what was loaded before
    any session (Panel, Bokeh, HoloViews, pandas: ~230,000 objects, which live as long
    as the process) is set aside (``gc.freeze``). A full collection read them all every
    time, 190-290 ms during which no session got its tick; 10-80 ms with 20 sessions
    after.

    Collecting young objects less often (every 10,000 allocations instead of 700) was
    tried and left out: in a rerun a 20-session tick burst took the same time (9.5-9.7
    ms at p50, 11-13 ms at p90, both ways), and 200 sessions opened and closed in a row
    left the process 70 MB larger instead of 18.5 MB (their garbage waited longer for a
    full collection).
    """
    gc.freeze()


def _app(path: Path) -> Any:
    def app() -> Any:
        return session_page(path)
    app.__name__ = path.stem
    return app


def build_parser(prog: str = "livedash serve") -> tuple[argparse.ArgumentParser, Serve]:
    parser = argparse.ArgumentParser(prog=prog, description=Serve.help)
    command = Serve(parser=parser)
    return parser, command


def main(argv: list[str]) -> int:
    parser, command = build_parser()
    args = parser.parse_args(argv)
    os.environ.setdefault("BOKEH_RESOURCES", "server")
    command.invoke(args)
    return 0
