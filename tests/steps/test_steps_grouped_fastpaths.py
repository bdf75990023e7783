"""The grouped steps' fast paths (keys by value, runs of time buckets, numpy index)
against pandas: large chunks, integer and time keys, time zones."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stepfeed import chain, chunks, feed, frame
from test_steps_grouped import pandas_agg, pandas_resample


def _big(n: int = 3000, tz: str | None = None) -> pd.DataFrame:
    df = frame(n, seed=5)
    if tz:
        df.index = df.index.tz_localize(tz)
    return df.assign(code=np.arange(n) % 5, day=df.index.floor("1min"))


@pytest.mark.parametrize("size", [1, 7, 500])
def test_resample_in_runs_and_new_buckets(size: int) -> None:
    df = _big()
    agg = {"temperature": "ohlc", "hits": "sum"}
    parts = [df.iloc[i:i + size] for i in range(0, len(df), size)]
    feed(chain({"window": 700}, {"resample": {"every": "30s", "agg": agg}}), parts,
         lambda d: pandas_resample(d.iloc[-700:], "30s", agg, []))


def test_resample_with_a_time_zone() -> None:
    df = _big(400, tz="Europe/Paris")
    agg = {"temperature": "mean", "hits": "sum"}
    feed(chain({"resample": {"every": "1min", "agg": agg, "by": "sensor"}}), chunks(df, "7"),
         lambda d: pandas_resample(d, "1min", agg, ["sensor"]))


@pytest.mark.parametrize("how", ["1", "100", "mixed"])
def test_groupby_integer_and_time_keys(how: str) -> None:
    df = _big(400)
    for by in ("code", "day", ["day", "code"]):
        agg = {"temperature": ["mean", "count"], "hits": ["sum", "max"]}
        feed(chain({"window": 150}, {"groupby": {"by": by, "agg": agg}}), chunks(df, how),
             lambda d, by=by, agg=agg: pandas_agg(d.iloc[-150:], by, agg))


@pytest.mark.parametrize("how", ["1", "7", "mixed"])
def test_integer_keys_arriving_in_any_order_are_sorted(how: str) -> None:
    """Integer keys are sorted with numpy: negative ones, keys first seen out of order,
    and unsigned keys beyond int64 (sorted by Python) all come out as pandas sorts them."""
    df = _big(400)
    rng = np.random.default_rng(11)
    df = df.assign(signed=rng.integers(-40, 40, len(df)),
                   huge=(np.uint64(2 ** 63) + rng.integers(0, 5, len(df)).astype(np.uint64)))
    agg = {"temperature": "mean", "hits": "sum"}
    for by in ("signed", "huge", ["signed", "code"]):
        feed(chain({"window": 120}, {"groupby": {"by": by, "agg": agg}}), chunks(df, how),
             lambda d, by=by: pandas_agg(d.iloc[-120:], by, agg))


@pytest.mark.parametrize("how", ["7", "mixed"])
def test_groups_whose_rows_left_are_forgotten_and_results_stay_right(how, monkeypatch) -> None:
    # A resample behind a window meets a new bucket every period for ever: buckets whose
    # rows all left are forgotten (codes renumbered, held codes and values too).
    import livedash.steps.grouped as grouped
    monkeypatch.setattr(grouped, "COMPACT_FROM", 8)
    df = _big(1500)
    agg = {"temperature": "ohlc", "hits": "sum"}
    steps = chain({"window": 120}, {"resample": {"every": "30s", "agg": agg, "by": "sensor"}})
    feed(steps, chunks(df, how), lambda d: pandas_resample(d.iloc[-120:], "30s", agg, ["sensor"]))
    by_day = {"temperature": ["min", "max", "mean", "first", "last"], "hits": "median"}
    days = chain({"window": 90}, {"groupby": {"by": ["day", "sensor"], "agg": by_day}})
    feed(days, chunks(df, how), lambda d: pandas_agg(d.iloc[-90:], ["day", "sensor"], by_day))
    for step in (steps[-1], days[-1]):
        known = len(step.encoder)
        assert known <= 2 * 8 + 40 + 1000 // 7, known  # not one per bucket ever seen
        # the state has room for the known groups, grown by doubling: at most twice them
        assert known <= len(step.state.rows) <= 2 * known


@pytest.mark.parametrize("how", ["7", "mixed"])
def test_rows_leaving_a_window_take_back_what_they_added(how, monkeypatch) -> None:
    """count, sum and mean behind a window: a piece that leaves as it came subtracts what
    it added (kept with its rows) instead of being counted and summed again. Results stay
    pandas' with missing values and infinities about, and once groups are renumbered."""
    import livedash.steps.grouped as grouped
    from livedash.steps.groupstate import GroupState
    monkeypatch.setattr(grouped, "COMPACT_FROM", 8)
    taken: list[bool] = []
    take_back = GroupState._take_back

    def spy(self: GroupState, rows: object) -> bool:
        taken.append(take_back(self, rows))
        return taken[-1]
    monkeypatch.setattr(GroupState, "_take_back", spy)
    df = _big(1500)
    humidity = df.columns.get_loc("humidity")
    df.iloc[300:304, humidity] = np.inf
    df.iloc[600:602, humidity] = -np.inf
    agg = {"temperature": ["mean", "count"], "humidity": ["sum", "mean"], "hits": ["sum"]}
    per_bucket = {"temperature": "count", "humidity": "mean", "hits": "sum"}
    for size in (140, 131):  # whole pieces of 7 leave, or pieces cut in two
        feed(chain({"window": size}, {"groupby": {"by": "code", "agg": agg}}), chunks(df, how),
             lambda d, size=size: pandas_agg(d.iloc[-size:], "code", agg))
        feed(chain({"window": size},
                   {"resample": {"every": "30s", "agg": per_bucket, "by": "sensor"}}),
             chunks(df, how),
             lambda d, size=size: pandas_resample(d.iloc[-size:], "30s", per_bucket, ["sensor"]))
    assert any(taken) and not all(taken), "both ways were taken"


