"""The expression language of filter and derive: what it computes and what it refuses."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from livedash.steps.columns import ColumnNotFound
from livedash.steps.expr import ExpressionError, parse

DF = pd.DataFrame({"a": [1.0, -2.0, 3.0, np.nan], "b": [0, 1, 2, 3],
                   "s": pd.array(["x", "y", "z", None], dtype="str"), "my col": [4, 3, 2, 1]},
                  index=pd.date_range("2024-01-01", periods=4, freq="1h", name="time"))


def ev(text: str) -> object:
    return parse(text).evaluate(DF)


@pytest.mark.parametrize(("text", "expected"), [
    ("a + b * 2 - 1", DF.a + DF.b * 2 - 1),
    ("a / b", DF.a / DF.b),  # 1 / 0 is inf, as numpy has it
    ("b // 2 + b % 2 + b ** 2", DF.b // 2 + DF.b % 2 + DF.b ** 2),
    ("-a", -DF.a),
    ("0 < b <= 2", (DF.b > 0) & (DF.b <= 2)),
    ("b in [1, -3, 2]", DF.b.isin([1, -3, 2])),
    ("s not in ['x', 'q']", ~DF.s.isin(["x", "q"])),
    ("not (a > 0) or s == 'y'", ~(DF.a > 0) | (DF.s == "y")),
    ("a > 0 and b > 1", (DF.a > 0) & (DF.b > 1)),
    ("`my col` * 2", DF["my col"] * 2),
    ("abs(a) + sqrt(b) + floor(a) + ceil(a)",
     DF.a.abs() + np.sqrt(DF.b) + np.floor(DF.a) + np.ceil(DF.a)),
    ("round(a / 3, 2)", (DF.a / 3).round(2)),
    ("log(b + 1) + log10(b + 1) + exp(a) + sin(a) + cos(a) + tan(a)",
     np.log(DF.b + 1) + np.log10(DF.b + 1) + np.exp(DF.a) + np.sin(DF.a) + np.cos(DF.a)
     + np.tan(DF.a)),
    ("where(a > 0, a, 0)", pd.Series(np.where(DF.a > 0, DF.a, 0), index=DF.index)),
])
def test_values(text: str, expected: pd.Series) -> None:
    got = ev(text)
    pd.testing.assert_series_equal(pd.Series(got, index=DF.index), pd.Series(
        expected, index=DF.index), check_names=False, check_dtype=False)


def test_scalars_and_the_index() -> None:
    assert ev("1 + 2 * 3") == 7
    assert ev("True and not False") is True
    assert list(ev("time > '2024-01-01 01:30'")) == [False, False, True, True]


def test_strings_keep_backticks_and_columns_count_characters() -> None:
    assert list(ev("s == 'a`b'")) == [False] * 4
    with pytest.raises(ExpressionError) as info:
        parse("s == '°C' and a.b")
    assert "(at column 15, in 'a.b')" in str(info.value)


def test_unknown_column() -> None:
    with pytest.raises(ColumnNotFound) as info:
        ev("`my cols` > 1")
    assert str(info.value) == ("the expression uses column 'my cols', which the data does "
                               "not have (columns: a, b, s, my col); did you mean 'my col'?")


@pytest.mark.parametrize(("text", "message"), [
    ("__import__('os')", "calling '__import__' is not allowed (at column 1, in "
     "\"__import__('os')\"); the functions are abs, ceil, cos, exp, floor, log, log10, round, "
     "sin, sqrt, tan, where"),
    ("a.b", "attribute access is not allowed (at column 1, in 'a.b'); write the column name "
     "in backticks if it contains a dot"),
    ("a[0]", "indexing is not allowed (at column 1, in 'a[0]'); refer to a column by its "
     "name"),
    ("lambda: 1", "lambda is not allowed (at column 1, in 'lambda: 1')"),
    ("a.__class__.__subclasses__()", "attribute access is not allowed (at column 1, in "
     "'a.__class__.__subclasses__'); write the column name in backticks if it contains a dot"),
    ("abs(x=1)", "a keyword argument is not allowed (at column 1, in 'abs(x=1)'); pass the "
     "arguments of abs() by position"),
    ("b is None", "the operator is is not allowed (at column 1, in 'b is None'); write `==`"),
    ("{'a': 1}", "a dict is not allowed (at column 1, in \"{'a': 1}\")"),
    ("(y := 1)", "`:=` is not allowed (at column 2, in 'y := 1')"),
    ("f'{a}'", "an f-string is not allowed (at column 1, in \"f'{a}'\")"),
    ("", "the expression is empty: write one, e.g. \"temperature > 20\""),
])
def test_refused(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert str(info.value) == message


def test_not_text() -> None:
    with pytest.raises(ExpressionError, match="expected an expression in quotes"):
        parse(None)
