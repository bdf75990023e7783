"""One registry for every source, step and view type, built-in or third party.

Built-ins are registered through the same ``livedash.types`` entry point that other
packages use (see ``livedash.builtins``); a name registered twice fails loudly.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any, Callable, Literal

from pydantic import BaseModel

Kind = Literal["source", "step", "view"]
KINDS: tuple[Kind, ...] = ("source", "step", "view")


@dataclass(frozen=True)
class TypeInfo:
    """A registered type: its YAML name, the model that validates it, and its factory."""

    kind: Kind
    name: str
    spec: type[BaseModel]
    factory: Callable[..., Any]
    summary: str
    origin: str


class DuplicateType(RuntimeError):
    pass


class Registry:
    """Types by kind and name. Create one with :meth:`discover`."""

    def __init__(self) -> None:
        self._types: dict[Kind, dict[str, TypeInfo]] = {k: {} for k in KINDS}
        self._origin = "livedash"

    def add(self, kind: Kind, name: str, spec: type[BaseModel], factory: Callable[..., Any],
            summary: str) -> None:
        """Register ``name`` as a ``kind`` type; raise :class:`DuplicateType` if taken."""
        table = self._types[kind]
        if name in table:
            raise DuplicateType(f"{kind} type {name!r} is registered twice: by "
                                f"{table[name].origin} and by {self._origin}")
        table[name] = TypeInfo(kind, name, spec, factory, summary, self._origin)

    def get(self, kind: Kind, name: str) -> TypeInfo | None:
        return self._types[kind].get(name)

    def names(self, kind: Kind) -> list[str]:
        return sorted(self._types[kind])

    def all(self) -> list[TypeInfo]:
        return [info for kind in KINDS for _, info in sorted(self._types[kind].items())]

    @classmethod
    def discover(cls) -> "Registry":
        """Every type from the ``livedash.types`` entry points, built-ins first."""
        registry = cls()
        from . import builtins  # always present, even when not installed as a dist
        registry._origin = "livedash (built-in)"
        builtins.register(registry)
        for ep in sorted(entry_points(group="livedash.types"), key=lambda e: e.name):
            if ep.value == "livedash.builtins:register":
                continue
            dist = getattr(ep, "dist", None)
            registry._origin = f"{dist.name} {dist.version}" if dist else ep.value
            ep.load()(registry)
        return registry


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The process's registry (entry points are read once)."""
    return Registry.discover()
