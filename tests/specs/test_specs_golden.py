"""Every broken fixture's output, asserted whole; every example and valid fixture clean."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from specrun import EXAMPLES, INVALID, ROOT, VALID, WARNINGS, golden, relative, run

from livedash.spec.codes import CODES

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning)"
                  r"\[(?P<code>[a-z-]+)\]: (?P<path>\S+): (?P<message>.+)$")
# Codes no fixture here produces, and where they are tested instead.
ELSEWHERE = {"no-file": "test_specs_cli.py (the Python API)",
             "too-big": "test_specs_yaml.py (a generated file)",
             "internal": "never expected"}


def lines(output: str) -> list[re.Match[str]]:
    """Each problem line of ``output``; asserts the hint lines in between."""
    matches = []
    for text in output.splitlines():
        if text.startswith("  hint: "):
            continue
        match = LINE.match(text)
        assert match, f"not a problem line: {text!r}"
        matches.append(match)
    return matches


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, err = run([relative(case)], monkeypatch)
    assert out == golden(case, out)
    assert status == 1, err
    found = lines(out)
    assert any(m["severity"] == "error" for m in found)
    positions = [(int(m["line"]), int(m["col"])) for m in found]
    assert positions == sorted(positions)
    assert all(m["file"] == relative(case) and m["code"] in CODES for m in found)
    assert "internal" not in {m["code"] for m in found}


@pytest.mark.parametrize("case", WARNINGS, ids=lambda p: p.stem)
def test_warnings(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, _ = run([relative(case)], monkeypatch)
    assert out == golden(case, out)
    assert status == 0 and {m["severity"] for m in lines(out)} == {"warning"}
    strict_status, strict_out, _ = run(["--strict", relative(case)], monkeypatch)
    assert strict_status == 1
    assert strict_out == out.replace(": warning[", ": error[")


@pytest.mark.parametrize("case", VALID + EXAMPLES, ids=lambda p: p.stem)
def test_valid_and_examples_are_clean(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, err = run(["--strict", relative(case)], monkeypatch)
    assert (status, out) == (0, ""), out
    assert err == "1 file valid\n"


def test_every_example_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, err = run(["dashboards/"], monkeypatch)
    assert (status, out, err) == (0, "", f"{len(EXAMPLES)} files valid\n")


def test_every_code_has_a_fixture() -> None:
    outputs = "".join(p.with_suffix(".out").read_text() for p in INVALID + WARNINGS)
    shown = {m["code"] for m in lines(outputs)}
    assert shown | set(ELSEWHERE) == set(CODES), set(CODES) - shown - set(ELSEWHERE)
    assert not shown & set(ELSEWHERE)


def test_every_fixture_has_its_output() -> None:
    cases = {p.with_suffix(".out") for p in INVALID + WARNINGS}
    outputs = set((ROOT / "tests" / "specs").glob("*/*.out"))
    assert cases == outputs
