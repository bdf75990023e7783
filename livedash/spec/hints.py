"""The words of error messages: did-you-mean, lists of valid values, what a value is."""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

MAX_LISTED = 20
"""Most valid values a hint lists."""


def did_you_mean(word: object, choices: Iterable[str], what: str = "values") -> str:
    """``did you mean 'x'?`` when ``word`` is close to a choice, else the valid choices.

    >>> did_you_mean("lnie", ["line", "table"])
    "did you mean 'line'?"
    >>> did_you_mean("pie", ["line", "table"], "kinds")
    'valid kinds: line, table'
    """
    options = sorted({str(c) for c in choices})
    if isinstance(word, str):
        close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
        if not close:  # `Sensors` for `sensors`, `TABLE` for `table`
            close = [c for c in options if c.lower() == word.lower()][:1]
        if close:
            return f"did you mean {close[0]!r}?"
    return valid(options, what)


def valid(choices: Iterable[str], what: str = "values") -> str:
    """``valid values: a, b, c`` (at most :data:`MAX_LISTED`), or ``""`` for none."""
    options = sorted({str(c) for c in choices})
    if not options:
        return ""
    more = len(options) - MAX_LISTED
    listed = ", ".join(options[:MAX_LISTED]) + (f" and {more} more" if more > 0 else "")
    return f"valid {what}: {listed}"


def describe(value: Any) -> str:
    """What ``value`` is, in the words of YAML: ``a list``, ``text``, ``a number``..."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) <= 40 else "a long text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__
