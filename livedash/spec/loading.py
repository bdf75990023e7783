"""Entry points for reading a dashboard: from a path, a YAML string or a dict."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..registry import Registry, default_registry
from ..settings import Settings
from ..yamlio import Positions, load_yaml
from .plan import Plan
from .validation import Checker

Spec = str | os.PathLike[str] | dict[str, Any]


def read(path: Path, file: str) -> tuple[str | None, list[SpecError]]:
    """The text of ``path`` (``file`` is its name in messages), or why it cannot be read."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [SpecError(1, 1, file, "no-file", (), "no such file", "check the path")]
    except OSError as exc:
        return None, [SpecError(1, 1, file, "unreadable", (),
                                f"cannot read the file: {exc.strerror or exc}",
                                "check the path and its permissions")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [SpecError(line, col, file, "unreadable", (), f"the file is not UTF-8 "
                                f"text (byte {raw[exc.start]:#04x})", "save it as UTF-8 text")]
    return text.removeprefix("\ufeff"), []  # the byte order mark some editors write


def check(spec: Spec, *, settings: Settings | None = None,
          registry: Registry | None = None) -> tuple[Plan | None, list[SpecError]]:
    """Validate ``spec``; return the plan (``None`` when invalid) and every problem found.

    Never imports user code, starts a poller or raises for bad input. Problems are sorted
    by position; warnings (``severity == "warning"``) do not make the plan ``None``.
    """
    settings = settings or Settings.load()
    registry = registry or default_registry()
    path: Path | None = None
    errors: list[SpecError]
    if isinstance(spec, dict):
        data, positions, errors, file = spec, Positions(), [], "<dict>"
    else:
        path = Path(spec).resolve()
        file = os.fspath(spec)
        text, errors = read(path, file)
        if text is None:
            return None, errors
        loaded = load_yaml(text, file)
        data, positions, errors = loaded.data, loaded.positions, list(loaded.errors)
        if data is None and errors:  # nothing to check: the YAML itself failed
            return None, sorted(errors)
    checker = Checker(file, positions, registry, settings, path.parent if path else None)
    plan = checker.check(data, path)
    # A value YAML could not read is None: do not also report it as missing or mistyped.
    unread = [e.path for e in errors if e.code in ("yaml-tag", "yaml-value")]
    later = [e for e in checker.errors if not any(e.path[:len(p)] == p for p in unread)]
    all_errors = sorted(errors + later)
    if any(e.severity == "error" for e in all_errors):
        plan = None
    return plan, all_errors