@pytest.mark.parametrize("every", ["30s", "1min"])
def test_resample_of_rows_in_time_order_adds_a_bucket_at_a_time(every, monkeypatch) -> None:
    """Rows in time order fall into runs of one bucket each: count, sum and mean add one
    sum a run (and take it back when the rows leave whole). Results stay pandas' with
    buckets left empty inside a batch, missing values, infinities, and pieces cut."""
    from livedash.steps.groupstate import ColumnState
    runs: list[bool] = []
    add_runs = ColumnState.add_runs

    def spy(self: ColumnState, *args: object) -> object:
        got = add_runs(self, *args)
        runs.append(got is not None)
        return got
    monkeypatch.setattr(ColumnState, "add_runs", spy)
    df = _big(3000)
    jump = pd.to_timedelta(np.where(np.arange(len(df)) >= 1030, 95, 0), unit="s")
    df.index = pd.DatetimeIndex(df.index + jump, name="time")  # empty buckets in one batch
    humidity = df.columns.get_loc("humidity")
    df.iloc[1500:1503, humidity] = np.inf
    df.iloc[2200, humidity] = -np.inf
    agg = {"temperature": "count", "humidity": "mean", "hits": "sum"}
    for window in (700, 650, "20min"):  # pieces of 100 leave whole, or cut, or by time
        cut = (lambda d, w=window: d.iloc[-w:]) if isinstance(window, int) else \
            (lambda d, w=window: d[d.index > d.index.max() - pd.Timedelta(w)])
        feed(chain({"window": window}, {"resample": {"every": every, "agg": agg}}),
             chunks(df, "100"), lambda d, cut=cut: pandas_resample(cut(d), every, agg, []))
    assert any(runs) and not all(runs), "both ways were taken"
