"""Names of generated columns and matrix cells: a list of names, or a count of them.

The checks raise ``ValueError`` even for a value of the wrong type: pydantic reports only
``ValueError`` (and ``AssertionError``) from a validator as a validation error.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .timestamps import TIME

MAX_NAMES = 1000
"""Most names (or the largest count) one parameter may give."""


def check_names(value: Any, what: str, example: str) -> tuple[str, ...]:
    """``value`` as a tuple of distinct, non-empty names; ``ValueError`` says what to write.

    ``what`` is what is named (``column``, ``row``); ``example`` a YAML list to suggest.
    """
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"expected a list of {what} names such as {example}, "  # noqa: TRY004
                         f"got {value!r}")
    if not value:
        raise ValueError(f"the list is empty: give at least one {what} name, e.g. {example}")
    if len(value) > MAX_NAMES:
        raise ValueError(f"{len(value)} {what}s are too many: give at most {MAX_NAMES}")
    seen: set[str] = set()
    for name in value:
        if not isinstance(name, str):
            raise ValueError(  # noqa: TRY004
                f"{what} name {name!r} is not text: quote it, e.g. '{name}'")
        if not name.strip():
            raise ValueError(f"a {what} name is empty: give each {what} a name")
        if name == TIME:
            raise ValueError(f"{what} name 'time' is taken by the index: choose another name")
        if name in seen:
            raise ValueError(f"{what} name {name!r} appears twice: give each {what} "
                             "a different name")
        seen.add(name)
    return tuple(value)


def names_or_count(what: str, prefix: str, example: str) -> Callable[[Any], tuple[str, ...]]:
    """A validator taking names, or a count ``n`` that becomes ``prefix1 .. prefixn``."""
    def validate(value: Any) -> tuple[str, ...]:
        if isinstance(value, bool) or not isinstance(value, (int, list, tuple)):
            raise ValueError(  # noqa: TRY004
                f"expected a number of {what}s (e.g. 4) or a list of their names "
                f"(e.g. {example}), got {value!r}")
        if isinstance(value, int):
            if not 1 <= value <= MAX_NAMES:
                raise ValueError(f"{value} {what}s is out of range: give between 1 and "
                                 f"{MAX_NAMES}, or a list of names such as {example}")
            return tuple(f"{prefix}{k}" for k in range(1, value + 1))
        return check_names(value, what, example)
    return validate
