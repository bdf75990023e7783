"""The Python API: load, validate, push and data, in a plain script."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import livedash
from livedash.errors import RowsRejected, SpecInvalid
from livedash.runtime.runtime import Runtime

SPEC = {
    "title": "Lab",
    "sources": {"readings": {"type": "push",
                             "columns": {"sensor": "str", "temperature": "float"}}},
    "pipelines": {
        "recent": {"source": "readings", "steps": [{"window": 3}]},
        "per_sensor": {"source": "recent", "steps": [
            {"groupby": {"by": "sensor", "agg": {"temperature": ["mean", "max"]}}}]},
    },
    "views": {"table": {"data": "per_sensor", "kind": "table"},
              "line": {"data": "readings", "kind": "line", "y": "temperature",
                       "backlog": 2}},
}


@pytest.fixture
def dash():
    runtime = Runtime()
    yield livedash.load(SPEC, runtime=runtime)
    runtime.stop()


def rows(*values):
    times = pd.date_range("2026-01-01", periods=len(values), freq="1s")
    return [{"time": t, "sensor": s, "temperature": v} for t, (s, v) in zip(times, values)]


def test_push_runs_every_pipeline_before_it_returns(dash):
    assert dash.push("readings", rows(("a", 1.0), ("b", 2.0), ("a", 3.0), ("b", 5.0))) == 4
    expected = pd.DataFrame(rows(("b", 2.0), ("a", 3.0), ("b", 5.0))).groupby("sensor") \
        .agg(temperature_mean=("temperature", "mean"), temperature_max=("temperature", "max")) \
        .reset_index()
    pd.testing.assert_frame_equal(dash.data("per_sensor"), expected, check_dtype=False)
    assert dash.data("recent")["temperature"].tolist() == [2.0, 3.0, 5.0]
    assert dash.data("line")["temperature"].tolist() == [3.0, 5.0]  # the view's backlog


def test_push_takes_a_dataframe_or_one_record(dash):
    frame = pd.DataFrame(rows(("a", 1.0), ("b", 2.0)))
    assert dash.push("readings", frame) == 2
    assert dash.push("readings", {"sensor": "c", "temperature": 4.5}) == 1
    assert dash.data("readings")["sensor"].tolist() == ["a", "b", "c"]


def test_rows_that_do_not_fit_are_refused_whole_with_the_column_named(dash):
    dash.push("readings", rows(("a", 1.0)))
    with pytest.raises(RowsRejected, match="column 'temperature'.*'hot'"):
        dash.push("readings", rows(("a", 2.0), ("b", "hot")))
    assert dash.data("readings")["temperature"].tolist() == [1.0]  # nothing taken
    with pytest.raises(KeyError, match="not a source"):
        dash.push("nope", rows(("a", 1.0)))


def test_data_names_what_exists_when_asked_for_something_else(dash):
    with pytest.raises(KeyError, match="per_sensor"):
        dash.data("per_sensr")


def test_load_refuses_an_invalid_spec_with_every_error():
    bad = {**SPEC, "views": {"t": {"data": "nowhere", "kind": "tabel"}}}
    with pytest.raises(SpecInvalid) as info:
        livedash.load(bad, runtime=Runtime())
    text = str(info.value)
    assert "'nowhere' is not a source or pipeline" in text
    assert "did you mean 'table'?" in text
    assert livedash.validate(bad) == info.value.errors


def test_validate_is_empty_for_every_example():
    from pathlib import Path
    for path in sorted((Path(__file__).parents[1] / "dashboards").glob("*.yaml")):
        assert livedash.validate(path) == [], path


def test_a_plain_script_can_push_and_read(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(
        "import livedash\n"
        f"dash = livedash.load({SPEC!r})\n"
        "dash.push('readings', [{'sensor': 'a', 'temperature': 20.5}])\n"
        "print(dash.data('per_sensor').to_dict('records'))\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "'temperature_mean': 20.5" in out.stdout


def test_types_lists_every_type_with_its_origin():
    out = subprocess.run([sys.executable, "-m", "livedash", "types"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for name in ("random_walk", "periodic", "push", "matrix", "sine", "random", "window",
                 "groupby", "resample", "line", "ohlc", "table", "gauge", "trend"):
        assert f"  {name} " in out.stdout
    assert "[livedash (built-in)]" in out.stdout
