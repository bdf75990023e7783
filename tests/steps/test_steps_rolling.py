"""rolling: one output row per input row, as pandas rolling gives it when the row arrives."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from stepfeed import MIDDLE, SIZES, assert_same, chain, chunks, feed, frame

from livedash.delta import Delta


def rolled(d: pd.DataFrame, window: int | str, funcs: dict[str, str],
           min_periods: int = 1) -> pd.DataFrame:
    d = d.copy()
    for column, fn in funcs.items():
        d[column] = getattr(d[column].rolling(window, min_periods=min_periods), fn)()
    return d


@pytest.mark.parametrize("how", SIZES)
@pytest.mark.parametrize("fn", ["count", "sum", "mean", "min", "max", "std", "var", "median",
                                "first", "last"])
def test_row_count_window(how: str, fn: str) -> None:
    spec = {"window": 5, "agg": {"temperature": fn, "hits": fn}, "min_periods": 3}
    feed(chain({"rolling": spec}), chunks(frame(120), how),
         lambda d: rolled(d, 5, {"temperature": fn, "hits": fn}, 3))


@pytest.mark.parametrize("how", SIZES)
def test_time_window_every_numeric_column(how: str) -> None:
    feed(chain({"rolling": {"window": "10s", "agg": "mean"}}), chunks(frame(), how),
         lambda d: rolled(d, "10s", {"temperature": "mean", "humidity": "mean",
                                     "hits": "mean"}))


@pytest.mark.parametrize("how", SIZES)
def test_derive_then_rolling(how: str) -> None:
    steps = chain({"derive": {"f": "temperature * 9 / 5 + 32"}},
                  {"rolling": {"window": 8, "agg": {"f": "max"}}})
    feed(steps, chunks(frame(), how),
         lambda d: rolled(d.assign(f=d.temperature * 9 / 5 + 32), 8, {"f": "max"}))


def fixed_on_arrival(upstream: Callable[[pd.DataFrame], pd.DataFrame], window: int,
                     column: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """The oracle behind an upstream window: a row's rolling sum is computed on the
    upstream result when the row arrives, and kept; rows leave with the upstream's."""
    values: dict[int, float] = {}

    def oracle(d: pd.DataFrame) -> pd.DataFrame:
        inside = upstream(d)
        now = inside[column].rolling(window, min_periods=1).sum()
        for row_id, value in zip(inside.id, now):
            values.setdefault(row_id, value)
        return inside.assign(**{column: [values[i] for i in inside.id]})
    return oracle


@pytest.mark.parametrize("how", SIZES)
def test_rows_leaving_upstream_leave_the_output(how: str) -> None:
    df = frame().assign(id=lambda d: np.arange(len(d)))
    steps = chain({"window": 30}, {"rolling": {"window": 4, "agg": {"temperature": "sum"}}})
    feed(steps, chunks(df, how), fixed_on_arrival(lambda d: d.iloc[-30:], 4, "temperature"))


@pytest.mark.parametrize("how", SIZES)
def test_late_rows_upstream(how: str) -> None:
    """Behind a time window with late rows, rows also leave from the middle."""
    df = frame(240, late=0.2, seed=9).assign(id=lambda d: np.arange(len(d)))
    steps = chain({"window": "20s"}, {"rolling": {"window": 3, "agg": {"temperature": "sum"}}})
    feed(steps, chunks(df, how), fixed_on_arrival(
        lambda d: d[d.index > d.index.max() - pd.Timedelta("20s")], 3, "temperature"),
        middle=MIDDLE[how])


def test_late_row_in_a_time_window_documented_example() -> None:
    t = pd.Timestamp("2024-01-01")
    index = pd.DatetimeIndex([t, t + pd.Timedelta("5s"), t + pd.Timedelta("30s"),
                              t + pd.Timedelta("12s"), t + pd.Timedelta("31s")], name="time")
    rows = pd.DataFrame({"v": [1.0, 2.0, 4.0, 8.0, 16.0]}, index=index)
    step = chain({"rolling": {"window": "20s", "agg": {"v": "sum"}}})[0]
    out = [step.update(Delta.rows(rows.iloc[i:i + 1])).added.v.iloc[0] for i in range(5)]
    # The late row at 12 s sees only held rows (newer than 30 s - 20 s) up to its own time:
    # itself; the rows at 0 s and 5 s were already let go. The row at 31 s sees 12 s too.
    assert out == [1.0, 3.0, 4.0, 8.0, 28.0]


def test_whole_input() -> None:
    df = frame(50)
    step = chain({"rolling": {"window": "7s", "agg": {"humidity": "std"}}})[0]
    out = step.update(Delta.whole(df))
    assert not out.is_rows
    assert_same(out.result, rolled(df, "7s", {"humidity": "std"}))


def test_empty_chunks() -> None:
    df = frame(30)
    step = chain({"rolling": {"window": 3, "agg": "sum"}})[0]
    assert step.update(Delta.rows(pd.DataFrame())).empty
    feed([step], [df.iloc[:0], df.iloc[:10], df.iloc[10:10], df.iloc[10:]],
         lambda d: rolled(d, 3, {"temperature": "sum", "humidity": "sum", "hits": "sum"}))


def test_rolling_refuses_text() -> None:
    step = chain({"rolling": {"window": 3, "agg": {"sensor": "count"}}})[0]
    with pytest.raises(TypeError) as info:
        step.update(Delta.rows(frame(5)))
    assert str(info.value) == ("rolling: cannot take a rolling count of column 'sensor', "
                               "which holds str values: a rolling aggregate needs numbers")
