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
