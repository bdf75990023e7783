from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sourceticks import T0, error_of, poll_all

from livedash.plugins import SourceContext
from livedash.sources.sine import SineSpec, make


def sine(**params: object) -> object:
    return make(SineSpec.model_validate({"type": "sine", **params}), SourceContext("s"))


def test_columns_and_counter() -> None:
    frames = poll_all(sine(rows=3, seed=0), "80ms", 4)
    whole = pd.concat(frames)
    assert whole.dtypes.astype(str).to_dict() == {"i": "int64", "y": "float64"}
    assert whole["i"].tolist() == list(range(12))
    assert whole.index.name == "time" and whole.index[-1] == T0 + pd.Timedelta("320ms")


def test_without_noise_it_is_plotlys_formula() -> None:
    whole = pd.concat(poll_all(sine(k=3, noise=0), "1s", 100))
    i = np.arange(100)
    np.testing.assert_allclose(whole["y"], np.cos(3 * i / 50) * np.cos(i / 50))


def test_noise_has_the_given_spread() -> None:
    whole = pd.concat(poll_all(sine(noise=0.5, rows=100, seed=2), "1s", 100))
    i = whole["i"].to_numpy()
    residual = whole["y"] - np.cos(5 * i / 50) * np.cos(i / 50)
    assert abs(residual.std() - 0.5) < 0.02


def test_a_seed_repeats_the_noise() -> None:
    pd.testing.assert_frame_equal(pd.concat(poll_all(sine(seed=1), "1s", 10)),
                                  pd.concat(poll_all(sine(seed=1), "1s", 10)))


@pytest.mark.parametrize(("body", "loc", "message"), [
    ({"noise": -0.1}, ("noise",), ("noise must be 0 or more, got -0.1: write the standard "
     "deviation of the noise, e.g. 0.1, or 0 for none")),
    ({"rows": 20000}, ("rows",), ("rows must be between 1 and 10000, got 20000: write how "
     "many rows each tick adds, e.g. 1")),
])
def test_bad_parameters_say_what_to_write(body: dict, loc: tuple, message: str) -> None:
    assert error_of(SineSpec, {"type": "sine", **body}) == (loc, message)
