"""The JSON Schema against every example and fixture: what it catches, and what it leaves
to ``livedash validate``, fixture by fixture."""
from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from specrun import CONFIG, EXAMPLES, INVALID, ROOT, VALID, WARNINGS

from livedash.spec.loading import check, read
from livedash.spec.schema import build_schema
from livedash.yamlio import load_yaml

VALIDATOR = jsonschema.Draft202012Validator(build_schema())
# Rules that need more than the shape of one value, which only `livedash validate` checks.
SEMANTIC = {"undefined", "cycle", "duplicate-name", "bad-callback"}
# `bad-value`s the schema cannot express: rules written as code in the models.
BEYOND_SCHEMA = {
    "sources.wave.noise",                      # noise >= 0 (a field validator)
    "sources.grid.rate",                       # 0 < rate <= 1
    "sources.pushed.columns",                  # the index column must be declared
    "pipelines.checked.steps[0].filter",       # what an expression may use
    "pipelines.checked.steps[1].filter",       # a filter must be a condition
    "pipelines.checked.steps[2].derive",       # what an expression may use
    "pipelines.checked.steps[3].select",       # `select: []`: the step's schema allows it
    "pipelines.checked.steps[4].rolling",      # min_periods <= window
}


def data_of(case: Path):
    """The loaded document, or None when the file is not data (a YAML-level problem)."""
    text, _ = read(case, str(case))
    if text is None:
        return None
    loaded = load_yaml(text)
    return None if loaded.errors or loaded.data is None else loaded.data


def near(problem: tuple, schema: tuple) -> bool:
    """The schema's error is at the same entry: at most one level above, or below."""
    return (schema == problem[:len(schema)] and len(schema) >= len(problem) - 1) or \
        problem == schema[:len(problem)]


def test_the_schema_is_valid_draft_2020_12() -> None:
    schema = build_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("case", EXAMPLES + VALID + [p for p in WARNINGS if p.stem == "unused"],
                         ids=lambda p: p.stem)
def test_valid_files_pass(case: Path) -> None:
    assert list(VALIDATOR.iter_errors(data_of(case))) == []


def test_deprecated_spellings_fail() -> None:
    errors = VALIDATOR.iter_errors(data_of(WARNINGS[0]))
    assert WARNINGS[0].stem == "deprecated"
    assert sorted(tuple(e.absolute_path) for e in errors) == [
        ("sources", "walk", "type"), ("views", "walk", "kind")]


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_files(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Structural errors fail the schema at the same entry; the others pass it."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LIVEDASH_CONFIG", CONFIG)
    data = data_of(case)
    problems = [e for e in check(case)[1] if e.severity == "error"]
    if data is None:  # YAML-level: syntax, tags, duplicate keys, aliases, empty, encoding
        assert problems
        return
    flagged = [tuple(e.absolute_path) for e in VALIDATOR.iter_errors(data)]
    missed = {e.key_path for e in problems if not any(near(e.path, s) for s in flagged)}
    expected = {e.key_path for e in problems
                if e.code in SEMANTIC or (e.code == "bad-value" and e.key_path in BEYOND_SCHEMA)}
    assert missed == expected
    assert all(any(near(e.path, s) for e in problems) for s in flagged), \
        "the schema rejects something livedash validate accepts"


def test_the_exceptions_are_current() -> None:
    shown = (ROOT / "tests" / "specs" / "invalid" / "bad_values.out").read_text()
    assert all(f": {path}: " in shown for path in BEYOND_SCHEMA)
