"""Names that refer to each other: ``source:``, ``data:``, layout rows; cycles; unused names."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..yamlio import Path
from .hints import did_you_mean

Report = Callable[..., None]  # Checker.error(path, code, message, hint, at_key=, severity=)


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _rows(layout: Any) -> list[tuple[Path, Any]]:
    """Every layout entry with its path; a row may be a single name."""
    if not isinstance(layout, list):
        return []
    out: list[tuple[Path, Any]] = []
    for i, row in enumerate(layout):
        if isinstance(row, list):
            out.extend((("layout", i, j), item) for j, item in enumerate(row))
        else:
            out.append((("layout", i), row))
    return out


def check_references(data: dict[str, Any], report: Report) -> None:
    """Report undefined names, clashes, cycles and unused sources, pipelines and views."""
    sources, pipes, views = (_section(data, k) for k in ("sources", "pipelines", "views"))
    producers = sorted(set(sources) | set(pipes))
    for name in pipes:
        if name in sources:
            report(("pipelines", name), "duplicate-name",
                   f"{name!r} is both a source and a pipeline",
                   "rename the pipeline: `source:` and `data:` could not tell them apart",
                   at_key=True)

    meant: set[str] = set()  # what misspelled references most likely name

    def undefined(path: Path, target: Any, what: str, exclude: str = "") -> None:
        if not isinstance(target, str) or target in producers:
            return
        choices = [p for p in producers if p != exclude]
        hint = did_you_mean(target, choices, "sources and pipelines")
        if hint.startswith("did you mean"):
            meant.add(hint.split("'")[1])
        if target in views:
            report(path, "undefined", f"{target!r} is a view, not a source or pipeline",
                   f"{what} is a source or a pipeline"
                   + (f": {hint}" if hint.startswith("did") else f"; {hint}"))
        else:
            report(path, "undefined", f"{target!r} is not a source or pipeline", hint)

    for name, body in pipes.items():
        if isinstance(body, dict):
            undefined(("pipelines", name, "source"), body.get("source"),
                      "a pipeline's source", exclude=name)
    _cycles(pipes, set(sources), report)
    for name, body in views.items():
        if isinstance(body, dict):
            undefined(("views", name, "data"), body.get("data"), "a view's data")
    for path, item in _rows(data.get("layout")):
        if isinstance(item, str) and item not in views:
            where = "a source" if item in sources else "a pipeline" if item in pipes else ""
            message = f"{item!r} is {where}, not a view" if where else \
                f"{item!r} is not a view"
            report(path, "undefined", message, did_you_mean(item, views, "views"))
    _unused(data, sources, pipes, views, meant, report)


def _cycles(pipes: dict[str, Any], sources: set[str], report: Report) -> None:
    """One error per circle, at the member written first.

    A pipeline named like a source is already an error; reading that name is taken to
    mean the source."""
    order = list(pipes)
    seen: set[frozenset[str]] = set()
    for start in order:
        chain = [start]
        while True:
            body = pipes.get(chain[-1])
            nxt = body.get("source") if isinstance(body, dict) else None
            if not isinstance(nxt, str) or nxt not in pipes or nxt in sources:
                break
            if nxt in chain:
                circle = chain[chain.index(nxt):]
                key = frozenset(circle)
                if key not in seen:
                    seen.add(key)
                    first = min(circle, key=order.index)
                    at = circle.index(first)
                    ring = circle[at:] + circle[:at] + [first]
                    message = (f"pipeline {first!r} reads from itself" if len(circle) == 1
                               else "pipelines read from each other in a circle: "
                               + " -> ".join(ring))
                    report(("pipelines", first, "source"), "cycle", message,
                           "make one of them read from a source")
                break
            chain.append(nxt)


def _unused(data: dict[str, Any], sources: dict[str, Any], pipes: dict[str, Any],
            views: dict[str, Any], meant: set[str], report: Report) -> None:
    """Warn about names nothing reads (a misspelled reference counts as reading the name
    it most likely means: that name is not reported twice)."""
    read = [b.get("data") for b in views.values() if isinstance(b, dict)]
    read += [b.get("source") for b in pipes.values() if isinstance(b, dict)]
    names = {name for name in read if isinstance(name, str)} | meant
    for name in sources:
        if name not in names:
            report(("sources", name), "unused-source",
                   f"source {name!r} is not read by any view or pipeline",
                   f"remove it, or add a view with `data: {name}`", at_key=True,
                   severity="warning")
    for name in pipes:
        if name not in names:
            report(("pipelines", name), "unused-pipeline",
                   f"pipeline {name!r} is not read by any view or pipeline",
                   f"remove it, or add a view with `data: {name}`", at_key=True,
                   severity="warning")
    layout = data.get("layout")
    if isinstance(layout, list):
        shown = {item for _, item in _rows(layout) if isinstance(item, str)}
        for name in views:
            if name not in shown:
                report(("views", name), "unused-view", f"view {name!r} is not in the layout",
                       f"add it to a row, e.g. `- [{name}]`", at_key=True,
                       severity="warning")
