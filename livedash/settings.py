"""Server and runtime settings from ``config/livedash.yaml`` (never from a dashboard)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

ENV_VAR = "LIVEDASH_CONFIG"


@dataclass(frozen=True)
class Settings:
    """What the operator allows; dashboards cannot grant themselves more."""

    allowed_modules: tuple[str, ...] = ()
    """Modules (``pkg.mod``) or packages (``pkg.*``) that periodic callbacks may name.
    A module in a ``.py`` file beside the dashboard is always allowed."""
    callback_timeout: float = 10.0
    """Seconds a source callback may run before the source is marked as hung."""
    path: Path | None = None

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> "Settings":
        """Read ``path``, else ``$LIVEDASH_CONFIG``, else ``./config/livedash.yaml``."""
        candidate = path or os.environ.get(ENV_VAR) or Path("config") / "livedash.yaml"
        candidate = Path(candidate)
        if not candidate.is_file():
            return cls()
        data = yaml.safe_load(candidate.read_text()) or {}
        return cls(
            allowed_modules=tuple(str(m) for m in data.get("allowed_modules") or ()),
            callback_timeout=float(data.get("callback_timeout", 10.0)),
            path=candidate.resolve(),
        )

    def allows(self, module: str) -> bool:
        """True when ``module`` is listed, or lies in a listed ``pkg.*`` package."""
        for allowed in self.allowed_modules:
            if allowed.endswith(".*"):
                if module == allowed[:-2] or module.startswith(allowed[:-1]):
                    return True
            elif module == allowed:
                return True
        return False
