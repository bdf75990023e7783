"""livedash: a YAML file becomes a live dashboard that every viewer shares."""
from __future__ import annotations

__version__ = "0.1.0"

from .api import Dashboard, load, validate  # noqa: E402

__all__ = ["Dashboard", "load", "validate", "__version__"]
