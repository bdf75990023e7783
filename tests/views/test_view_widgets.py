"""Tables stream rows; number, gauge and trend show the latest value."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from view_pages import rows

from livedash.delta import Delta


def test_table_streams_new_rows_last(page):
    data = rows(0, 10)
    p = page(data, kind="table", backlog=15)
    new = rows(10, 8)
    p.view.apply(Delta.rows(new))
    assert "ColumnsStreamedEvent" in p.kinds() and "ColumnDataChangedEvent" not in p.kinds()
    shown = p.view.widget.value
    want = pd.concat([data, new]).tail(15).reset_index()
    assert list(shown.columns) == ["time", "a", "b", "sensor"]  # the time index is a column
    assert shown["a"].tolist() == want["a"].tolist()
    assert shown["time"].tolist() == want["time"].tolist()


def test_table_rolls_over_with_an_upstream_window(page):
    data = rows(0, 10)
    p = page(data, kind="table")
    for start in (10, 14):
        new = rows(start, 4)
        p.view.apply(Delta.rows(new, data.iloc[:4]))
        data = pd.concat([data.iloc[4:], new])
    assert p.view.widget.value["a"].tolist() == data["a"].tolist()


def test_table_patches_a_whole_result(page):
    result = rows(0, 5).groupby("sensor")[["a", "b"]].mean()
    p = page(result, kind="table", whole=True)
    changed = result.copy()
    changed.loc["s1", "a"] = 7.0
    p.view.apply(Delta.whole(changed))
    assert "ColumnsPatchedEvent" in p.kinds() and "ColumnDataChangedEvent" not in p.kinds()
    assert p.view.widget.value.loc[0, "a"] == 7.0 and p.view.widget.value.loc[0, "sensor"] \
        == "s1"


def test_table_hides_a_plain_row_number_and_picks_columns(page):
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    assert list(page(frame, kind="table").view.widget.value.columns) == ["a", "b"]
    assert list(page(rows(0, 3), kind="table", y=["b"]).view.widget.value.columns) \
        == ["time", "b"]


def test_table_from_empty(page):
    p = page(pd.DataFrame(), kind="table")
    p.view.apply(Delta.rows(rows(0, 3)))
    assert len(p.view.widget.value) == 3
    p.take()
    p.view.apply(Delta.rows(rows(3, 2)))
    assert "ColumnsStreamedEvent" in p.kinds()


@pytest.mark.parametrize("kind", ["number", "gauge"])
def test_indicators_show_the_last_value(page, kind):
    p = page(rows(0, 5), kind=kind, y="b")
    assert p.view.widget.value == pytest.approx(rows(0, 5)["b"].iat[-1])
    new = rows(5, 3)
    p.view.apply(Delta.rows(new))
    assert p.view.widget.value == pytest.approx(new["b"].iat[-1])
    nan = rows(8, 1).assign(b=np.nan)
    p.view.apply(Delta.rows(nan))
    assert p.view.widget.value is None


def test_number_defaults_to_first_numeric_column_and_takes_options(page):
    p = page(rows(0, 5), kind="number", title="Temp", options={"format": "{value:.1f} °C"})
    assert p.view.widget.value == pytest.approx(rows(0, 5)["a"].iat[-1])
    assert p.view.widget.label == "Temp" and p.view.widget.format == "{value:.1f} °C"


def test_gauge_bounds_from_yaml_list(page):
    p = page(rows(0, 5), kind="gauge", y="b", options={"bounds": [0, 10],
                                                       "colors": [[0.5, "green"], [1, "red"]]})
    assert p.view.widget.bounds == (0, 10)


def test_indicator_from_empty(page):
    p = page(pd.DataFrame(), kind="number")
    assert p.view.widget.value is None
    p.view.apply(Delta.rows(rows(0, 2)))
    assert p.view.widget.value == pytest.approx(rows(0, 2)["a"].iat[-1])


def test_trend_streams_and_keeps_backlog(page):
    data = rows(0, 10)
    p = page(data, kind="trend", y="a", backlog=12)
    new = rows(10, 5)
    p.view.apply(Delta.rows(new))
    assert "ColumnsStreamedEvent" in p.kinds() and "ColumnDataChangedEvent" not in p.kinds()
    want = pd.concat([data, new]).tail(12)
    assert np.allclose(p.view.widget.data["y"], want["a"])


def test_trend_from_empty_then_whole(page):
    p = page(pd.DataFrame(), kind="trend")
    p.view.apply(Delta.rows(rows(0, 3)))
    assert len(p.view.widget.data["y"]) == 3
    p.view.apply(Delta.whole(rows(0, 2)))
    assert len(p.view.widget.data["y"]) == 2


def test_dark_table(page):
    assert page(rows(0, 3), kind="table", theme="dark").view.widget.theme == "midnight"


@pytest.mark.parametrize("kind, spec", [("line", {"y": "a"}), ("bar", {"y": "a"}),
                                        ("table", {}), ("number", {}), ("trend", {})])
def test_close_sends_nothing_and_lets_go(page, kind, spec):
    p = page(rows(0, 5), kind=kind, **spec)
    p.view.close()
    assert p.events == []
    if kind in ("line", "bar"):
        assert p.view.panel.object is None and p.view.built is None
    p.view.apply(Delta.rows(rows(5, 2)))  # a change that was already on its way
    if kind in ("line", "bar", "table"):
        assert p.events == []
