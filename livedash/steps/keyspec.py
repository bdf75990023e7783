"""Checks shared by the steps that take group keys (``by``)."""
from __future__ import annotations

from typing import Any

from .aggs import Aggregations


def key_names(value: Any) -> tuple[str, ...]:
    """``by`` as written (one name or a list) as a tuple of names."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)):
        raise ValueError(f"expected a column name or a list of names, got {value!r}")
    if not names:
        raise ValueError("the list is empty: name the column(s) to group by, e.g. `by: sensor`")
    for name in names:
        if not isinstance(name, str):
            raise ValueError(f"{name!r} is not a column name: write names as text "
                             "(quote names that look like numbers, e.g. '2024')")
        if names.count(name) > 1:
            raise ValueError(f"column {name!r} is listed twice: name each column once")
    return tuple(names)


def check_no_clash(by: tuple[str, ...], aggs: Aggregations) -> None:
    """A key column and an output column must not share a name."""
    for column, fns, listed in aggs.columns:
        if column in by and not listed:
            raise ValueError(f"column {column!r} is a group key, so `{column}: {fns[0]}` would "
                             f"make a second column named {column!r}: write "
                             f"`{column}: [{fns[0]}]` to get {column}_{fns[0]}")
