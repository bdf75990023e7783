"""filter, select, derive: row-wise steps against pandas, in chunks and as whole frames."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from stepfeed import MIDDLE, SIZES, assert_same, chain, chunks, feed, frame

from livedash.delta import Delta
from livedash.steps import rowwise
from livedash.steps.columns import ColumnNotFound


@pytest.mark.parametrize("how", SIZES)
def test_filter(how: str) -> None:
    df = frame()
    steps = chain({"filter": "temperature > 18 and sensor in ['a', 'b'] or not ok"})
    feed(steps, chunks(df, how), lambda d: d[((d.temperature > 18) & d.sensor.isin(["a", "b"]))
                                            | ~d.ok])


@pytest.mark.parametrize("how", SIZES)
def test_derive_in_order(how: str) -> None:
    df = frame()
    steps = chain({"derive": {"f": "temperature * 9 / 5 + 32", "hot": "f > 70",
                              "hits": "abs(hits - 50)", "r": "round(sqrt(humidity), 2)",
                              "w": "where(ok, f, -1)"}})

    def oracle(d: pd.DataFrame) -> pd.DataFrame:
        d = d.copy()
        d["f"] = d.temperature * 9 / 5 + 32
        d["hot"] = d.f > 70
        d["hits"] = (d.hits - 50).abs()
        d["r"] = np.sqrt(d.humidity).round(2)
        d["w"] = np.where(d.ok, d.f, -1.0)
        return d
    feed(steps, chunks(df, how), oracle)


@pytest.mark.parametrize("how", SIZES)
def test_select(how: str) -> None:
    df = frame()
    feed(chain({"select": ["temperature", "sensor"]}), chunks(df, how),
         lambda d: d[["temperature", "sensor"]])


def test_select_one_string() -> None:
    df = frame(20)
    feed(chain({"select": "hits"}), chunks(df, "7"), lambda d: d[["hits"]])


@pytest.mark.parametrize("how", SIZES)
def test_chain_through_a_window_keeps_removals(how: str) -> None:
    """Rows leaving a window upstream leave the filtered and derived output too."""
    df = frame()
    steps = chain({"window": 25}, {"filter": "temperature > 20"},
                  {"derive": {"d": "temperature - humidity"}}, {"select": ["d", "sensor"]})

    def oracle(d: pd.DataFrame) -> pd.DataFrame:
        d = d.iloc[-25:]
        d = d[d.temperature > 20]
        return d.assign(d=d.temperature - d.humidity)[["d", "sensor"]]
    feed(steps, chunks(df, how), oracle)


def test_whole_inputs_give_whole_outputs() -> None:
    df = frame(30)
    step = chain({"filter": "hits >= 50"})[0]
    delta = step.update(Delta.whole(df))
    assert not delta.is_rows
    assert_same(delta.result, df[df.hits >= 50])


def test_empty_chunks_without_columns_pass() -> None:
    step = chain({"filter": "x > 1"})[0]
    delta = step.update(Delta.rows(pd.DataFrame()))
    assert delta.empty


def test_backticks_and_the_index() -> None:
    df = pd.DataFrame({"my col": [1, 5, 9], "x.y": [3, 2, 1]},
                      index=pd.date_range("2024-01-01", periods=3, freq="1min", name="time"))
    step = chain({"filter": "`my col` > `x.y` and time > '2024-01-01 00:00:30'"})[0]
    assert_same(step.update(Delta.rows(df)).added, df.iloc[1:])


def test_missing_column_lists_the_columns() -> None:
    df = frame(5)
    step = chain({"filter": "temprature > 3"})[0]
    with pytest.raises(ColumnNotFound) as info:
        step.update(Delta.rows(df))
    assert str(info.value) == (
        "the expression uses column 'temprature', which the data does not have (columns: "
        "sensor, room, temperature, humidity, hits, ok); did you mean 'temperature'?")
    with pytest.raises(KeyError):
        chain({"select": ["nope"]})[0].update(Delta.rows(df))


def test_filter_giving_numbers_is_refused_at_run_time() -> None:
    step = chain({"filter": "abs(hits)"})[0]
    with pytest.raises(TypeError, match="gives int64 values, not true/false"):
        step.update(Delta.rows(frame(5)))


@pytest.mark.parametrize("how", SIZES)
def test_chain_through_late_rows(how: str) -> None:
    """Rows leaving from the middle of a time window pass through with the full result."""
    df = frame(240, late=0.2, seed=4)
    steps = chain({"window": "20s"}, {"filter": "hits > 30"}, {"derive": {"k": "hits * 2"}},
                  {"select": ["k", "sensor"]})

    def oracle(d: pd.DataFrame) -> pd.DataFrame:
        d = d[d.index > d.index.max() - pd.Timedelta("20s")]
        d = d[d.hits > 30]
        return d.assign(k=d.hits * 2)[["k", "sensor"]]
    feed(steps, chunks(df, how), oracle, middle=MIDDLE[how])


def _counting(step: Any) -> list[int]:
    """Wrap a row-wise step's function; the list collects the rows of every call."""
    seen: list[int] = []
    function = step.function

    def counted(rows: Any) -> Any:
        seen.append(len(rows))
        return function(rows)
    step.function = counted
    return seen


@pytest.mark.parametrize("how", ["7", "mixed"])
@pytest.mark.parametrize("window", [25, "20s"])
def test_rows_leaving_a_window_are_not_evaluated_again(how: str, window: Any) -> None:
    """A filter and a derive behind a window evaluate each row once: the rows that leave
    are handed out as they were made when they arrived (results still equal pandas)."""
    df = frame(300)
    steps = chain({"window": window}, {"filter": "temperature > 18"},
                  {"derive": {"f": "temperature * 9 / 5 + 32"}})
    filtered, derived = _counting(steps[1]), _counting(steps[2])

    def oracle(d: pd.DataFrame) -> pd.DataFrame:
        d = d.iloc[-25:] if window == 25 else d[d.index > d.index.max() - pd.Timedelta("20s")]
        d = d[d.temperature > 18]
        return d.assign(f=d.temperature * 9 / 5 + 32)
    feed(steps, chunks(df, how), oracle)
    # Rows that arrived before the first rows left are evaluated again when they leave
    # (the step starts keeping outputs then): at most one window's worth.
    assert sum(filtered) <= len(df) + 25 + 20 * 3
    assert sum(derived) <= int((df.temperature > 18).sum()) + 25 + 20 * 3


def test_a_stream_with_no_rows_leaving_keeps_no_output() -> None:
    """Without rows leaving the input (no window), nothing is kept for later."""
    step = chain({"filter": "temperature > 18"})[0]
    feed([step], chunks(frame(300), "7"), lambda d: d[d.temperature > 18])
    assert len(step._made) == 0


def test_outputs_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond MEMO_ROWS input rows, the oldest outputs are made again when they leave."""
    monkeypatch.setattr(rowwise, "MEMO_ROWS", 10)
    steps = chain({"window": 40}, {"filter": "temperature > 18"})
    seen = _counting(steps[1])
    df = frame(300)

    def oracle(d: pd.DataFrame) -> pd.DataFrame:
        d = d.iloc[-40:]
        return d[d.temperature > 18]
    feed(steps, chunks(df, "mixed"), oracle)
    assert steps[1]._made_rows <= 10 + 40
    assert sum(seen) > len(df) + 40  # the rows beyond the bound were evaluated again
