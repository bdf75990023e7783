"""A window and the step after it, fused (livedash.steps.fused): the same results as the
two steps run one after the other, bit for bit, batch after batch, and as pandas gives;
the short way taken where a batch allows it and the general way everywhere else."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from stepfeed import SIZES, assert_same, chain, chunks, feed, frame
from test_steps_grouped import one_row
from test_steps_rolling import fixed_on_arrival

from livedash.delta import Delta, apply
from livedash.steps.fused import WindowAggregate, WindowRolling, fuse


def by_time(span: str):
    return lambda d: d[d.index > d.index.max() - pd.Timedelta(span)]


def by_count(n: int):
    return lambda d: d.iloc[-n:]


def twins(*steps: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """The steps as written, and the same steps fused (each from its own state)."""
    fused = fuse(chain(*steps))
    assert any(isinstance(s, (WindowAggregate, WindowRolling)) for s in fused)
    return chain(*steps), fused


def same_as_unfused(steps: tuple[list[Any], list[Any]], parts: list[pd.DataFrame]) -> int:
    """Feed both; after every batch their results are exactly equal. Returns the batches
    the fused steps took the short way."""
    plain, fused = steps
    out: list[pd.DataFrame | None] = [None, None]
    for part in parts:
        for i, chain_ in enumerate((plain, fused)):
            delta = Delta.rows(part)
            for step in chain_:
                delta = step.update(delta)
            out[i] = apply(out[i], delta)
        pd.testing.assert_frame_equal(out[1], out[0], check_exact=True)
    return sum(getattr(s, "short", 0) for s in fused)


WINDOWS = [("window", 5, by_count(5)), ("window", 40, by_count(40)),
           ("window", "15s", by_time("15s"))]
AGGS = [{"humidity": "mean"}, {"humidity": ["count", "sum", "mean"]},
        {"humidity": "sum", "temperature": "mean"}, {"hits": "sum"},
        {"humidity": ["mean", "max"]}]


@pytest.mark.parametrize("how", SIZES)
@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: str(w[1]))
@pytest.mark.parametrize("agg", AGGS, ids=str)
def test_window_aggregate(how: str, window: tuple, agg: dict[str, Any]) -> None:
    """Numbers with no value missing (humidity, hits) take the short way; batches with
    missing values (temperature) and functions that hold rows (max) go the general way,
    and every result equals pandas and the unfused steps."""
    _, size, cut = window
    df = frame(240, seed=4)
    steps = [{"window": size}, {"aggregate": agg}]
    feed(fuse(chain(*steps)), chunks(df, how), lambda d: one_row(cut(d), agg))
    parts = chunks(df, how)
    short = same_as_unfused(twins(*steps), parts)
    # every batch with rows but the first (it sets the aggregate up)
    fits = [p for p in parts if len(p)]
    if "max" in str(agg):  # a function that holds the rows: the general way
        assert short == 0
    elif "temperature" not in agg:  # numbers with none missing: the short way
        assert len(fits) - 1 <= short <= len(fits)


@pytest.mark.parametrize("how", SIZES)
def test_window_aggregate_with_late_rows(how: str) -> None:
    """Late rows: a batch out of order, or older than the newest held row, goes the
    general way, and so do the batches while the window's rows are out of order."""
    df = frame(240, late=0.2, seed=9)
    agg = {"humidity": ["mean", "count"]}
    steps = [{"window": "20s"}, {"aggregate": agg}]
    feed(fuse(chain(*steps)), chunks(df, how), lambda d: one_row(by_time("20s")(d), agg))
    same_as_unfused(twins(*steps), chunks(df, how))


def test_missing_values_arriving_later_and_leaving() -> None:
    """The batch bringing a missing or infinite value goes the general way, and so do
    the batches taking them out of the window; the others, before and after, the short
    way. Infinities leave the sums again (pandas: the mean is finite once they are
    gone)."""
    df = frame(200, seed=2)
    df.iloc[60:63, df.columns.get_loc("humidity")] = [np.nan, np.inf, -np.inf]
    agg = {"humidity": ["mean", "sum", "count"]}
    steps = [{"window": 20}, {"aggregate": agg}]
    parts = chunks(df, "3")
    feed(fuse(chain(*steps)), parts, lambda d: one_row(d.iloc[-20:], agg))
    # general: the first batch (rows 0-2), the one bringing rows 60-62 (batch 20), and
    # the two taking them out (row 60 leaves in batch 26, rows 61 and 62 in batch 27)
    assert same_as_unfused(twins(*steps), parts) == len(parts) - 4


