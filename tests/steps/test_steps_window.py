"""window: row counts and time spans, late rows, removals from upstream, whole inputs."""
from __future__ import annotations

import pandas as pd
import pytest
from stepfeed import MIDDLE, SIZES, assert_same, chain, chunks, feed, frame

from livedash.delta import Delta, apply


def by_time(d: pd.DataFrame, span: str) -> pd.DataFrame:
    return d[d.index > d.index.max() - pd.Timedelta(span)]


@pytest.mark.parametrize("how", SIZES)
@pytest.mark.parametrize("size", [1, 10, 64])
def test_row_count(how: str, size: int) -> None:
    feed(chain({"window": size}), chunks(frame(), how), lambda d: d.iloc[-size:])


@pytest.mark.parametrize("how", SIZES)
@pytest.mark.parametrize("span", ["1s", "30s"])
def test_time_span(how: str, span: str) -> None:
    feed(chain({"window": span}), chunks(frame(), how), lambda d: by_time(d, span))


@pytest.mark.parametrize("how", SIZES)
def test_late_rows(how: str) -> None:
    """A late row inside the window stays until its own time is up; one outside never
    enters. The result is pandas on every row seen, in arrival order."""
    feed(chain({"window": "20s"}), chunks(frame(240, late=0.2, seed=3), how),
         lambda d: by_time(d, "20s"))


def test_late_row_documented_example() -> None:
    t = pd.Timestamp("2024-01-01 00:00:00")
    rows = pd.DataFrame({"v": [1, 2, 3, 4]},
                        index=pd.DatetimeIndex([t, t + pd.Timedelta("20s"),
                                                t + pd.Timedelta("5s"),  # late, inside
                                                t - pd.Timedelta("60s")],  # late, outside
                                               name="time"))
    step = chain({"window": "30s"})[0]
    d1 = step.update(Delta.rows(rows.iloc[:2]))
    d2 = step.update(Delta.rows(rows.iloc[2:]))
    assert list(d2.added.v) == [3]  # the row from a minute ago is dropped at once
    out = apply(apply(None, d1), d2)
    assert list(out.v) == [1, 2, 3]
    # 36 s: row 1 (0 s) and row 3 (5 s) expire, but row 2 (20 s) stands between them.
    d3 = step.update(Delta.rows(pd.DataFrame({"v": [5]}, index=pd.DatetimeIndex(
        [t + pd.Timedelta("36s")], name="time"))))
    assert list(d3.removed.v) == [1, 3]
    assert d3.result is not None and list(d3.result.v) == [2, 5]


@pytest.mark.parametrize("how", SIZES)
def test_window_of_a_window(how: str) -> None:
    """Rows a time window drops (from the middle too) leave the count window after it."""
    def oracle(d: pd.DataFrame) -> pd.DataFrame:
        return by_time(d, "15s").iloc[-5:]
    feed(chain({"window": "15s"}, {"window": 5}), chunks(frame(240, late=0.2, seed=5), how),
         oracle, middle=MIDDLE[how])


@pytest.mark.parametrize("how", SIZES)
def test_time_window_of_a_count_window(how: str) -> None:
    def oracle(d: pd.DataFrame) -> pd.DataFrame:
        return by_time(d.iloc[-30:], "10s")  # the newest index seen is in the last rows
    feed(chain({"window": 30}, {"window": "10s"}), chunks(frame(), how), oracle)


def test_whole_input() -> None:
    df = frame(50, late=0.2)
    out = chain({"window": "10s"})[0].update(Delta.whole(df))
    assert not out.is_rows
    assert_same(out.result, by_time(df, "10s"))
    assert_same(chain({"window": 7})[0].update(Delta.whole(df)).result, df.iloc[-7:])


def test_empty_chunks() -> None:
    df = frame(30)
    step = chain({"window": "10s"})[0]
    assert step.update(Delta.rows(pd.DataFrame())).empty
    assert step.update(Delta.rows(df.iloc[:0])).empty
    feed([step], [df.iloc[:0], df.iloc[:10], df.iloc[10:10], df.iloc[10:]],
         lambda d: by_time(d, "10s"))


def test_time_window_needs_a_time_index() -> None:
    step = chain({"window": "10s"})[0]
    with pytest.raises(TypeError) as info:
        step.update(Delta.rows(pd.DataFrame({"v": [1, 2]})))
    assert str(info.value) == (
        "window: 10s needs rows indexed by time, but the index is RangeIndex "
        "(int64): use a row count, or a source whose rows carry timestamps")


def test_rows_removed_upstream_are_not_replaced_by_older_ones() -> None:
    """Documented: a count window behind a time window loses rows that expire from the
    middle; older rows do not come back, new rows fill the places."""
    t = pd.Timestamp("2024-01-01")
    seconds = [0, 10, 20, 5, 6, 36]  # 5 s and 6 s arrive late, still inside 30 s
    rows = pd.DataFrame({"v": list("abcdef")}, index=pd.DatetimeIndex(
        [t + pd.Timedelta(s, unit="s") for s in seconds], name="time"))
    steps = chain({"window": "30s"}, {"window": 3})
    out = None
    for i in range(len(rows)):
        delta = Delta.rows(rows.iloc[i:i + 1])
        for step in steps:
            delta = step.update(delta)
        out = apply(out, delta)
    # At 36 s, a (0 s), d and e expire: [b, c, f] is left upstream; c stays, f arrives.
    assert list(out.v) == ["c", "f"]


@pytest.mark.parametrize("pandas_loop", [True, False])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 32, 33, 200])
def test_times_in_order_are_told_apart_from_late_ones_at_every_batch_size(
        n: int, pandas_loop: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """pandas' own loop, or without it short batches as Python ints and long ones with
    numpy: the same answer, NaT (the smallest int64) included."""
    import numpy as np

    from livedash.steps import window
    from livedash.steps.window import non_decreasing
    if pandas_loop:
        assert window._IN_ORDER is not None  # this pandas has it: the way batches take
    else:
        monkeypatch.setattr(window, "_IN_ORDER", None)
    rng = np.random.default_rng(n)
    nat = np.iinfo(np.int64).min
    for _ in range(50):
        times = np.sort(rng.integers(0, 10**12, n)).astype(np.int64)
        if n > 1 and rng.random() < 0.5:
            j = int(rng.integers(1, n))
            times[j] = times[j - 1]  # equal stamps: in order
        if n and rng.random() < 0.3:
            times[0] = nat  # NaT first: still in order
        if n > 1 and rng.random() < 0.5:
            i = int(rng.integers(1, n))
            late = times[i - 1] - 1 if times[i - 1] != nat else nat
            times[i] = late if rng.random() < 0.5 else nat  # one late row
        want = bool(np.all(times[1:] >= times[:-1]))
        assert non_decreasing(times) is want
