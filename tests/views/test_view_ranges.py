"""``ranges:`` buttons show the last span of the x axis and keep following new data."""
from __future__ import annotations

import pandas as pd
import panel as pn
import pytest
from bokeh.models import DataRange1d

from livedash.spec.models import ViewSpec


def frame(n: int = 50) -> pd.DataFrame:
    idx = pd.date_range("2026-01-01", periods=n, freq="10s", name="time")
    return pd.DataFrame({"value": range(n)}, index=idx, dtype=float)


def test_the_first_range_is_shown_and_buttons_switch_it(page):
    p = page(frame(), kind="line", y="value", ranges=["5min", "30min", "all"])
    buttons = p.view.buttons
    assert isinstance(buttons, pn.widgets.RadioButtonGroup)
    assert buttons.options == ["5min", "30min", "all"] and buttons.value == "5min"
    rng = p.view.built.figure.x_range
    assert isinstance(rng, DataRange1d)
    assert (rng.follow, rng.follow_interval) == ("end", 5 * 60 * 1000)
    buttons.value = "30min"
    assert rng.follow_interval == 30 * 60 * 1000
    buttons.value = "all"
    assert rng.follow is None and rng.follow_interval is None


def test_ranges_survive_a_redraw(page):
    p = page(frame(), kind="ohlc", whole=True, ranges=["5min", "all"],
             y=["value", "value", "value", "value"])
    p.view.buttons.value = "all"
    p.view._draw(frame(60))
    assert p.view.built.figure.x_range.follow is None


@pytest.mark.parametrize("ranges, message", [
    ([], "give at least one range"),
    (["5 minutes"], "is not a duration"),
    (["0s"], "must be longer than zero"),
])
def test_bad_ranges_are_refused(ranges, message):
    with pytest.raises(ValueError, match=message):
        ViewSpec(data="d", kind="line", ranges=ranges)
