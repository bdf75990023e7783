from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from livedash.errors import RowsRejected
from livedash.sources.shape import ShapeGuard


def first(guard: ShapeGuard) -> ShapeGuard:
    guard.check(pd.DataFrame({"sensor": ["a"], "count": [1], "temp": [20.5],
                              "ok": [True], "at": [pd.Timestamp("2024-01-01")]}))
    return guard


def test_the_first_frame_with_rows_fixes_the_columns() -> None:
    guard = ShapeGuard()
    assert guard.check(pd.DataFrame({"a": []})).empty and guard.columns is None
    first(guard)
    assert guard.columns == {"sensor": "str", "count": "int", "temp": "float", "ok": "bool",
                             "at": "datetime"}


def test_later_frames_come_back_in_the_fixed_order_and_types() -> None:
    guard = first(ShapeGuard())
    out = guard.check(pd.DataFrame({"temp": [21], "at": ["2024-01-02 10:00"], "ok": ["false"],
                                    "count": [2.0], "sensor": ["b"]}, index=[7]))
    assert list(out.columns) == ["sensor", "count", "temp", "ok", "at"]
    assert out.dtypes.astype(str).tolist()[:4] == ["str", "int64", "float64", "bool"]
    assert out["at"].iat[0] == pd.Timestamp("2024-01-02 10:00")
    assert out.index.tolist() == [7]   # the index is left alone


def test_int_into_float_is_fine_but_not_float_into_int() -> None:
    guard = first(ShapeGuard())
    with pytest.raises(RowsRejected) as info:
        guard.check(pd.DataFrame({"sensor": ["a", "b"], "count": [1, 2.5], "temp": [1, 2],
                                  "ok": [True, True], "at": [pd.Timestamp(0)] * 2}))
    assert str(info.value) == "row 2, column 'count': expected a whole number, got 2.5"


@pytest.mark.parametrize(("column", "value", "message"), [
    ("temp", "hot", "row 2, column 'temp': expected a number, got 'hot'"),
    ("temp", True, "row 2, column 'temp': expected a number, got true"),
    ("count", None, "row 2, column 'count': expected a whole number, got null"),
    ("ok", "yes", "row 2, column 'ok': expected true or false, got 'yes'"),
    ("at", 1714557600, "row 2, column 'at': expected a date and time, got 1714557600"),
    ("at", "someday", "row 2, column 'at': expected a date and time, got 'someday'"),
    ("sensor", [1], "row 2, column 'sensor': expected text, got a list"),
])
def test_values_that_cannot_be_the_type_name_row_and_column(column: str, value: object,
                                                            message: str) -> None:
    guard = first(ShapeGuard())
    rows = {"sensor": ["a", "b"], "count": [1, 2], "temp": [1.0, 2.0], "ok": [True, False],
            "at": ["2024-01-01", "2024-01-02"]}
    rows[column] = [rows[column][0], value]
    with pytest.raises(RowsRejected) as info:
        guard.check(pd.DataFrame(rows, dtype=object))
    assert str(info.value) == message


def test_missing_and_extra_columns_are_listed() -> None:
    guard = first(ShapeGuard())
    with pytest.raises(RowsRejected) as info:
        guard.check(pd.DataFrame({"sensor": ["a"], "tmp": [1.0], "ok": [True],
                                  "at": [pd.Timestamp(0)]}))
    assert str(info.value) == ("missing columns 'count', 'temp'; unexpected column 'tmp' "
                               "(the columns are 'sensor', 'count', 'temp', 'ok', 'at')")


def test_declared_columns_apply_from_the_first_frame() -> None:
    guard = ShapeGuard({"t": "float", "n": "int"})
    out = guard.check(pd.DataFrame({"n": ["3"], "t": ["1.5"]}))
    assert out.to_dict("list") == {"t": [1.5], "n": [3]}
    with pytest.raises(RowsRejected, match="missing column 'n'"):
        guard.check(pd.DataFrame({"t": [1.0]}))


def test_empty_frames_pass_and_empty_gives_the_fixed_columns() -> None:
    guard = ShapeGuard({"t": "float", "s": "str"})
    assert guard.check(pd.DataFrame()).dtypes.astype(str).to_dict() == {"t": "float64",
                                                                       "s": "str"}
    empty = guard.empty()
    assert list(empty.columns) == ["t", "s"] and empty.index.name == "time"


def test_mixed_first_values_follow_the_first_value() -> None:
    with pytest.raises(RowsRejected) as info:
        ShapeGuard().check(pd.DataFrame({"v": [None, 1.5, "a"]}, dtype=object))
    assert str(info.value) == "row 3, column 'v': expected a number, got 'a'"


def test_columns_of_other_objects_accept_anything() -> None:
    guard = ShapeGuard()
    guard.check(pd.DataFrame({"v": [[1, 2]]}))
    assert guard.columns == {"v": "any"}
    assert guard.check(pd.DataFrame({"v": [{"a": 1}]}))["v"].iat[0] == {"a": 1}


def test_time_zones_become_naive_local_time() -> None:
    guard = ShapeGuard({"at": "datetime"})
    out = guard.check(pd.DataFrame({"at": ["2024-01-01T00:00:00+00:00"]}))
    local = datetime(2024, 1, 1, tzinfo=UTC).astimezone().replace(tzinfo=None)
    assert out["at"].iat[0] == pd.Timestamp(local)


def test_whole_numbers_can_be_fixed_as_float() -> None:
    guard = ShapeGuard(whole_as_float=True)
    guard.check(pd.DataFrame({"t": [20]}))
    assert guard.check(pd.DataFrame({"t": [20.5]}))["t"].tolist() == [20.5]


def test_duplicate_columns_are_refused() -> None:
    with pytest.raises(RowsRejected) as info:
        ShapeGuard().check(pd.DataFrame([[1, 2]], columns=["a", "a"]))
    assert str(info.value) == "duplicate column 'a': give each column a different name"


def test_unknown_declared_type() -> None:
    with pytest.raises(ValueError) as info:
        ShapeGuard({"t": "number"})  # type: ignore[dict-item]
    assert str(info.value) == ("column 't': unknown type 'number': use one of float, int, "
                               "str, bool, datetime")


def test_a_frame_already_in_shape_passes_untouched() -> None:
    guard = ShapeGuard()
    guard.check(pd.DataFrame({"t": [1.0], "s": ["a"]}))
    again = pd.DataFrame({"t": [2.0], "s": ["b"]})
    assert guard.check(again) is again
