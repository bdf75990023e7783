"""Old spellings that still work, with a ``deprecated`` warning naming the new one.

* a source's ``refresh:`` is now ``interval:``;
* a view's ``kind: lines`` is now ``kind: line``;
* a source type, view kind or step written with hyphens (``type: random-walk``) when the
  registered name has underscores (``random_walk``).

They are rewritten before the models see the file, so the rest of validation (and the
plan) only ever meets the new spellings. The JSON Schema does not accept them, so an
editor flags them too. ``livedash validate --strict`` fails on them.
"""
from __future__ import annotations

from typing import Any

from ..errors import SpecError
from ..registry import Kind, Registry
from ..yamlio import Path, Positions

RENAMED_KEYS: dict[str, dict[str, str]] = {"sources": {"refresh": "interval"}}
"""Old key -> new key, for each entry of a section."""
RENAMED_VALUES: dict[str, dict[str, str]] = {"kind": {"lines": "line"}}
"""Old value -> new value of a view's ``kind`` or a source's ``type``."""
_FIELD: dict[str, tuple[str, Kind]] = {"sources": ("type", "source"),
                                        "views": ("kind", "view")}


class Normalizer:
    """Rewrites old spellings in a loaded document, collecting a warning for each."""

    def __init__(self, file: str, positions: Positions, registry: Registry):
        self.file = file
        self.positions = positions
        self.registry = registry
        self.problems: list[SpecError] = []

    def _report(self, path: Path, old: str, new: str, *, at_key: bool,
                code: str = "deprecated", severity: str = "warning", message: str = "",
                hint: str = "") -> None:
        line, col = self.positions.of_key(path) if at_key else self.positions.of_value(path)
        self.problems.append(SpecError(
            line, col, self.file, code, path,
            message or f"{old!r} is an old spelling of {new!r}",
            hint or f"write {new!r}", severity))

    def new_name(self, kind: Kind, name: Any, field: str) -> str | None:
        """The registered name an old spelling ``name`` stands for, if any."""
        if not isinstance(name, str) or self.registry.get(kind, name) is not None:
            return None
        new = RENAMED_VALUES.get(field, {}).get(name) or name.replace("-", "_")
        return new if new != name and self.registry.get(kind, new) is not None else None

    def normalize(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with new spellings (a copy where anything changed)."""
        out = dict(data)
        for section, (field, kind) in _FIELD.items():
            entries = data.get(section)
            if isinstance(entries, dict):
                out[section] = {name: self.entry(section, name, body, field, kind)
                                for name, body in entries.items()}
        pipelines = data.get("pipelines")
        if isinstance(pipelines, dict):
            out["pipelines"] = {name: self.pipeline(name, body)
                                for name, body in pipelines.items()}
        return out

    def entry(self, section: str, name: str, body: Any, field: str, kind: Kind) -> Any:
        if not isinstance(body, dict):
            return body
        path: Path = (section, name)
        renames = RENAMED_KEYS.get(section, {})
        new_body: dict[str, Any] = {}
        for key, value in body.items():
            new_key = renames.get(key)
            if new_key is None:
                new_body[key] = value
            elif new_key in body:
                self._report((*path, key), key, new_key, at_key=True, code="duplicate-key",
                             severity="error", message=f"{key!r} is an old spelling of "
                             f"{new_key!r}, which is also given", hint=f"remove `{key}:`")
            else:
                self._report((*path, key), key, new_key, at_key=True,
                             hint=f"write `{new_key}:`")
                self.positions.move((*path, key), (*path, new_key))
                new_body[new_key] = value
        new = self.new_name(kind, new_body.get(field), field)
        if new is not None:
            self._report((*path, field), new_body[field], new, at_key=False)
            new_body[field] = new
        return new_body

    def pipeline(self, name: str, body: Any) -> Any:
        if not isinstance(body, dict) or not isinstance(body.get("steps"), list):
            return body
        steps = []
        for i, step in enumerate(body["steps"]):
            if isinstance(step, dict) and len(step) == 1:
                (key, value), = step.items()
                new = self.new_name("step", key, "step")
                if new is not None:
                    path: Path = ("pipelines", name, "steps", i, key)
                    self._report(path, key, new, at_key=True, hint=f"write `{new}:`")
                    self.positions.move(path, (*path[:-1], new))
                    step = {new: value}
            steps.append(step)
        return {**body, "steps": steps}
