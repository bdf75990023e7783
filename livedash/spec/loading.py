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


def check(spec: Spec, *, settings: Settings | None = None,
          registry: Registry | None = None) -> tuple[Plan | None, list[SpecError]]:
    """Validate ``spec``; return the plan (``None`` when invalid) and every problem found.

    Never imports user code, starts a poller or raises for bad input.
    """
    settings = settings or Settings.load()
    registry = registry or default_registry()
    path: Path | None = None
    if isinstance(spec, dict):
        data, positions, errors, file = spec, Positions(), [], "<dict>"
    else:
        path = Path(spec).resolve()
        file = os.fspath(spec)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None, [SpecError(1, 1, file, "no-file", (), "no such file",
                                    "check the path")]
        except (OSError, UnicodeDecodeError) as exc:
            return None, [SpecError(1, 1, file, "unreadable", (), f"cannot read file: {exc}",
                                    "save it as UTF-8 text")]
        loaded = load_yaml(text, file)
        data, positions, errors = loaded.data, loaded.positions, list(loaded.errors)
        if data is None:
            return None, sorted(errors)
    checker = Checker(file, positions, registry, settings, path.parent if path else None)
    plan = checker.check(data, path)
    all_errors = sorted(errors + checker.errors)
    if any(e.severity == "error" for e in all_errors):
        plan = None
    return plan, all_errors
