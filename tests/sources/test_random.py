from __future__ import annotations

import itertools

import pandas as pd
from sourceticks import T0, error_of, poll_all, ticks

from livedash.plugins import SourceContext
from livedash.sources.random import RandomSpec, make


def rows(**params: object) -> object:
    return make(RandomSpec.model_validate({"type": "random", **params}), SourceContext("r"))


def test_columns_match_streamz_random() -> None:
    frame = rows(seed=1).poll(T0, T0 + pd.Timedelta("500ms"))
    assert frame.dtypes.astype(str).to_dict() == {"x": "float64", "y": "int64",
                                                  "z": "float64"}
    assert frame.index.name == "time"
    # streamz: date_range(start=last + freq, end=now, freq=freq)
    assert frame.index.tolist() == list(pd.date_range(T0 + pd.Timedelta("100ms"),
                                                      T0 + pd.Timedelta("500ms"),
                                                      freq="100ms"))


def test_defaults_are_streamz_defaults() -> None:
    spec = RandomSpec.model_validate({"type": "random"})
    assert (spec.interval, spec.freq) == (pd.Timedelta("500ms"), pd.Timedelta("100ms"))


def test_value_distributions() -> None:
    whole = pd.concat(poll_all(rows(seed=3, freq="1ms", interval="1s"), "1s", 20))
    assert len(whole) == 20_000
    assert whole["x"].between(0, 1, inclusive="left").all()
    assert abs(whole["x"].mean() - 0.5) < 0.02
    assert (whole["y"] >= 0).all() and abs(whole["y"].mean() - 1) < 0.05
    assert abs(whole["z"].mean()) < 0.05 and abs(whole["z"].std() - 1) < 0.05


def test_rows_stay_freq_apart_across_uneven_ticks() -> None:
    source = rows(freq="300ms", seed=0)
    edges = [T0 + pd.Timedelta(ms, "ms") for ms in (0, 500, 1000, 1100, 2000)]
    frames = [source.poll(a, b) for a, b in itertools.pairwise(edges)]
    times = pd.concat(frames).index
    assert [len(f) for f in frames] == [1, 2, 0, 3]
    assert (times.to_series().diff().dropna() == pd.Timedelta("300ms")).all()
    assert times[-1] <= edges[-1]


def test_a_long_stall_keeps_the_newest_rows_only() -> None:
    frame = rows(freq="1ms", interval="1s").poll(T0, T0 + pd.Timedelta("1h"))
    assert len(frame) == 10_000 and frame.index[-1] == T0 + pd.Timedelta("1h")


def test_a_seed_repeats_the_rows() -> None:
    a = pd.concat([rows(seed=5).poll(*t) for t in ticks("500ms", 1)])
    b = pd.concat([rows(seed=5).poll(*t) for t in ticks("500ms", 1)])
    pd.testing.assert_frame_equal(a, b)


def test_too_fine_a_freq_is_refused() -> None:
    assert error_of(RandomSpec, {"type": "random", "interval": "1min", "freq": "1ms"}) == (
        ("freq",), ("freq 1ms makes 60000 rows per interval of 1min, more than 10000: use a "
        "freq of 6ms or more, or a shorter interval"))
