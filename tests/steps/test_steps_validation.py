"""Every step refuses bad YAML with a message for an analyst (asserted whole)."""
from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from stepfeed import REGISTRY

from livedash.settings import Settings
from livedash.spec.validation import Checker
from livedash.yamlio import Positions


def errors(kind: str, value: Any) -> list[tuple[tuple[Any, ...], str]]:
    info = REGISTRY.get("step", kind)
    assert info is not None
    with pytest.raises(ValidationError) as caught:
        info.spec.model_validate(value)
    return [(e["loc"], e["msg"].removeprefix("Value error, ")) for e in caught.value.errors()]


FUNCTIONS = "count, sum, mean, min, max, std, var, first, last, median"
BAD = [
    ("filter", "__import__('os')",
     "calling '__import__' is not allowed (at column 1, in \"__import__('os')\"); the "
     "functions are abs, ceil, cos, exp, floor, log, log10, round, sin, sqrt, tan, where"),
    ("filter", "x > 1 and a.b", "attribute access is not allowed (at column 11, in 'a.b'); "
     "write the column name in backticks if it contains a dot"),
    ("filter", "a[0] > 1", "indexing is not allowed (at column 1, in 'a[0]'); refer to a "
     "column by its name"),
    ("filter", "(lambda: 1)() > 0", "lambda is not allowed (at column 2, in 'lambda: 1')"),
    ("filter", "a.b() > 0", "attribute access is not allowed (at column 1, in 'a.b'); write "
     "the column name in backticks if it contains a dot"),
    ("filter", "where(lambda: 1, a, b)", "lambda is not allowed (at column 7, in 'lambda: 1')"),
    ("filter", "[x for x in a]", "a list comprehension is not allowed (at column 1, in "
     "'[x for x in a]')"),
    ("filter", "x > 1 & y", "the operator & is not allowed (at column 5, in '1 & y'); write "
     "`and`"),
    ("filter", "x if y else z", "`x if c else y` is not allowed (at column 1, in "
     "'x if y else z'); use where(condition, a, b)"),
    ("filter", "sensor in other", "`in` followed by something other than a list is not "
     "allowed (at column 11, in 'other'); write the values in brackets, e.g. "
     "`sensor in ['a', 'b']`"),
    ("filter", "round(x, 1, 2) > 0", "round() with 3 arguments is not allowed (at column 1, "
     "in 'round(x, 1, 2)'); round() takes 1 or 2"),
    ("filter", "x > None", "the constant None is not allowed (at column 5, in 'None'); use a "
     "number, a string or True/False"),
    ("filter", "temperature * 2", "'temperature * 2' gives a number, not true or false: "
     "compare it with something, e.g. \"temperature * 2 > 0\""),
    ("filter", "(x > 1", "'(x > 1' is not a valid expression: '(' was never closed "
     "(at column 1)"),
    ("filter", "`my col > 1", "the backtick at column 1 is not closed: write `column name` "
     "with a backtick on each side"),
    ("filter", ["x > 1"], "a filter is a condition in quotes, e.g. "
     "`filter: \"temperature > 20\"`"),
    ("select", [], "an empty list keeps no column: name at least one, e.g. "
     "`select: [temperature]`"),
    ("select", ["a", "a"], "column 'a' is listed twice: name each column once"),
    ("select", 5, "write the columns to keep as a list, e.g. `select: [sensor, temperature]`"),
    ("derive", {"f": "a.b"}, "column 'f': attribute access is not allowed (at column 1, in "
     "'a.b'); write the column name in backticks if it contains a dot"),
    ("derive", {}, "no column to derive: write `name: expression` pairs, e.g. "
     "`derive: {fahrenheit: \"temperature * 9 / 5 + 32\"}`"),
    ("derive", "a + b", "write each new column as `name: expression`, e.g. "
     "`derive: {fahrenheit: \"temperature * 9 / 5 + 32\"}`"),
    ("window", 0, "a window of 0 rows is empty: use a positive row count"),
    ("window", "30 seconds", "'30 seconds' is not a duration: write a number followed by ms, "
     "s, min, h or d, e.g. 250ms, 1s, 5min, 2h, 7d"),
    ("groupby", "sensor", "write the keys and the functions, e.g. "
     "`groupby: {by: sensor, agg: {temperature: mean}}`"),
    ("aggregate", "avg", "'avg' is not an aggregation function; did you mean 'mean'?"),
    ("aggregate", "xyz", "'xyz' is not an aggregation function; use one of " + FUNCTIONS),
    ("aggregate", "means", "'means' is not an aggregation function; did you mean 'mean'?"),
    ("aggregate", 3, "expected a function name (mean), a list of names ([mean, max]) or a "
     "mapping of columns to functions ({temperature: [mean, max]}), got 3"),
    ("aggregate", {"x": []}, "column 'x': the list is empty: name at least one function, "
     "e.g. [mean, max]"),
    ("aggregate", ["mean", "mean"], "'mean' is listed twice: name each function once"),
    ("aggregate", "ohlc", "'ohlc' is not an aggregation function; use one of " + FUNCTIONS),
    ("rolling", 5, "write the window and the function, e.g. `rolling: {window: 10, agg: mean}`"),
    ("rolling", {"window": 3, "agg": "mean", "min_periods": 5},
     "min_periods (5) is larger than the window (3 rows), so no row would get a value: use "
     "at most 3"),
    ("resample", "1min", "write the bucket length and the functions, e.g. "
     "`resample: {every: 1min, agg: mean}`"),
]


