from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sourceticks import T0, error_of, poll_all

from livedash.plugins import SourceContext
from livedash.sources.random_walk import RandomWalkSpec, make


def walk(**params: object) -> object:
    return make(RandomWalkSpec.model_validate({"type": "random_walk", **params}),
                SourceContext("walk"))


def test_defaults_give_one_value_column_starting_at_zero() -> None:
    frame = walk().poll(T0 - pd.Timedelta("50ms"), T0)
    assert list(frame.columns) == ["value"]
    assert frame["value"].dtype == "float64"
    assert frame.index.name == "time" and isinstance(frame.index, pd.DatetimeIndex)
    assert frame.index.tolist() == [T0]
    assert frame["value"].tolist() == [0.0]


def test_rows_spread_over_the_tick_ending_at_now() -> None:
    frame = walk(rows=4).poll(T0, T0 + pd.Timedelta("1s"))
    assert frame.index.tolist() == [T0 + pd.Timedelta(ms) for ms in
                                    ("250ms", "500ms", "750ms", "1s")]


def test_steps_stay_within_step_and_continue_across_ticks() -> None:
    frames = poll_all(walk(start=10, step=0.5, columns=["a", "b"], rows=5, seed=1), "1s", 20)
    whole = pd.concat(frames)
    assert list(whole.columns) == ["a", "b"]
    assert whole.iloc[0].tolist() == [10.0, 10.0]
    changes = whole.diff().dropna().abs()
    assert (changes <= 0.5).all().all() and (changes > 0).all().all()
    assert not np.allclose(whole["a"], whole["b"])  # independent walks


def test_a_seed_repeats_the_walk() -> None:
    first = pd.concat(poll_all(walk(seed=7, rows=3), "1s", 5))
    again = pd.concat(poll_all(walk(seed=7, rows=3), "1s", 5))
    other = pd.concat(poll_all(walk(seed=8, rows=3), "1s", 5))
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


@pytest.mark.parametrize(("body", "loc", "message"), [
    ({"step": 0}, ("step",), ("step must be greater than 0, got 0: write the largest change "
     "from one row to the next, e.g. 1")),
    ({"columns": []}, ("columns",), ("the list is empty: give at least one column name, "
     "e.g. [price, volume]")),
    ({"columns": "price"}, ("columns",), ("expected a list of column names such as "
     "[price, volume], got 'price'")),
    ({"columns": ["a", "a"]}, ("columns",), ("column name 'a' appears twice: give each "
     "column a different name")),
    ({"columns": [3]}, ("columns",), "column name 3 is not text: quote it, e.g. '3'"),
    ({"columns": ["time"]}, ("columns",), ("column name 'time' is taken by the index: "
     "choose another name")),
    ({"rows": 0}, ("rows",), ("rows must be between 1 and 10000, got 0: write how many rows "
     "each tick adds, e.g. 1")),
    ({"seed": -1}, ("seed",), ("seed must be zero or positive, got -1: write a whole number "
     "such as 42, or leave seed out for different data on every run")),
])
def test_bad_parameters_say_what_to_write(body: dict, loc: tuple, message: str) -> None:
    assert error_of(RandomWalkSpec, {"type": "random_walk", **body}) == (loc, message)
