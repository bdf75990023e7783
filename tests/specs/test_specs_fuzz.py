"""Mutated example dashboards: ``livedash validate`` exits 0, or 1 with positioned errors.

Mutations act on the data (delete, retype or misspell a key or value, then dump it as
YAML) or on the text (duplicate, delete or swap lines, insert YAML punctuation), so that
both the loader and the models meet broken input.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specrun import EXAMPLES

from livedash.commands import validate
from livedash.spec.codes import CODES
from livedash.yamlio import load_yaml

TEXTS = {p.name: p.read_text(encoding="utf-8") for p in EXAMPLES}
DATA = {name: load_yaml(text).data for name, text in TEXTS.items()}
SIBLINGS = [p.name for p in EXAMPLES[0].parent.glob("*.py")]  # callbacks' modules
PROBLEM = re.compile(r"^d\.yaml:(\d+):(\d+): (error|warning)\[([a-z-]+)\]: \S.*?: .+$")
VALUES = st.sampled_from([None, 0, -1, 1.5, True, "", "x", "30s", "-5s", "0ms", "lines",
                          "random-walk", [], {}, [1, "a"], {"a": 1}, "a: b", "*x", "!!str"])
PUNCTUATION = st.sampled_from([":", "-", "[", "]", "{", "}", "'", '"', "\t", "&a ", "*a",
                               "!!python/object ", "<<: ", "? ", "#", ",", "  ", "\n"])


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out.extend(paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.extend(paths(value, (*prefix, i)))
    return out


def misspell(word: str, i: int) -> str:
    if not word:
        return "x"
    i %= len(word)
    return [word[:i] + word[i + 1:], word[:i] + word[i] * 2 + word[i + 1:],
            word[:i] + word[i + 1:i + 2] + word[i:i + 1] + word[i + 2:],
            word.upper()][i % 4]


def mutate(data: Any, draw: Any) -> Any:
    """One mutation of a copy of ``data`` at a random path."""
    data = yaml.safe_load(yaml.safe_dump(data))  # a deep copy
    path = draw(st.sampled_from(paths(data)))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    action = draw(st.sampled_from(["delete", "retype", "misspell-key", "misspell-value"]))
    if action == "delete":
        del parent[last]
    elif action == "retype":
        parent[last] = draw(VALUES)
    elif action == "misspell-key" and isinstance(parent, dict):
        value = parent.pop(last)
        parent[misspell(str(last), draw(st.integers(0, 50)))] = value
    elif isinstance(parent[last], str):
        parent[last] = misspell(parent[last], draw(st.integers(0, 50)))
    return data


def mutate_text(text: str, draw: Any) -> str:
    lines = text.splitlines(keepends=True)
    i = draw(st.integers(0, len(lines) - 1))
    action = draw(st.sampled_from(["duplicate", "delete", "swap", "insert"]))
    if action == "duplicate":
        lines.insert(i, lines[i])
    elif action == "delete":
        del lines[i]
    elif action == "swap" and i + 1 < len(lines):
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    else:
        col = draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:col] + draw(PUNCTUATION) + lines[i][col:]
    return "".join(lines)


@st.composite
def broken_dashboards(draw: Any) -> str:
    name = draw(st.sampled_from(sorted(TEXTS)))
    if draw(st.booleans()):
        data = DATA[name]
        for _ in range(draw(st.integers(1, 3))):
            data = mutate(data, draw)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    text = TEXTS[name]
    for _ in range(draw(st.integers(1, 3))):
        text = mutate_text(text, draw)
    return text


@settings(max_examples=int(os.environ.get("LIVEDASH_FUZZ_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_dashboards())
def test_validate_exits_0_or_1_with_positioned_errors(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for sibling in SIBLINGS:
            (Path(tmp) / sibling).write_text("")
        (Path(tmp) / "d.yaml").write_text(text, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            status = validate.main(["d.yaml"], out, err)
        finally:
            os.chdir(cwd)
    assert status in (0, 1), err.getvalue()
    problems = [line for line in out.getvalue().splitlines() if not line.startswith("  hint: ")]
    n_lines = text.count("\n") + 1
    severities = set()
    for line in problems:
        match = PROBLEM.match(line)
        assert match, line
        row, col, severity, code = match.groups()
        assert 1 <= int(row) <= n_lines and int(col) >= 1, line
        assert code in CODES and code != "internal", line
        severities.add(severity)
    assert (status == 1) == ("error" in severities)
