"""The livedash dashboards the benchmarks serve, written into a directory of their own."""
from __future__ import annotations

import textwrap
from pathlib import Path

import yaml


def walk(directory: Path, name: str, interval_ms: int, backlog: int = 1000) -> Path:
    """A ``random_walk`` (one row per tick) shown in a line view: the fan-out subject,
    the same data as the peer apps."""
    spec = {
        "title": f"bench {name}",
        "description": "random walk, one row per tick, line view",
        "sources": {"walk": {"type": "random_walk", "interval": f"{interval_ms}ms",
                             "history": backlog}},
        "views": {"walk": {"data": "walk", "kind": "line", "y": "value",
                           "backlog": backlog}},
    }
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


# A periodic callback beside the wire dashboards: the first call gives `first` rows (the
# view starts full), every later call `batch` new rows.
WIRE_FEED = '''\
"""Rows for the wire benchmark: a full view first, then `batch` rows per tick."""
import numpy as np
import pandas as pd

_STATE = {}
GROUPS = np.array(["a", "b", "c"])


def rows(last, now, key, first=1000, batch=10, groups=0):
    state = _STATE.setdefault(key, {"n": 0, "value": 0.0,
                                    "rng": np.random.default_rng(len(key))})
    n = first if state["n"] == 0 else batch
    start = state["n"]
    state["n"] += n
    steps = state["rng"].uniform(-1, 1, n)
    value = state["value"] + np.cumsum(steps)
    state["value"] = float(value[-1])
    # one millisecond apart, the last at `now`: distinct, increasing times
    time = pd.DatetimeIndex(now - pd.to_timedelta(np.arange(n)[::-1], unit="ms"), name="time")
    frame = pd.DataFrame({"value": value}, index=time)
    if groups:
        frame["group"] = GROUPS[(start + np.arange(n)) % groups]
    return frame
'''

WIRE_KINDS: dict[str, dict[str, object]] = {
    "line": {"kind": "line", "y": "value"},
    "scatter": {"kind": "scatter", "y": "value"},
    "step": {"kind": "step", "y": "value"},
    "area": {"kind": "area", "y": "value"},
    "line_by": {"kind": "line", "y": "value", "by": "group"},
    "scatter_by": {"kind": "scatter", "y": "value", "by": "group"},
    "table": {"kind": "table"},
    "number": {"kind": "number", "y": "value"},
    "gauge": {"kind": "gauge", "y": "value", "options": {"bounds": [-1000, 1000]}},
    "trend": {"kind": "trend", "y": "value"},
}
"""The view kinds of the wire benchmark (name -> view settings)."""


def wire(directory: Path, kind: str, rows: int, interval_ms: int) -> Path:
    """One dashboard per view kind and size: a periodic source whose first tick fills
    the view with ``rows`` rows and whose every later tick adds 10."""
    (directory / "wirefeed.py").write_text(WIRE_FEED)
    view = dict(WIRE_KINDS[kind])
    name = f"wire_{kind}_{rows}"
    groups = 3 if "by" in view else 0
    spec = {
        "title": name,
        "sources": {"feed": {"type": "periodic", "callback": "wirefeed:rows",
                             "interval": f"{interval_ms}ms", "history": rows,
                             "kwargs": {"key": name, "first": rows, "batch": 10,
                                        "groups": groups}}},
        "views": {"view": {"data": "feed", "backlog": rows, **view}},
    }
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def describe() -> str:
    return textwrap.dedent("""\
        walk: random_walk, 1 row per tick, line view (fan-out, latency, sessions)
        wire_<kind>_<rows>: periodic source, <rows> rows then 10 per tick""")
