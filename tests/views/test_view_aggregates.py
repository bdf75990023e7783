"""Aggregate charts are redrawn once per change for all sessions; each gets the difference."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from view_pages import rows

from livedash.delta import Delta
from livedash.views import figure


def per_sensor(data: pd.DataFrame) -> pd.DataFrame:
    return data.groupby("sensor").agg(a_mean=("a", "mean"), b_max=("b", "max"))


def candles(data: pd.DataFrame) -> pd.DataFrame:
    return data["a"].cumsum().resample("10s").ohlc()


def test_bar_patches_the_bar_that_changed(page):
    table = per_sensor(rows(0, 30))
    p = page(table, kind="bar", y="a_mean", whole=True)
    changed = table.copy()
    changed.loc["s2", "a_mean"] = 9.0
    p.view.apply(Delta.whole(changed))
    assert p.kinds() == ["ColumnsPatchedEvent"]
    (source,) = p.sources()
    assert list(source.data["a_mean"]) == list(changed["a_mean"])


def test_bar_new_category_updates_factors(page):
    table = per_sensor(rows(0, 30))
    p = page(table, kind="bar", y="a_mean", whole=True)
    bigger = pd.concat([table, pd.DataFrame({"a_mean": [1.0], "b_max": [2.0]},
                                            index=pd.Index(["s4"], name="sensor"))])
    p.view.apply(Delta.whole(bigger))
    assert list(p.view.built.figure.x_range.factors) == ["s1", "s2", "s3", "s4"]
    assert "ColumnDataChangedEvent" not in p.kinds()  # the fourth bar was streamed


def test_structure_change_swaps_the_figure(page):
    data = rows(0, 30)
    p = page(data, kind="hist", y="a", by="sensor")  # one set of bars per sensor
    first = p.view.built.figure
    p.view.apply(Delta.rows(rows(30, 3).assign(sensor="s4")))
    assert p.view.panel.object is p.view.built.figure is not first
    assert len(p.view.built.figure.renderers) == 4


def test_hist_counts_the_last_backlog_rows(page):
    data = rows(0, 200)
    p = page(data, kind="hist", y="a", backlog=100, options={"bins": 10})
    new = rows(200, 20)
    p.view.apply(Delta.rows(new))
    (source,) = p.sources()
    shown = pd.concat([data, new]).tail(100)["a"]
    counts, edges = np.histogram(shown, bins=10)
    assert list(source.data["top"]) == list(counts)
    assert np.allclose(source.data["left"], edges[:-1])


def test_ohlc_patches_last_candle_and_streams_new_ones(page):
    data = rows(0, 95)
    p = page(candles(data), kind="ohlc", whole=True)
    p.view.apply(Delta.whole(candles(pd.concat([data, rows(95, 3)]))))  # last candle moves
    assert set(p.kinds()) == {"ColumnsPatchedEvent"}
    p.take()
    p.view.apply(Delta.whole(candles(pd.concat([data, rows(95, 10)]))))  # and a new one
    assert "ColumnDataChangedEvent" not in p.kinds()
    assert "ColumnsStreamedEvent" in p.kinds()
    assert all(len(next(iter(s.data.values()))) == 11 for s in p.sources())


@pytest.mark.parametrize("kind, spec, whole", [
    ("heatmap", {"x": "m", "y": "sensor", "options": {"C": "a"}}, True),
    ("box", {"y": "a", "by": "sensor"}, False),
    ("hexbin", {"x": "a", "y": "b"}, False),
    ("barh", {"y": "a_mean"}, True),
])
def test_other_aggregates_update(page, kind, spec, whole):
    def shape(data):
        if kind == "heatmap":
            return data.assign(m=data.index.second // 10).groupby(["m", "sensor"])["a"] \
                .mean().reset_index()
        return per_sensor(data) if kind == "barh" else data
    p = page(shape(rows(0, 60)), kind=kind, whole=whole, **spec)
    delta = Delta.whole(shape(rows(0, 90))) if whole else Delta.rows(rows(60, 30))
    p.view.apply(delta)
    assert p.events and p.view.panel.object is p.view.built.figure


def test_sessions_share_one_redraw(page, monkeypatch):
    table = per_sensor(rows(0, 30))
    pages = [page(table, kind="bar", whole=True) for _ in range(3)]  # grouped: redrawn
    calls = []
    real = figure.build
    monkeypatch.setattr(figure, "build", lambda *a: calls.append(1) or real(*a))
    change = Delta.whole(table.assign(a_mean=table["a_mean"] + 1))
    for p in pages:
        p.view.apply(change)
    assert len(calls) == 1
    assert all(sorted(p.sources()[0].data["value"]) == sorted(
        [*(table["a_mean"] + 1), *table["b_max"]]) for p in pages)


def test_bars_of_one_column_are_never_redrawn(page, monkeypatch):
    table = per_sensor(rows(0, 30))
    p = page(table, kind="bar", y="a_mean", whole=True)
    assert p.view.built.streams
    monkeypatch.setattr(figure, "build", None)  # a redraw would fail
    shuffled = table.iloc[[2, 0, 1]].assign(a_mean=[1.0, 2.0, 3.0])
    p.view.apply(Delta.whole(shuffled))
    assert list(p.view.built.figure.x_range.factors) == ["s3", "s1", "s2"]
    assert list(p.sources()[0].data["a_mean"]) == [1.0, 2.0, 3.0]


def test_kde_without_scipy_names_the_problem(page):
    pytest.importorskip("numpy")
    try:
        import scipy  # noqa: F401
    except ImportError:
        with pytest.raises(ValueError, match="view 'v': kind 'kde' cannot be drawn.*SciPy"):
            page(rows(0, 20), kind="kde", y="a")
    else:
        assert page(rows(0, 20), kind="kde", y="a").view.built is not None


def test_empty_result_empties_the_bars(page):
    table = per_sensor(rows(0, 30))
    p = page(table, kind="bar", y="a_mean", whole=True)
    p.view.apply(Delta.whole(table.iloc[:0]))
    assert all(len(s.data["a_mean"]) == 0 for s in p.sources())


def test_ohlc_colours_rising_falling_and_flat_candles(page):
    idx = pd.date_range("2026-01-01", periods=3, freq="1min", name="time")
    data = pd.DataFrame({"open": [1.0, 3.0, 2.0], "high": [3.0, 3.5, 2.5],
                         "low": [0.5, 1.5, 1.5], "close": [2.0, 2.0, 2.0]}, index=idx)
    p = page(data, kind="ohlc", whole=True,
             options={"pos_color": "green", "neg_color": "red", "flat_color": "grey"})
    quad = next(s for s in p.sources() if "direction" in s.data)
    assert list(quad.data["direction"]) == [1, -1, 0]


def test_a_single_candle_is_drawn(page):
    idx = pd.date_range("2026-01-01", periods=1, freq="1min", name="time")
    data = pd.DataFrame({"open": [1.0], "high": [3.0], "low": [0.5], "close": [2.0]},
                        index=idx)
    p = page(data, kind="ohlc", whole=True)
    assert p.view.built is not None and p.view.problem == ""