@pytest.mark.parametrize("how", ["1", "7", "mixed"])
def test_rows_removed_upstream_and_whole_inputs(how: str) -> None:
    """A window behind a window gets rows removed upstream (the general way); a window
    behind an aggregate gets whole inputs."""
    df = frame(240, late=0.2, seed=5)
    agg = {"humidity": "mean"}
    same_as_unfused(twins({"window": "15s"}, {"window": 5}, {"aggregate": agg}),
                    chunks(df, how))
    feed(fuse(chain({"window": "15s"}, {"window": 5}, {"aggregate": agg})), chunks(df, how),
         lambda d: one_row(by_time("15s")(d).iloc[-5:], agg))
    steps = [{"groupby": {"by": "room", "agg": {"humidity": "mean"}}}, {"window": 1},
             {"aggregate": {"humidity": "sum"}}]
    same_as_unfused(twins(*steps), chunks(df, how))


ROLLING = [(5, 3), (3, 5), (40, 4), ("20s", 3)]


@pytest.mark.parametrize("how", SIZES)
@pytest.mark.parametrize("sizes", ROLLING, ids=str)
def test_window_rolling(how: str, sizes: tuple) -> None:
    """Windows larger and smaller than the rolling's rows; missing values included."""
    window, rows = sizes
    df = frame(240, seed=6).assign(id=lambda d: np.arange(len(d)))
    steps = [{"window": window}, {"rolling": {"window": rows, "agg": {"temperature": "sum"}}}]
    cut = by_time(window) if isinstance(window, str) else by_count(window)
    feed(fuse(chain(*steps)), chunks(df, how), fixed_on_arrival(cut, rows, "temperature"))
    parts = chunks(df, how)
    short = same_as_unfused(twins(*steps), parts)
    fits = [p for p in parts if len(p)]
    assert len(fits) - 1 <= short <= len(fits)


@pytest.mark.parametrize("how", ["1", "3", "mixed"])
def test_window_rolling_with_late_rows(how: str) -> None:
    df = frame(240, late=0.2, seed=9).assign(id=lambda d: np.arange(len(d)))
    steps = [{"window": "20s"}, {"rolling": {"window": 3, "agg": {"temperature": "sum"}}}]
    feed(fuse(chain(*steps)), chunks(df, how),
         fixed_on_arrival(by_time("20s"), 3, "temperature"))
    same_as_unfused(twins(*steps), chunks(df, how))


def test_what_is_fused() -> None:
    kinds = [type(s).__name__ for s in fuse(chain(
        {"window": 5}, {"aggregate": "mean"}, {"window": 3},
        {"rolling": {"window": 2, "agg": "sum"}}, {"window": 9},
        {"rolling": {"window": "2s", "agg": "sum"}}, {"window": 4}))]
    assert kinds == ["WindowAggregate", "WindowRolling", "WindowStep", "RollingStep",
                     "WindowStep"]


@pytest.mark.parametrize("how", ["1", "3", "mixed"])
def test_pipelines_sharing_the_source_rows(how: str) -> None:
    """A source's rows go to every pipeline over it as the same objects, and a sum taken
    from them is kept with them (Rows.memo): windows of other sizes, other functions,
    missing values and integers all still give pandas' result, batch after batch."""
    df = frame(240, seed=11)
    pipelines = [
        ([{"window": 5}, {"aggregate": {"humidity": "mean"}}], by_count(5)),
        ([{"window": 7}, {"aggregate": {"humidity": ["count", "sum"]}}], by_count(7)),
        ([{"window": "15s"}, {"aggregate": {"humidity": "sum", "hits": "mean"}}],
         by_time("15s")),
        ([{"window": 5}, {"aggregate": {"temperature": "mean"}}], by_count(5)),
        ([{"window": 9}, {"aggregate": {"humidity": ["mean", "max"]}}], by_count(9)),
    ]
    chains = [fuse(chain(*steps)) for steps, _ in pipelines]
    outs: list[pd.DataFrame | None] = [None] * len(chains)
    so_far = df.iloc[:0]
    for part in chunks(df, how):
        source = Delta.rows(part)  # one delta, as a node passes it to its children
        so_far = pd.concat([so_far, part])
        for i, ((steps, cut), steps_) in enumerate(zip(pipelines, chains)):
            delta = source
            for step in steps_:
                delta = step.update(delta)
            outs[i] = apply(outs[i], delta)
            assert_same(outs[i], one_row(cut(so_far), steps[1]["aggregate"]))
    assert sum(getattr(s, "short", 0) for c in chains for s in c) > 0
