"""Settings that do not fit the data fail when the view is made, with the whole story."""
from __future__ import annotations

import pandas as pd
import pytest
from view_pages import rows

from livedash.delta import Delta


def test_missing_column_is_named_with_a_suggestion(page):
    with pytest.raises(ValueError) as info:
        page(rows(0, 5), kind="line", y="aa", name="temps")
    assert str(info.value) == ("view 'temps': column 'aa' (y) is not in the data of 'src'; "
                               "did you mean 'a'? columns: time, a, b, sensor")


def test_missing_by_column(page):
    with pytest.raises(ValueError) as info:
        page(rows(0, 5), kind="line", y="a", by="room", name="temps")
    assert str(info.value) == ("view 'temps': column 'room' (by) is not in the data of 'src'; "
                               "columns: time, a, b, sensor")


def test_missing_column_is_found_before_rows_arrive(page):
    with pytest.raises(ValueError, match="column 'x' \\(x\\)"):
        page(rows(0, 0), kind="line", x="x", y="a")


def test_unknown_hvplot_option(page):
    with pytest.raises(ValueError) as info:
        page(rows(0, 5), kind="line", y="a", options={"colour": "red"}, name="temps")
    assert str(info.value) == ("view 'temps': unknown option 'colour' for kind line; "
                               "did you mean 'color' or 'bgcolor'?")


def test_unsupported_layouts(page):
    with pytest.raises(ValueError, match="groupby and subplots are not supported"):
        page(rows(0, 5), kind="line", y="a", options={"groupby": "sensor"})


def test_no_numeric_column(page):
    frame = pd.DataFrame({"name": ["x", "y"]})
    with pytest.raises(ValueError) as info:
        page(frame, kind="line", name="names")
    assert str(info.value) == ("view 'names': the data of 'src' has no numeric column to "
                               "plot; set y to one of: index, name")


def test_bad_option_after_first_data_is_shown_in_place(page):
    p = page(pd.DataFrame(), kind="line", y="a", options={"colour": "red"})
    p.view.apply(Delta.rows(rows(0, 5)))
    assert "unknown option 'colour'" in p.view.panel.object.text
    p.take()
    p.view.apply(Delta.rows(rows(5, 5)))  # same columns: not tried again, nothing sent
    assert p.events == []


def test_missing_column_in_first_data_is_shown_in_place(page):
    p = page(pd.DataFrame(), kind="line", y="zz")
    p.view.apply(Delta.rows(rows(0, 5)))
    assert "column 'zz' (y) is not in the data" in p.view.panel.object.text
    p.view.apply(Delta.rows(rows(5, 5).assign(zz=1.0)))  # the column arrives: drawn
    assert p.view.built is not None


@pytest.mark.parametrize("kind", ["number", "gauge", "trend", "table"])
def test_indicator_and_table_options_are_checked(page, kind):
    with pytest.raises(ValueError, match="view 'v': bad (table )?option"):
        page(rows(0, 5), kind=kind, y="a", options={"no_such_option": 1})


def test_indicator_shows_one_column(page):
    with pytest.raises(ValueError, match="an indicator shows one column"):
        page(rows(0, 5), kind="number", y=["a", "b"])


def test_a_drawing_interrupted_by_bokeh_is_drawn_again_with_the_next_data(page, monkeypatch):
    from livedash.delta import Delta
    from livedash.views import figure

    real = figure.BokehRenderer.get_plot
    calls = {"n": 0}

    def flaky(obj, doc=None, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("_pending_writes should be non-None when we have a document "
                               "lock, and we should have the lock when the document changes")
        return real(obj, doc=doc, **kwargs)

    monkeypatch.setattr(figure.BokehRenderer, "get_plot", flaky)
    idx = pd.date_range("2026-01-01", periods=5, freq="1s", name="time")
    frame = pd.DataFrame({"value": [1.0, 2, 3, 4, 5]}, index=idx)
    p = page(frame, kind="line", y="value")
    assert p.view.built is None and p.view.problem == ""   # waiting, not an error
    more = pd.DataFrame({"value": [6.0]}, index=pd.DatetimeIndex(
        [idx[-1] + pd.Timedelta("1s")], name="time"))
    p.view.apply(Delta.rows(more))
    assert p.view.built is not None
    assert p.view.pane.object is p.view.built.figure
