from __future__ import annotations

import pandas as pd
import pytest
from sourceticks import T0, error_of

from livedash.errors import RowsRejected
from livedash.plugins import SourceContext
from livedash.sources.push import Push, PushSpec, make


def push(**params: object) -> Push:
    return Push(PushSpec.model_validate({"type": "push", **params}), clock=lambda: T0)


def rejected(source: Push, rows: object) -> str:
    with pytest.raises(RowsRejected) as info:
        source.accept(rows)
    return str(info.value)


def test_a_record_a_list_and_a_frame_are_accepted() -> None:
    source = push()
    one = source.accept({"sensor": "a", "temperature": 20})
    assert one.index.tolist() == [T0] and one.index.name == "time"
    assert one.dtypes.astype(str).to_dict() == {"sensor": "str", "temperature": "float64"}
    many = source.accept([{"sensor": "b", "temperature": 20.5},
                          {"sensor": "c", "temperature": 21}])
    assert many["temperature"].tolist() == [20.5, 21.0]
    frame = source.accept(pd.DataFrame({"temperature": [1.0], "sensor": ["d"]}))
    assert list(frame.columns) == ["sensor", "temperature"]


def test_the_time_column_gives_the_row_time() -> None:
    out = push().accept([{"time": "2024-05-01T10:00:00", "v": 1},
                         {"time": "2024-05-01T10:00:01", "v": 2}])
    assert out.index.tolist() == [pd.Timestamp("2024-05-01 10:00:00"),
                                  pd.Timestamp("2024-05-01 10:00:01")]
    assert list(out.columns) == ["v"]


def test_a_frame_keeps_its_datetime_index() -> None:
    index = pd.DatetimeIndex(["2024-05-01 09:00"], name="when")
    out = push().accept(pd.DataFrame({"v": [1.0]}, index=index))
    assert out.index.tolist() == [pd.Timestamp("2024-05-01 09:00")]
    assert out.index.name == "time"


def test_a_declared_index_column() -> None:
    source = push(index="ts", columns={"ts": "datetime", "v": "int"})
    out = source.accept({"ts": "2024-05-01 08:00", "v": "3"})
    assert out.index.tolist() == [pd.Timestamp("2024-05-01 08:00")]
    assert out["v"].tolist() == [3] and out["v"].dtype == "int64"
    assert rejected(source, {"v": 1}) == "missing column 'ts', which holds each row's time"
    assert rejected(source, [{"ts": "2024-05-01", "v": 1}, {"ts": None, "v": 1}]) == \
        "row 2, column 'ts': expected a date and time, got null"


def test_a_bad_value_names_row_and_column() -> None:
    source = push()
    source.accept({"sensor": "a", "temperature": 20.0})
    rows = [{"sensor": "a", "temperature": 1}, {"sensor": "b", "temperature": 2},
            {"sensor": "c", "temperature": "hot"}]
    assert rejected(source, rows) == "row 3, column 'temperature': expected a number, got 'hot'"


def test_missing_and_extra_columns_are_listed() -> None:
    source = push(columns={"sensor": "str", "temperature": "float"})
    assert rejected(source, {"sensor": "a", "temperatur": 1}) == (
        "missing column 'temperature'; unexpected column 'temperatur' "
        "(the columns are 'sensor', 'temperature')")


def test_records_must_agree_with_the_first() -> None:
    assert rejected(push(), [{"a": 1, "b": 2}, {"a": 1, "c": 3}]) == (
        "row 2: missing 'b'; unexpected 'c' (every record needs the keys of row 1: 'a', 'b')")


@pytest.mark.parametrize(("rows", "message"), [
    (5, ("expected a DataFrame, a record (a mapping of column to value) or a list of "
        "records, got int")),
    ([{"a": 1}, 5], "row 2: expected a record (a mapping of column to value), got 5"),
    ({"a": [1, 2]}, "row 1, column 'a': expected a single value, got a list"),
    ({"a": 1, "time": "soon"}, "row 1, column 'time': expected a date and time, got 'soon'"),
])
def test_malformed_rows(rows: object, message: str) -> None:
    assert rejected(push(), rows) == message


def test_rows_are_all_or_nothing() -> None:
    source = push()
    rejected(source, [{"v": 1}, {"v": "x"}])
    assert source.guard.columns is None  # a refused first call fixes nothing
    source.accept([{"v": 1}])
    assert source.guard.columns == {"v": "float"}


def test_poll_has_no_rows_but_the_columns() -> None:
    source = make(PushSpec.model_validate({"type": "push", "columns": {"v": "float"}}),
                  SourceContext("p"))
    frame = source.poll(T0, T0)
    assert frame.empty and list(frame.columns) == ["v"] and frame.index.name == "time"
    assert source.whole is False


def test_an_empty_list_is_no_rows() -> None:
    assert push(columns={"v": "float"}).accept([]).empty


@pytest.mark.parametrize(("body", "loc", "message"), [
    ({"columns": {}}, ("columns",), ("no columns are declared: write them as {name: type}, "
     "e.g. {temperature: float}, or leave columns out to take them from the first rows")),
    ({"index": "ts", "columns": {"v": "float"}}, ("columns",), ("the index column 'ts' is "
     "missing: add `ts: datetime` to columns")),
    ({"columns": {"time": "str"}}, ("columns",), ("column 'time' holds the row time, so its "
     "type must be datetime, not str")),
    ({"index": "ts", "columns": {"ts": "datetime", "time": "str"}}, ("columns",),
     ("column 'time' would clash with the index, which is always called time: rename it, "
     "or leave out `index: ts` to take the row time from it")),
])
def test_bad_parameters_say_what_to_write(body: dict, loc: tuple, message: str) -> None:
    assert error_of(PushSpec, {"type": "push", **body}) == (loc, message)


def test_an_unknown_column_type_lists_the_types() -> None:
    loc, message = error_of(PushSpec, {"type": "push", "columns": {"v": "number"}})
    assert loc == ("columns", "v")
    assert message == "Input should be 'float', 'int', 'str', 'bool' or 'datetime'"


def test_a_time_column_beside_another_index_column_is_refused() -> None:
    source = push(index="ts")
    assert rejected(source, {"ts": "2024-05-01", "time": "2024-05-02", "v": 1}) == (
        "column 'time' would clash with the index, which is always called time: rename it, "
        "or leave out `index: ts` to take the row time from it")


def test_a_time_index_and_a_time_column_are_refused() -> None:
    frame = pd.DataFrame({"time": ["2024-05-01"], "v": [1.0]},
                         index=pd.DatetimeIndex(["2024-05-02"]))
    assert rejected(push(), frame) == ("the rows have both a time index and a 'time' "
                                       "column: drop one of them")
