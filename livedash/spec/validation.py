"""Turn loaded YAML (or a dict) into a :class:`Plan`, collecting every error at once.

Validation never imports user code, starts a source or opens a socket: the models only
look at the values, and a callback is checked by its name and the files beside the
dashboard.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import SpecError
from ..registry import Registry, TypeInfo
from ..settings import Settings
from ..yamlio import Path as KeyPath
from ..yamlio import Positions
from .deprecated import Normalizer
from .hints import describe, did_you_mean, valid
from .messages import translate
from .models import TOP_LEVEL_KEYS, ConfigSpec, PipelineSpec, SourceSpec, ViewSpec
from .plan import PipelinePlan, Plan, StepPlan
from .references import check_references

__all__ = ["Checker", "did_you_mean"]


class Checker:
    """Collects positioned errors while a specification is validated."""

    def __init__(self, file: str, positions: Positions, registry: Registry, settings: Settings,
                 base_dir: Path | None):
        self.file = file
        self.positions = positions.copy()
        self.registry = registry
        self.settings = settings
        self.base_dir = base_dir
        self.errors: list[SpecError] = []
        self._seen: set[tuple[Any, ...]] = set()

    # -- reporting -------------------------------------------------------------------
    def error(self, path: KeyPath, code: str, message: str, hint: str = "", *,
              at_key: bool = False, severity: str = "error") -> None:
        line, col = self.positions.of_key(path) if at_key else self.positions.of_value(path)
        key = (line, col, code, tuple(path), message)
        if key not in self._seen:  # e.g. a union's members saying the same thing
            self._seen.add(key)
            self.errors.append(SpecError(line, col, self.file, code, tuple(path), message,
                                         hint, severity))

    def model(self, cls: type[BaseModel], data: Any, path: KeyPath, *,
              choices: dict[str, list[str]] | None = None, origin: TypeInfo | None = None,
              ignore: frozenset[str] = frozenset()) -> BaseModel | None:
        """Validate ``data`` with ``cls``; report each error at its key.

        ``ignore`` lists codes not to report (``unknown-key`` when the type is unknown and
        the common keys are checked against the base model).
        """
        if not isinstance(data, dict):
            self.error(path, "wrong-type", f"expected a mapping, got {describe(data)}",
                       "write `key: value` pairs indented under this key")
            return None
        return self.validate(cls, data, path, choices=choices, origin=origin, ignore=ignore)

    def validate(self, cls: type[BaseModel], data: Any, path: KeyPath, *,
                 choices: dict[str, list[str]] | None = None, origin: TypeInfo | None = None,
                 ignore: frozenset[str] = frozenset()) -> BaseModel | None:
        """``cls.model_validate(data)``, every problem reported, never an exception."""
        context = {"settings": self.settings, "base_dir": self.base_dir}
        try:
            return cls.model_validate(data, context=context)
        except ValidationError as exc:
            for problem in translate(cls, data, exc, choices):
                if problem.code in ignore:
                    continue
                hint = problem.hint
                if problem.code == "bad-callback" and "not allowed" in problem.message:
                    hint = hint or self._callback_hint()
                self.error((*path, *problem.path), problem.code, problem.message, hint,
                           at_key=problem.at_key)
        except Exception as exc:  # noqa: BLE001 - a bug in a model: say so, no traceback
            who = f"{origin.kind} type {origin.name!r} ({origin.origin})" if origin \
                else "livedash"
            self.error(path, "internal", f"checking this failed: {type(exc).__name__}: "
                       f"{exc}", f"this is a bug in {who}: please report it")
        return None

    def _callback_hint(self) -> str:
        allowed = ", ".join(self.settings.allowed_modules) or "none"
        where = "config/livedash.yaml"
        if self.settings.path is not None:
            where = str(self.settings.path)
            with contextlib.suppress(ValueError):
                where = str(self.settings.path.relative_to(Path.cwd()))
        return f"modules allowed in {where}: {allowed}"

    # -- the document ------------------------------------------------------------------
    def check(self, data: Any, path: Path | None) -> Plan | None:
        """The plan of ``data``, or ``None`` (and :attr:`errors`) when it is invalid."""
        try:
            return self._check(data, path)
        except Exception as exc:  # noqa: BLE001 - never a traceback for a user's file
            self.error((), "internal", f"checking this file failed: {type(exc).__name__}: "
                       f"{exc}", "this is a bug in livedash: please report it")
            return None

    def _check(self, data: Any, path: Path | None) -> Plan | None:
        if data is None:
            self.error((), "empty-file", "the file holds no dashboard (only null)",
                       "a dashboard needs at least `sources:` and `views:`")
            return None
        if not isinstance(data, dict):
            self.error((), "wrong-type", f"a dashboard is a mapping, got {describe(data)}",
                       "start with `title:`, `sources:` and `views:` at the left margin")
            return None
        normalizer = Normalizer(self.file, self.positions, self.registry)
        data = normalizer.normalize(data)
        self.errors.extend(normalizer.problems)
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                self.error((key,), "unknown-key", f"unknown key {key!r}",
                           did_you_mean(key, TOP_LEVEL_KEYS, "keys"), at_key=True)
        for key in ("sources", "views"):
            if key not in data:
                self.error((), "missing-key", f"missing required key {key!r}",
                           f"add a `{key}:` mapping")
        title = self.text(data, "title", path.stem if path else "livedash")
        description = self.text(data, "description", "")
        config = self.model(ConfigSpec, {} if data.get("config") is None else data["config"],
                            ("config",))
        sources = self.sources(data.get("sources"))
        pipelines = self.pipelines(data.get("pipelines"))
        views = self.views(data.get("views"))
        layout = self.layout(data.get("layout"), views)
        check_references(data, self.error)
        if any(e.severity == "error" for e in self.errors):
            return None
        return Plan(title=title, description=description,
                    config=config or ConfigSpec(),  # type: ignore[arg-type]
                    sources=MappingProxyType(sources), pipelines=MappingProxyType(pipelines),
                    views=MappingProxyType(views), layout=layout, path=path,
                    raw=MappingProxyType(data))

    def text(self, data: dict[str, Any], key: str, default: str) -> str:
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.error((key,), "wrong-type", f"expected text, got {describe(value)}",
                       "write it on one line, in quotes if it contains ': '")
            return default
        return str(value)

    def section(self, value: Any, key: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error((key,), "wrong-type", f"expected a mapping of names, got "
                       f"{describe(value)}", f"write each entry of `{key}` as `name:` with "
                       "its keys indented below")
            return {}
        return value

    def sources(self, value: Any) -> dict[str, SourceSpec]:
        out: dict[str, SourceSpec] = {}
        types = self.registry.names("source")
        for name, body in self.section(value, "sources").items():
            path = ("sources", name)
            if not isinstance(body, dict):
                self.error(path, "wrong-type", f"expected a mapping, got {describe(body)}",
                           "give the source a `type:` and its parameters")
                continue
            kind = body.get("type")
            info = self.registry.get("source", kind) if isinstance(kind, str) else None
            if info is None:
                self.unknown(path, "type", kind, "source", types)
                # Still check the keys every source has (the others depend on the type).
                self.model(SourceSpec, {**body, "type": ""}, path,
                           ignore=frozenset({"unknown-key"}))
                continue
            spec = self.model(info.spec, body, path, origin=info)
            if spec is not None:
                out[name] = spec  # type: ignore[assignment]
        return out

    def unknown(self, path: KeyPath, key: str, value: Any, what: str,
                names: list[str]) -> None:
        """Report a missing, unknown or mistyped ``type`` of a source or ``kind`` of a view."""
        plural = "types" if key == "type" else "kinds"
        if value is None:
            self.error(path, "missing-key", f"missing required key {key!r}",
                       f"add `{key}:`, one of: " + ", ".join(names), at_key=True)
        elif isinstance(value, str):
            self.error((*path, key), f"unknown-{key}", f"unknown {what} {key} {value!r}",
                       did_you_mean(value, names, plural))
        else:
            self.error((*path, key), "wrong-type", f"expected a {what} {key}, got "
                       f"{describe(value)}", valid(names, plural))

    def pipelines(self, value: Any) -> dict[str, PipelinePlan]:
        out: dict[str, PipelinePlan] = {}
        for name, body in self.section(value, "pipelines").items():
            path = ("pipelines", name)
            if not isinstance(body, dict):
                self.error(path, "wrong-type", f"expected a mapping, got {describe(body)}",
                           "give the pipeline a `source:` and `steps:`")
                continue
            spec = self.model(PipelineSpec, body, path)
            steps = body.get("steps")
            plans = [self.step(step, (*path, "steps", i))
                     for i, step in enumerate(steps if isinstance(steps, list) else [])]
            if spec is not None and all(p is not None for p in plans):
                out[name] = PipelinePlan(spec.source,  # type: ignore[attr-defined]
                                         tuple(p for p in plans if p is not None))
        return out

    def step(self, step: Any, path: KeyPath) -> StepPlan | None:
        kinds = self.registry.names("step")
        if not isinstance(step, dict) or not step:
            what = "an empty mapping" if step == {} else describe(step)
            self.error(path, "bad-step", f"a step is a mapping with one key, its kind, such "
                       f"as `- window: 30s`; got {what}", valid(kinds, "steps"))
            return None
        if len(step) > 1:
            known = [k for k in step if self.registry.get("step", k) is not None]
            hint = "split it into one list item per step" if len(known) > 1 else \
                "indent the step's keys under its kind, e.g. `- rolling: {window: 10, " \
                "agg: mean}`"
            self.error(path, "bad-step", "a step has exactly one kind, found "
                       + ", ".join(repr(k) for k in step), hint)
            return None
        (kind, value), = step.items()
        info = self.registry.get("step", kind)
        if info is None:
            self.error((*path, kind), "unknown-step", f"unknown step {kind!r}",
                       did_you_mean(kind, kinds, "steps"), at_key=True)
            return None
        spec = self.validate(info.spec, value, (*path, kind), origin=info)
        return None if spec is None else StepPlan(kind, spec)

    def views(self, value: Any) -> dict[str, ViewSpec]:
        out: dict[str, ViewSpec] = {}
        kinds = self.registry.names("view")
        for name, body in self.section(value, "views").items():
            path = ("views", name)
            if not isinstance(body, dict):
                self.error(path, "wrong-type", f"expected a mapping, got {describe(body)}",
                           "give the view `data:` and `kind:`")
                continue
            kind = body.get("kind")
            info = self.registry.get("view", kind) if isinstance(kind, str) else None
            if info is None:
                self.unknown(path, "kind", kind, "view", kinds)
                self.model(ViewSpec, {**body, "kind": ""}, path,
                           ignore=frozenset({"unknown-key"}))
                continue
            spec = self.model(info.spec, body, path, origin=info)
            if spec is not None:
                out[name] = spec  # type: ignore[assignment]
        return out

    def layout(self, value: Any, views: dict[str, ViewSpec]) -> tuple[tuple[str, ...], ...]:
        if value is None:
            return tuple((name,) for name in views)
        if not isinstance(value, list):
            self.error(("layout",), "wrong-type", f"expected a list of rows, got "
                       f"{describe(value)}", "write each row as `- [view_a, view_b]`")
            return ()
        rows: list[tuple[str, ...]] = []
        for i, row in enumerate(value):
            items = [row] if isinstance(row, str) else row
            if not isinstance(items, list):
                self.error(("layout", i), "wrong-type", f"expected a row of view names, got "
                           f"{describe(row)}", "write it as `- [view_a, view_b]`")
                continue
            for j, item in enumerate(items):
                if not isinstance(item, str):
                    self.error(("layout", i, j), "wrong-type", f"expected a view name, got "
                               f"{describe(item)}", did_you_mean(item, views, "views"))
            rows.append(tuple(v for v in items if isinstance(v, str)))
        return tuple(rows)
