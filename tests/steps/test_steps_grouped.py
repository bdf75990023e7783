"""groupby, aggregate, resample: incremental results against pandas after every chunk."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from stepfeed import MIDDLE, SIZES, assert_same, chain, chunks, feed, frame

from livedash.delta import Delta, apply

ALL = ["count", "sum", "mean", "min", "max", "std", "var", "first", "last", "median"]


def pandas_agg(d: pd.DataFrame, by: Any, agg: Any) -> pd.DataFrame:
    """The documented naming, written out independently of livedash."""
    keys = [by] if isinstance(by, str) else list(by)
    if isinstance(agg, dict):
        spec = {c: [f] if isinstance(f, str) else list(f) for c, f in agg.items()}
        listed = {c: not isinstance(f, str) for c, f in agg.items()}
    else:
        numeric = [c for c in d.columns if c not in keys and d[c].dtype.kind in "iuf"]
        spec = {c: [agg] if isinstance(agg, str) else list(agg) for c in numeric}
        listed = {c: not isinstance(agg, str) for c in numeric}
    out = d.groupby(keys, sort=True).agg(spec)
    out.columns = [f"{c}_{f}" if listed[c] else c for c, f in out.columns]
    return out.reset_index()


def one_row(d: pd.DataFrame, agg: Any) -> pd.DataFrame:
    return pandas_agg(d.assign(__k=0), "__k", agg).drop(columns="__k")


GROUPBY = {"by": "sensor", "agg": {"temperature": ALL, "hits": ALL, "humidity": "mean"}}


@pytest.mark.parametrize("how", SIZES)
def test_groupby_every_function(how: str) -> None:
    feed(chain({"groupby": GROUPBY}), chunks(frame(), how),
         lambda d: pandas_agg(d, "sensor", GROUPBY["agg"]))


@pytest.mark.parametrize("how", SIZES)
def test_groupby_two_keys_every_numeric_column(how: str) -> None:
    feed(chain({"groupby": {"by": ["room", "sensor"], "agg": ["mean", "max"]}}),
         chunks(frame(), how), lambda d: pandas_agg(d, ["room", "sensor"], ["mean", "max"]))


@pytest.mark.parametrize("how", SIZES)
def test_window_then_groupby(how: str) -> None:
    feed(chain({"window": 40}, {"groupby": GROUPBY}), chunks(frame(), how),
         lambda d: pandas_agg(d.iloc[-40:], "sensor", GROUPBY["agg"]))


@pytest.mark.parametrize("how", SIZES)
def test_late_rows_through_a_time_window_then_groupby(how: str) -> None:
    """Rows leaving from the middle of the window are subtracted from their groups."""
    def oracle(d: pd.DataFrame) -> pd.DataFrame:
        return pandas_agg(d[d.index > d.index.max() - pd.Timedelta("20s")], "sensor",
                          GROUPBY["agg"])
    feed(chain({"window": "20s"}, {"groupby": GROUPBY}), chunks(frame(240, late=0.2, seed=7), how),
         oracle, middle=MIDDLE[how])


@pytest.mark.parametrize("how", SIZES)
def test_filter_window_aggregate(how: str) -> None:
    agg = ["count", "sum", "mean", "max", "std"]

    def oracle(d: pd.DataFrame) -> pd.DataFrame:
        d = d[d.temperature > 18]
        return one_row(d[d.index > d.index.max() - pd.Timedelta("15s")], agg)
    df = frame()
    parts = chunks(df, how)
    start = next(i for i, p in enumerate(parts) if (p.temperature > 18).any())
    steps = chain({"filter": "temperature > 18"}, {"window": "15s"}, {"aggregate": agg})
    feed(steps, [pd.concat(parts[:start + 1]), *parts[start + 1:]], oracle)


@pytest.mark.parametrize("how", SIZES)
def test_booleans_and_text(how: str) -> None:
    agg = {"ok": ["count", "sum", "mean", "min", "max", "first", "last"],
           "sensor": ["count", "first", "last"]}
    feed(chain({"window": 30}, {"groupby": {"by": "room", "agg": agg}}), chunks(frame(), how),
         lambda d: pandas_agg(d.iloc[-30:], "room", agg))


def test_aggregate_shorthands_and_no_rows() -> None:
    df = frame(40)
    for value, agg in [("mean", "mean"), ({"hits": "sum"}, {"hits": "sum"}),
                       ({"agg": {"temperature": ["min", "last"]}},
                        {"temperature": ["min", "last"]})]:
        feed(chain({"aggregate": value}), chunks(df, "7"), lambda d: one_row(d, agg))
    step = chain({"aggregate": {"hits": ["count", "sum", "mean"]}})[0]
    out = step.update(Delta.rows(df.iloc[:0])).result
    assert_same(out, pd.DataFrame({"hits_count": [0], "hits_sum": [0.0],
                                   "hits_mean": [np.nan]}))


def test_whole_inputs_then_rows() -> None:
    """A whole input is recomputed; rows deltas after it build on that frame."""
    df = frame(60)
    step = chain({"groupby": GROUPBY})[0]
    first = step.update(Delta.whole(df.iloc[:30]))
    assert not first.is_rows
    assert_same(first.result, pandas_agg(df.iloc[:30], "sensor", GROUPBY["agg"]))
    out = apply(first.result, step.update(Delta.rows(df.iloc[30:45], df.iloc[:10])))
    assert_same(out, pandas_agg(df.iloc[10:45], "sensor", GROUPBY["agg"]))
    agg_step = chain({"aggregate": ["sum", "median"]})[0]
    assert_same(agg_step.update(Delta.whole(df)).result, one_row(df, ["sum", "median"]))


def test_empty_chunks() -> None:
    df = frame(30)
    step = chain({"groupby": {"by": "sensor", "agg": {"hits": "sum"}}})[0]
    assert list(step.update(Delta.rows(pd.DataFrame())).result.columns) == ["sensor", "hits"]
    feed([step], [df.iloc[:0], df.iloc[:10], df.iloc[10:10], df.iloc[10:]],
         lambda d: pandas_agg(d, "sensor", {"hits": "sum"}))


def test_number_functions_refuse_text() -> None:
    step = chain({"groupby": {"by": "room", "agg": {"sensor": "mean"}}})[0]
    with pytest.raises(TypeError) as info:
        step.update(Delta.rows(frame(5)))
    assert str(info.value) == (
        "groupby: cannot take the mean of column 'sensor', which holds str values; mean "
        "needs numbers (count, first and last work on any column)")


def test_missing_key_column() -> None:
    step = chain({"groupby": {"by": "sensr", "agg": "sum"}})[0]
    with pytest.raises(KeyError, match="groupby uses column 'sensr'.*did you mean 'sensor'"):
        step.update(Delta.rows(frame(5)))


def pandas_resample(d: pd.DataFrame, every: str, agg: dict[str, str],
                    by: list[str]) -> pd.DataFrame:
    grouped = d.groupby([pd.Grouper(freq=every), *by]) if by else d.groupby(
        d.index.floor(every))
    parts = []
    for column, fn in agg.items():
        if fn == "ohlc":
            part = grouped[column].ohlc()
            parts.append(part.add_prefix(f"{column}_") if len(agg) > 1 else part)
        else:
            parts.append(grouped[[column]].agg(fn))
    out = pd.concat(parts, axis=1)
    out = out.reset_index(level=by) if by else out
    # pandas marks a lone bucket with a frequency; a bucket list has none.
    out.index = pd.DatetimeIndex(out.index, freq=None)
    return out


@pytest.mark.parametrize("how", SIZES)
def test_resample_ohlc_by_sensor_with_late_rows(how: str) -> None:
    agg = {"temperature": "ohlc", "hits": "sum"}
    feed(chain({"resample": {"every": "10s", "agg": agg, "by": "sensor"}}),
         chunks(frame(240, late=0.2, seed=11), how),
         lambda d: pandas_resample(d, "10s", agg, ["sensor"]))


@pytest.mark.parametrize("how", SIZES)
def test_window_then_resample(how: str) -> None:
    agg = {"temperature": "ohlc"}
    feed(chain({"window": 50}, {"resample": {"every": "1min", "agg": agg}}),
         chunks(frame(), how), lambda d: pandas_resample(d.iloc[-50:], "1min", agg, []))


def test_resample_every_numeric_column_and_whole() -> None:
    df = frame(80)
    expected = df.groupby(df.index.floor("15s"))[["temperature", "humidity", "hits"]].mean()
    feed(chain({"resample": {"every": "15s", "agg": "mean"}}), chunks(df, "7"),
         lambda d: d.groupby(d.index.floor("15s"))[["temperature", "humidity", "hits"]].mean())
    step = chain({"resample": {"every": "15s", "agg": "mean"}})[0]
    assert_same(step.update(Delta.whole(df)).result, expected)


@pytest.mark.parametrize("how", ["1", "7", "mixed"])
def test_infinities_arriving_and_leaving(how: str) -> None:
    """An infinity makes its group's sum and mean infinite (both signs: NaN) and its std
    and var NaN, as in pandas, and only while it is in the window: once it has left, the
    results are finite again (a running sum cannot subtract an infinity)."""
    df = frame(200, seed=12)
    df.iloc[[40, 41, 90], df.columns.get_loc("humidity")] = [np.inf, -np.inf, np.inf]
    agg = {"humidity": ["count", "sum", "mean", "std", "var", "max"]}
    feed(chain({"window": 25}, {"groupby": {"by": "room", "agg": agg}}), chunks(df, how),
         lambda d: pandas_agg(d.iloc[-25:], "room", agg))
    feed(chain({"window": 25}, {"aggregate": agg}), chunks(df, how),
         lambda d: one_row(d.iloc[-25:], agg))
    # the last window has none: every result finite, whatever was subtracted before
    last = chain({"window": 25}, {"aggregate": agg})
    for part in chunks(df, how):
        out = Delta.rows(part)
        for step in last:
            out = step.update(out)
    assert np.isfinite(out.result.to_numpy(dtype=float)).all()
