"""rolling computes with pandas' own window kernels; these cases are where a hand-made
kernel would differ from pandas: infinities, min_periods=0, long runs of missing values,
and the public-API path used when the kernels are not there."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from stepfeed import SIZES, chain, chunks, feed, frame
from test_steps_rolling import rolled

from livedash.steps import rolling

FUNCTIONS = ["count", "sum", "mean", "min", "max", "std", "var", "median", "first", "last"]


def awkward(n: int = 90) -> pd.DataFrame:
    df = frame(n, seed=4)
    t = df.temperature.to_numpy().copy()
    t[10:25] = np.nan                     # a window with no values at all
    t[[3, 40]], t[[41, 60]] = np.inf, -np.inf
    return df.assign(temperature=t)


@pytest.mark.parametrize("how", SIZES)
@pytest.mark.parametrize("fn", FUNCTIONS)
@pytest.mark.parametrize("min_periods", [0, 2])
def test_infinities_and_gaps(how: str, fn: str, min_periods: int) -> None:
    spec = {"window": 6, "agg": {"temperature": fn}, "min_periods": min_periods}
    feed(chain({"rolling": spec}), chunks(awkward(), how),
         lambda d: rolled(d, 6, {"temperature": fn}, min_periods))


@pytest.mark.parametrize("how", ["1", "7", "mixed"])
@pytest.mark.parametrize("fn", FUNCTIONS)
def test_time_window_with_gaps(how: str, fn: str) -> None:
    spec = {"window": "9s", "agg": {"temperature": fn, "hits": fn}, "min_periods": 0}
    feed(chain({"rolling": spec}), chunks(awkward(), how),
         lambda d: rolled(d, "9s", {"temperature": fn, "hits": fn}, 0))


@pytest.mark.parametrize("how", ["1", "mixed"])
@pytest.mark.parametrize("fn", FUNCTIONS)
def test_without_the_kernels(monkeypatch: pytest.MonkeyPatch, how: str, fn: str) -> None:
    """pandas' public API gives the same values when its kernels cannot be called."""
    monkeypatch.setattr(rolling, "KERNELS", {})
    spec = {"window": 5, "agg": {"temperature": fn, "hits": fn}, "min_periods": 2}
    feed(chain({"rolling": spec}), chunks(awkward(), how),
         lambda d: rolled(d, 5, {"temperature": fn, "hits": fn}, 2))
    spec = {"window": "10s", "agg": {"temperature": fn}}
    feed(chain({"rolling": spec}), chunks(awkward(), how),
         lambda d: rolled(d, "10s", {"temperature": fn}))


def test_kernels_are_used() -> None:
    """The fast path is taken on this pandas (else every batch pays for a Rolling)."""
    assert set(FUNCTIONS) <= set(rolling.KERNELS)


def late_oracle(size: str, fn: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Rows fed one at a time into a time window, late ones among them: each row's window
    is itself and the rows before it still held (newer than the newest before it minus
    ``size``) with a time in (t - size, t], computed by pandas on those rows alone."""
    span = pd.Timedelta(size)
    done: list[float] = []  # each row's value, computed once, when it arrives

    def oracle(d: pd.DataFrame) -> pd.DataFrame:
        stamps, values = d.index, d.temperature.to_numpy()
        for j in range(len(done), len(d)):
            t = stamps[j]
            newest_before = stamps[:j].max() if j else t
            inside = [i for i in range(j) if stamps[i] > newest_before - span
                      and t - span < stamps[i] <= t] + [j]
            series = pd.Series(values[inside], index=pd.DatetimeIndex([t] * len(inside)))
            done.append(getattr(series.rolling(size, min_periods=1), fn)().iloc[-1])
        return d.assign(temperature=done[:len(d)])
    return oracle


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_late_rows_in_a_time_window(fn: str) -> None:
    df = awkward(150).pipe(lambda d: d.set_axis(frame(150, late=0.3, seed=5).index))
    spec = {"window": "12s", "agg": {"temperature": fn}}
    feed(chain({"rolling": spec}), chunks(df, "1"), late_oracle("12s", fn))
