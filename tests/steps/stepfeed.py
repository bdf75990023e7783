"""Feeding steps in chunks and checking them against pandas after every chunk."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any

import numpy as np
import pandas as pd

from livedash.delta import Delta, apply
from livedash.registry import Registry

STEP_MODULES = ("filter", "select", "derive", "window", "groupby", "aggregate", "rolling",
                "resample")
SIZES: dict[str, int | None] = {"1": 1, "3": 3, "7": 7, "100": 100, "mixed": None}
# Late-row tests must see rows leave from the middle; chunks of 100 replace the whole
# window at once, so there nothing can.
MIDDLE = {"1": 1, "3": 1, "7": 1, "100": 0, "mixed": 1}

Oracle = Callable[[pd.DataFrame], pd.DataFrame]


def registry() -> Registry:
    reg = Registry()
    for name in STEP_MODULES:
        import_module(f"livedash.steps.{name}").register(reg)
    return reg


REGISTRY = registry()


def make(kind: str, value: Any) -> Any:
    info = REGISTRY.get("step", kind)
    assert info is not None
    return info.factory(info.spec.model_validate(value))


def chain(*steps: dict[str, Any]) -> list[Any]:
    """Steps from their YAML values, e.g. ``chain({"window": "30s"}, {"aggregate": "sum"})``."""
    return [make(*next(iter(step.items()))) for step in steps]


def frame(n: int = 120, seed: int = 0, late: float = 0.0) -> pd.DataFrame:
    """Sensor-like rows: a DatetimeIndex (with repeats), groups, NaNs, ints and booleans.

    ``late`` is the share of rows whose timestamp is moved back by up to 40 s.
    """
    rng = np.random.default_rng(seed)
    steps = rng.choice([0, 1, 1, 2, 3], size=n)  # 0: equal timestamps
    time = pd.Timestamp("2024-03-01 12:00:00") + pd.to_timedelta(np.cumsum(steps), unit="s")
    if late:
        back = rng.random(n) < late
        time = time - pd.to_timedelta(np.where(back, rng.integers(1, 40, n), 0), unit="s")
    sensor = rng.choice(["a", "b", "c", "d"], size=n).astype(object)
    sensor[rng.random(n) < 0.05] = None
    temperature = rng.normal(20, 5, size=n)
    temperature[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame({
        "sensor": pd.array(sensor, dtype="str"),
        "room": rng.choice(["lab", "hall"], size=n),
        "temperature": temperature,
        "humidity": rng.uniform(30, 60, size=n).round(3),
        "hits": rng.integers(0, 100, size=n),
        "ok": rng.random(n) < 0.7,
    }, index=pd.DatetimeIndex(time, name="time"))


def chunks(df: pd.DataFrame, how: str, seed: int = 3) -> list[pd.DataFrame]:
    """``df`` cut into chunks of one size, or of a random mix of sizes (empty ones too)."""
    size = SIZES[how]
    if size is not None:
        return [df.iloc[i:i + size] for i in range(0, len(df), size)]
    rng = np.random.default_rng(seed)
    out, i = [], 0
    while i < len(df):
        step = int(rng.choice([0, 1, 2, 5, 13, 40]))
        out.append(df.iloc[i:i + step])
        i += step
    return out


def assert_same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9)


def check_shape(before: pd.DataFrame | None, delta: Delta) -> None:
    """The delta keeps its promises: removed rows are the oldest unless ``result`` says."""
    if not delta.is_rows or before is None or len(before.columns) == 0:
        return
    assert delta.removed is not None and delta.added is not None
    if delta.result is None:
        assert_same(delta.removed, before.iloc[:len(delta.removed)])
    else:
        assert len(before) - len(delta.removed) + len(delta.added) == len(delta.result)


def feed(steps: list[Any], parts: Iterable[pd.DataFrame], oracle: Oracle,
         middle: int | None = None) -> pd.DataFrame:
    """Push ``parts`` through ``steps``; after each, compare with ``oracle(all rows so far)``.

    ``middle``: at least this many deltas between steps must have had rows leave from the
    middle (a full ``result``), so that a test of that path cannot pass without it.
    """
    out: pd.DataFrame | None = None
    so_far: pd.DataFrame | None = None
    seen_middle = 0
    for part in parts:
        delta = Delta.rows(part)
        for i, step in enumerate(steps):
            delta = step.update(delta)
            if i < len(steps) - 1 and delta.is_rows and delta.result is not None:
                seen_middle += 1
        check_shape(out, delta)
        out = apply(out, delta)
        if len(part.columns):
            so_far = part if so_far is None else pd.concat([so_far, part])
        assert so_far is not None
        assert_same(out, oracle(so_far))
    assert out is not None
    assert seen_middle >= (middle or 0), f"only {seen_middle} deltas left from the middle"
    return out


def flat(grouped: pd.DataFrame) -> pd.DataFrame:
    """pandas' MultiIndex agg columns as ``column_function``."""
    grouped = grouped.copy()
    grouped.columns = [f"{c}_{f}" for c, f in grouped.columns]
    return grouped
