"""Durations as analysts write them: ``250ms``, ``1s``, ``5min``, ``2h``, ``7d``."""
from __future__ import annotations

import re

import pandas as pd

_UNITS = {"ms": "ms", "s": "s", "sec": "s", "min": "min", "m": "min", "h": "h", "d": "D"}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|sec|s|min|m|h|d)\s*$")
UNITS_HELP = "a number followed by ms, s, min, h or d, e.g. 250ms, 1s, 5min, 2h, 7d"


def parse_duration(text: object) -> pd.Timedelta:
    """Parse a duration string; raise ``ValueError`` with a message for people."""
    if isinstance(text, bool) or not isinstance(text, str):
        raise ValueError(f"expected a duration ({UNITS_HELP}), got {text!r}")
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration: write {UNITS_HELP}")
    value, unit = float(match.group(1)), _UNITS[match.group(2)]
    delta = pd.Timedelta(value, unit=unit)
    if delta <= pd.Timedelta(0):
        raise ValueError(f"{text!r} must be longer than zero")
    return delta


def format_duration(delta: pd.Timedelta) -> str:
    """The shortest exact spelling of ``delta`` in the units above."""
    ms = int(delta / pd.Timedelta(1, "ms"))
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("min", 60_000), ("s", 1000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"
