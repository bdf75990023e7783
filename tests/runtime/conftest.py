"""A registry of tiny test types, so runtime behaviour is tested without real sources."""
from __future__ import annotations

import threading
from typing import Literal

import pandas as pd
import pytest

from livedash.delta import Delta
from livedash.registry import Registry
from livedash.spec.fields import Model
from livedash.spec.models import SourceSpec, ViewSpec


class CounterSpec(SourceSpec):
    type: Literal["counter"] = "counter"
    fail_on: list[int] = []
    bad_shape_on: list[int] = []


class Counter:
    """One row per poll: n = 1, 2, 3...; raises or changes shape on chosen polls."""

    whole = False

    def __init__(self, spec: CounterSpec, ctx: object):
        self.spec = spec
        self.n = 0
        self.release = threading.Event()
        self.release.set()

    def poll(self, last: pd.Timestamp, now: pd.Timestamp) -> pd.DataFrame:
        self.release.wait()
        self.n += 1
        if self.n in self.spec.fail_on:
            raise RuntimeError(f"boom at poll {self.n}")
        if self.n in self.spec.bad_shape_on:
            return pd.DataFrame({"other": [1]}, index=pd.DatetimeIndex([now], name="time"))
        return pd.DataFrame({"n": [self.n]}, index=pd.DatetimeIndex([now], name="time"))

    def close(self) -> None:
        self.release.set()


class Recorder:
    """A view that records what it is given."""

    def __init__(self, spec: ViewSpec, ctx: object):
        self.panel = None
        self.initial = ctx.frame  # type: ignore[attr-defined]
        self.deltas: list[Delta] = []
        self.closed = False

    def apply(self, delta: Delta) -> None:
        self.deltas.append(delta)

    def close(self) -> None:
        self.closed = True


class PassSpec(Model):
    pass


class Double:
    """A row-wise step for tests: doubles column n."""

    def update(self, delta: Delta) -> Delta:
        def f(frame: pd.DataFrame | None) -> pd.DataFrame | None:
            return None if frame is None else frame.assign(n=frame["n"] * 2) \
                if "n" in frame else frame
        return Delta(f(delta.added), f(delta.removed), f(delta.result))


@pytest.fixture
def registry() -> Registry:
    reg = Registry()
    reg.add("source", "counter", CounterSpec, Counter, "test counter")
    reg.add("view", "record", ViewSpec, Recorder, "test recorder")
    reg.add("step", "double", PassSpec, lambda spec: Double(), "test doubling")
    return reg
