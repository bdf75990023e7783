"""The smallest change to a ColumnDataSource, and never one BokehJS gets wrong."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from bokeh.document import Document
from bokeh.models import ColumnDataSource

from livedash.delta import Delta, apply
from livedash.views import cds
from livedash.views.memo import Follower, Memo, _apply_all


def attached(data):
    doc, events = Document(), []
    source = ColumnDataSource(data)
    doc.add_root(source)
    doc.on_change(events.append)
    return source, events


def js_safe(events, before: int) -> None:
    """BokehJS keeps a typed array's length when it exceeds ``rollover`` (see cds)."""
    for event in events:
        if type(event).__name__ == "ColumnsStreamedEvent":
            assert event.rollover is None or event.rollover >= before


@pytest.mark.parametrize("seed", range(40))
def test_sync_reaches_any_target(seed):
    rng = np.random.default_rng(seed)
    time = pd.date_range("2024", periods=60, freq="s").to_numpy()
    values = rng.standard_normal(60)
    start, size = rng.integers(0, 10), rng.integers(0, 20)
    source, events = attached({"t": time[start:start + size], "v": values[start:start + size],
                               "k": ["x"] * int(size)})
    for _ in range(5):
        start, size = start + rng.integers(0, 4), rng.integers(0, 25)
        new_values = values[start:start + size].copy()
        if size and rng.random() < 0.5:
            new_values[-1] = 99.0  # the open candle moved
        if size and rng.random() < 0.2:
            new_values[rng.integers(0, size)] = np.nan
        target = {"t": time[start:start + size], "v": new_values, "k": ["x"] * int(size)}
        before = cds.length(source)
        cds.sync(source, target)
        js_safe(events, before)
        events.clear()
        assert np.array_equal(source.data["t"], target["t"])
        assert cds.same(source.data["v"], target["v"]).all()
        assert list(source.data["k"]) == target["k"]


def test_sync_last_row_is_one_small_patch():
    source, events = attached({"v": np.arange(100.0)})
    new = np.arange(100.0)
    new[-1] = -1
    assert cds.sync(source, {"v": new}) == "patch"
    assert [type(e).__name__ for e in events] == ["ColumnsPatchedEvent"]


def test_sync_does_not_alias_shared_arrays():
    shared = {"v": np.arange(5.0)}
    one, _ = attached({"v": np.full(3, -1.0)})
    assert cds.sync(one, shared) == "replace"
    changed = shared["v"].copy()
    changed[0] = 42
    cds.sync(one, {"v": changed})  # patched in place: must not touch `shared`
    assert shared["v"][0] == 0


@pytest.mark.parametrize("target, slack, expect", [
    (10, 0, "stream"),  # full and steady: drop as many as arrive
    (12, 0, "stream"),  # growing
    (9, 1, "stream"),  # one row less upstream, within slack: kept a while
    (5, 1, "replace"),  # much less upstream: resent
])
def test_append(target, slack, expect):
    source, events = attached({"v": np.arange(10.0)})
    assert cds.append(source, {"v": np.array([10.0, 11.0])}, target, slack) == expect
    js_safe(events, 10)
    got = source.data["v"]
    assert list(got[-2:]) == [10.0, 11.0]
    assert len(got) == (max(target, 10) if expect == "stream" else target) or \
        len(got) == min(12, max(target, 10))


def test_conform_keeps_column_types():
    assert cds.conform(np.array([1, 2]), np.array([0.5])).dtype == np.float64
    assert cds.conform(np.array(["long name"]), np.array(["a"])).tolist() == ["long name"]
    assert cds.conform(np.array([1.0]), [0.0]) == [1.0]
    unit = np.array(["2024-01-01"], dtype="datetime64[us]")
    assert cds.conform(np.array(["2024-01-02"], dtype="datetime64[ns]"), unit).dtype == unit.dtype


def test_follower_applies_pending_changes_like_delta_apply():
    frame = pd.DataFrame({"a": np.arange(10.0)})
    deltas = [Delta.rows(pd.DataFrame({"a": [10.0 + i]}), frame.iloc[:1] if i % 2 else None)
              for i in range(5)]
    want = frame
    for d in deltas:
        want = apply(want, d)
    assert _apply_all(frame, deltas).equals(want)
    follower = Follower(Memo(), "src", frame)
    for d in deltas:
        follower.push(d)
    assert follower.current().equals(want)
    result = pd.DataFrame({"a": [1.0]})
    assert _apply_all(frame, [*deltas, Delta.whole(result)]).equals(result)


def test_memo_shares_while_someone_holds_the_result():
    memo, calls = Memo(), []
    frame = pd.DataFrame({"a": [1]})

    def compute():
        calls.append(1)
        return pd.DataFrame({"b": [2]})
    held = memo.get("k", (frame,), compute)
    assert memo.get("k", (frame,), compute) is held and len(calls) == 1
    memo.get("k", (pd.DataFrame({"a": [1]}),), compute)  # other inputs: computed again
    assert len(calls) == 2