@pytest.mark.parametrize(("kind", "value", "message"), BAD)
def test_bad_step_is_refused_at_the_step(kind: str, value: Any, message: str) -> None:
    assert errors(kind, value) == [((), message)]


KEYED = [
    ("groupby", {"by": [], "agg": "mean"}, ("by",),
     "the list is empty: name the column(s) to group by, e.g. `by: sensor`"),
    ("groupby", {"by": "s", "agg": {"x": ["mean", "avg"]}}, ("agg",),
     "column 'x': 'avg' is not an aggregation function; did you mean 'mean'?"),
    ("groupby", {"by": "s", "agg": {"s": "count"}}, (),
     "column 's' is a group key, so `s: count` would make a second column named 's': write "
     "`s: [count]` to get s_count"),
    ("rolling", {"window": 3, "agg": ["mean", "max"]}, ("agg",),
     "one function per column, not a list (['mean', 'max']): write one name, e.g. `mean`"),
    ("rolling", {"window": 3, "agg": {"x": ["mean"]}}, ("agg",),
     "column 'x': one function per column, not a list (['mean']): write one name, e.g. "
     "`mean`"),
    ("resample", {"every": "1 minute", "agg": "mean"}, ("every",),
     "'1 minute' is not a duration: write a number followed by ms, s, min, h or d, e.g. "
     "250ms, 1s, 5min, 2h, 7d"),
]


@pytest.mark.parametrize(("kind", "value", "loc", "message"), KEYED)
def test_bad_key_is_refused_at_the_key(kind: str, value: Any, loc: tuple[Any, ...],
                                       message: str) -> None:
    assert errors(kind, value) == [(loc, message)]


def test_missing_keys() -> None:
    assert errors("groupby", {"by": "s"})[0][0] == ("agg",)
    assert errors("resample", {"agg": "mean"})[0][0] == ("every",)
    assert errors("window", {"size": 3, "sise": 4})[0][0] == ("sise",)


GOOD = [
    ("filter", "x > 1", "filter", {"expr": "x > 1"}),
    ("filter", {"expr": "`a b` in [1, -2]"}, "filter", {"expr": "`a b` in [1, -2]"}),
    ("select", "a", "select", {"columns": ("a",)}),
    ("derive", {"columns": {"c": "a + b"}}, "derive", {"columns": {"c": "a + b"}}),
    ("derive", {"columns": "a + b"}, "derive", {"columns": {"columns": "a + b"}}),
    ("window", 100, "window", {"size": 100}),
    ("window", "30s", "window", {"size": "30s"}),
    ("window", {"size": "2h"}, "window", {"size": "2h"}),
    ("aggregate", {"x": "mean"}, "aggregate", {"agg": {"x": "mean"}}),
    ("aggregate", {"agg": ["mean"]}, "aggregate", {"agg": ["mean"]}),
    ("resample", {"every": "1min", "agg": {"p": "ohlc"}, "by": "s"}, "resample",
     {"every": "1min", "agg": {"p": "ohlc"}, "by": ("s",)}),
    ("rolling", {"window": "30s", "agg": {"x": "max"}}, "rolling",
     {"window": "30s", "agg": {"x": "max"}, "min_periods": 1}),
]


@pytest.mark.parametrize(("kind", "value", "_k", "dumped"), GOOD)
def test_accepted_forms(kind: str, value: Any, _k: str, dumped: dict[str, Any]) -> None:
    info = REGISTRY.get("step", kind)
    assert info is not None
    assert info.spec.model_validate(value).model_dump() == dumped


def test_every_step_has_a_documented_schema() -> None:
    for name in REGISTRY.names("step"):
        info = REGISTRY.get("step", name)
        assert info is not None and info.summary
        assert info.spec.model_json_schema()
        for field, spec in info.spec.model_fields.items():
            assert spec.description, f"{name}.{field} has no docstring"


def test_reported_through_the_checker() -> None:
    checker = Checker("d.yaml", Positions(), REGISTRY, Settings(), None)
    assert checker.step({"filter": "a.b > 1"}, ("pipelines", "p", "steps", 0)) is None
    assert [e.format() for e in checker.errors] == [
        "d.yaml:1:1: error[bad-value]: pipelines.p.steps[0].filter: attribute access is not "
        "allowed (at column 1, in 'a.b'); write the column name in backticks if it contains "
        "a dot"]
