"""Turn loaded YAML (or a dict) into a :class:`Plan`, collecting every error at once."""
from __future__ import annotations

import difflib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import SpecError
from ..registry import Registry
from ..settings import Settings
from ..yamlio import Path as KeyPath
from ..yamlio import Positions
from .models import TOP_LEVEL_KEYS, ConfigSpec, PipelineSpec, SourceSpec, ViewSpec
from .plan import PipelinePlan, Plan, StepPlan


def did_you_mean(word: object, choices: list[str] | tuple[str, ...]) -> str:
    """``did you mean 'x'?`` or the list of valid values."""
    if isinstance(word, str):
        close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
        if close:
            return f"did you mean {close[0]!r}?"
    if not choices:
        return ""
    return "valid values: " + ", ".join(sorted(choices))


class Checker:
    """Collects positioned errors while a specification is validated."""

    def __init__(self, file: str, positions: Positions, registry: Registry, settings: Settings,
                 base_dir: Path | None):
        self.file = file
        self.positions = positions
        self.registry = registry
        self.settings = settings
        self.base_dir = base_dir
        self.errors: list[SpecError] = []

    # -- reporting -------------------------------------------------------------------
    def error(self, path: KeyPath, code: str, message: str, hint: str = "", *,
              at_key: bool = False, severity: str = "error") -> None:
        line, col = self.positions.of_key(path) if at_key else self.positions.of_value(path)
        self.errors.append(SpecError(line, col, self.file, code, tuple(path), message, hint,
                                     severity))

    def model(self, cls: type[BaseModel], data: Any, path: KeyPath) -> BaseModel | None:
        """Validate ``data`` with ``cls``; report each pydantic error at its key."""
        if not isinstance(data, dict):
            self.error(path, "wrong-type", f"expected a mapping, got {_kind(data)}",
                       "write `key: value` pairs indented under this key")
            return None
        try:
            return cls.model_validate(data, context={"settings": self.settings,
                                                      "base_dir": self.base_dir})
        except ValidationError as exc:
            for err in exc.errors():
                self._pydantic_error(cls, err, path)
            return None

    def _pydantic_error(self, cls: type[BaseModel], err: Any, path: KeyPath) -> None:
        loc = tuple(part for part in err["loc"] if not (isinstance(part, str) and
                                                        part.startswith("function-")))
        # pydantic reports union members as extra loc parts ("str", "list[str]"): drop them
        clean: list[str | int] = []
        for part in loc:
            if isinstance(part, str) and ("[" in part or part in {"str", "int", "float",
                                                                  "bool", "dict", "list"}):
                continue
            clean.append(part)
        full = (*path, *clean)
        kind, msg = err["type"], err["msg"]
        if kind == "missing":
            self.error(full[:-1], "missing-key", f"missing required key {clean[-1]!r}",
                       f"add `{clean[-1]}:` to this mapping")
        elif kind == "extra_forbidden":
            fields = _fields_at(cls, clean[:-1])
            self.error(full, "unknown-key", f"unknown key {clean[-1]!r}",
                       did_you_mean(clean[-1], fields), at_key=True)
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            values = [v.strip().strip("'") for v in expected.replace(" or ", ",").split(",")]
            self.error(full, "bad-value", f"{err['input']!r} is not allowed",
                       did_you_mean(err["input"], [v for v in values if v]))
        else:
            msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
            code = "bad-value" if kind in {"value_error", "assertion_error"} else "wrong-type"
            self.error(full, code, msg, _type_hint(kind))

    # -- the document ------------------------------------------------------------------
    def check(self, data: Any, path: Path | None) -> Plan | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            self.error((), "wrong-type", f"a dashboard must be a mapping, got {_kind(data)}",
                       "start with `title:`, `sources:` and `views:` at the left margin")
            return None
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                self.error((key,), "unknown-key", f"unknown top-level key {key!r}",
                           did_you_mean(key, TOP_LEVEL_KEYS), at_key=True)
        for key in ("sources", "views"):
            if key not in data:
                self.error((), "missing-key", f"missing required key {key!r}",
                           f"add a `{key}:` mapping")
        title = self.text(data, "title", path.stem if path else "livedash")
        description = self.text(data, "description", "")
        config = self.model(ConfigSpec, data.get("config") or {}, ("config",))
        sources = self.sources(data.get("sources"))
        pipelines = self.pipelines(data.get("pipelines"))
        views = self.views(data.get("views"))
        layout = self.layout(data.get("layout"), views)
        self.references(data, sources, pipelines, views)
        if any(e.severity == "error" for e in self.errors):
            return None
        return Plan(title=title, description=description, config=config or ConfigSpec(),
                    sources=MappingProxyType(sources), pipelines=MappingProxyType(pipelines),
                    views=MappingProxyType(views), layout=layout, path=path,
                    raw=MappingProxyType(data))

    def text(self, data: dict[str, Any], key: str, default: str) -> str:
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.error((key,), "wrong-type", f"expected text, got {_kind(value)}",
                       "write it on one line, quoted if it contains ':'")
            return default
        return str(value)

    def section(self, value: Any, key: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error((key,), "wrong-type", f"expected a mapping of names, got {_kind(value)}",
                       f"write each entry of `{key}` as `name:` with its keys indented below")
            return {}
        return value

    def sources(self, value: Any) -> dict[str, SourceSpec]:
        out: dict[str, SourceSpec] = {}
        for name, body in self.section(value, "sources").items():
            path = ("sources", name)
            if not isinstance(body, dict):
                self.error(path, "wrong-type", f"expected a mapping, got {_kind(body)}",
                           "give the source a `type:` and its parameters")
                continue
            if "type" not in body:
                self.error(path, "missing-key", "missing required key 'type'",
                           "valid values: " + ", ".join(self.registry.names("source")))
                continue
            info = self.registry.get("source", body["type"]) if isinstance(body["type"], str) \
                else None
            if info is None:
                self.error((*path, "type"), "unknown-type",
                           f"unknown source type {body['type']!r}",
                           did_you_mean(body["type"], self.registry.names("source")))
                continue
            spec = self.model(info.spec, body, path)
            if spec is not None:
                out[name] = spec  # type: ignore[assignment]
        return out

    def pipelines(self, value: Any) -> dict[str, PipelinePlan]:
        out: dict[str, PipelinePlan] = {}
        for name, body in self.section(value, "pipelines").items():
            path = ("pipelines", name)
            spec = self.model(PipelineSpec, body, path)
            if spec is None:
                continue
            steps: list[StepPlan] = []
            ok = True
            for i, step in enumerate(spec.steps):  # type: ignore[attr-defined]
                plan = self.step(step, (*path, "steps", i))
                ok = ok and plan is not None
                if plan is not None:
                    steps.append(plan)
            if ok:
                out[name] = PipelinePlan(spec.source, tuple(steps))  # type: ignore[attr-defined]
        return out

    def step(self, step: Any, path: KeyPath) -> StepPlan | None:
        kinds = self.registry.names("step")
        if not isinstance(step, dict) or not step:
            self.error(path, "bad-step", "a step is a one-key mapping such as `- window: 30s`",
                       "valid steps: " + ", ".join(kinds))
            return None
        if len(step) > 1:
            self.error(path, "bad-step", "a step has exactly one kind, found "
                       + ", ".join(repr(k) for k in step),
                       "split it into one list item per step")
            return None
        (kind, value), = step.items()
        info = self.registry.get("step", kind)
        if info is None:
            self.error((*path, kind), "unknown-step", f"unknown step {kind!r}",
                       did_you_mean(kind, kinds), at_key=True)
            return None
        try:
            spec = info.spec.model_validate(value, context={"settings": self.settings})
        except ValidationError as exc:
            for err in exc.errors():
                self._pydantic_error(info.spec, err, (*path, kind))
            return None
        return StepPlan(kind, spec)

    def views(self, value: Any) -> dict[str, ViewSpec]:
        out: dict[str, ViewSpec] = {}
        kinds = self.registry.names("view")
        for name, body in self.section(value, "views").items():
            path = ("views", name)
            if isinstance(body, dict) and "kind" in body:
                info = self.registry.get("view", body["kind"]) \
                    if isinstance(body["kind"], str) else None
                if info is None:
                    self.error((*path, "kind"), "unknown-kind",
                               f"unknown view kind {body['kind']!r}", did_you_mean(body["kind"],
                                                                                   kinds))
                    continue
                cls = info.spec
            else:
                cls = ViewSpec
            spec = self.model(cls, body, path)
            if spec is not None:
                out[name] = spec  # type: ignore[assignment]
        return out

    def layout(self, value: Any, views: dict[str, ViewSpec]) -> tuple[tuple[str, ...], ...]:
        if value is None:
            return tuple((name,) for name in views)
        if not isinstance(value, list):
            self.error(("layout",), "wrong-type", f"expected a list of rows, got {_kind(value)}",
                       "write each row as `- [view_a, view_b]`")
            return ()
        rows: list[tuple[str, ...]] = []
        for i, row in enumerate(value):
            row = [row] if isinstance(row, str) else row
            if not isinstance(row, list) or not all(isinstance(v, str) for v in row):
                self.error(("layout", i), "wrong-type", "a layout row is a list of view names",
                           "write it as `- [view_a, view_b]`")
                continue
            rows.append(tuple(row))
        return tuple(rows)

    def references(self, data: dict[str, Any], sources: dict[str, SourceSpec],
                   pipelines: dict[str, PipelinePlan], views: dict[str, ViewSpec]) -> None:
        raw_sources = set(self.section(data.get("sources"), "sources"))
        raw_pipes = self.section(data.get("pipelines"), "pipelines")
        raw_views = self.section(data.get("views"), "views")
        producers = sorted(raw_sources | set(raw_pipes))
        for name, body in raw_pipes.items():
            src = body.get("source") if isinstance(body, dict) else None
            if isinstance(src, str) and src not in producers:
                self.error(("pipelines", name, "source"), "undefined",
                           f"{src!r} is not a source or pipeline", did_you_mean(src, producers))
        for name in raw_pipes:  # cycles
            seen, cur = [name], name
            while isinstance(raw_pipes.get(cur), dict) and raw_pipes[cur].get("source") in raw_pipes:
                cur = raw_pipes[cur]["source"]
                if cur in seen:
                    if cur == name:
                        self.error(("pipelines", name, "source"), "cycle",
                                   "pipelines feed each other in a circle: "
                                   + " -> ".join([*seen, cur]),
                                   "make one of them read from a source")
                    break
                seen.append(cur)
        for name, body in raw_views.items():
            target = body.get("data") if isinstance(body, dict) else None
            if isinstance(target, str) and target not in producers:
                self.error(("views", name, "data"), "undefined",
                           f"{target!r} is not a source or pipeline",
                           did_you_mean(target, producers))
        view_names = sorted(raw_views)
        layout = data.get("layout")
        if isinstance(layout, list):
            for i, row in enumerate(layout):
                row = [row] if isinstance(row, str) else row
                if not isinstance(row, list):
                    continue
                for j, item in enumerate(row):
                    if isinstance(item, str) and item not in raw_views:
                        self.error(("layout", i, j) if isinstance(layout[i], list)
                                   else ("layout", i), "undefined",
                                   f"{item!r} is not a view", did_you_mean(item, view_names))
        used = {b.get("data") for b in raw_views.values() if isinstance(b, dict)}
        used |= {b.get("source") for b in raw_pipes.values() if isinstance(b, dict)}
        for name in sorted(raw_sources):
            if name not in used:
                self.error(("sources", name), "unused-source",
                           f"source {name!r} is not shown by any view or pipeline",
                           "remove it or add a view with `data: " + str(name) + "`",
                           at_key=True, severity="warning")


def _fields_at(cls: type[BaseModel], loc: list[str | int]) -> list[str]:
    model: Any = cls
    for part in loc:
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            break
        model = field.annotation
    return list(getattr(model, "model_fields", {}) or cls.model_fields)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _type_hint(kind: str) -> str:
    return {
        "int_type": "write a whole number", "int_parsing": "write a whole number",
        "float_type": "write a number", "float_parsing": "write a number",
        "string_type": "write text (quote it if needed)", "bool_type": "write true or false",
        "list_type": "write a list: [a, b]", "dict_type": "write a mapping of key: value",
        "greater_than": "use a positive number", "greater_than_equal": "use a larger number",
    }.get(kind, "")
