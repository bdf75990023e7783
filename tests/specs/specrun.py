"""Running ``livedash validate`` as a user does, in-process, from the repository root.

The golden outputs are regenerated with ``LIVEDASH_UPDATE_GOLDEN=1 pytest tests/specs``;
review the diff before committing it.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from livedash.commands import validate

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "specs"
CONFIG = "tests/specs/livedash.yaml"
INVALID = sorted((HERE / "invalid").glob("*.yaml"))
WARNINGS = sorted((HERE / "warnings").glob("*.yaml"))
VALID = sorted((HERE / "valid").glob("*.yaml"))
EXAMPLES = sorted((ROOT / "dashboards").glob("*.yaml"))
UPDATE = os.environ.get("LIVEDASH_UPDATE_GOLDEN") == "1"


def relative(path: Path) -> str:
    """``path`` as written on the command line, relative to the repository root."""
    return path.relative_to(ROOT).as_posix()


def run(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """``livedash validate ARGS`` from the repository root: (status, stdout, stderr)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LIVEDASH_CONFIG", CONFIG)
    out, err = io.StringIO(), io.StringIO()
    status = validate.main(args, out, err)
    return status, out.getvalue(), err.getvalue()


def golden(case: Path, output: str) -> str:
    """The expected output of ``case``; with ``LIVEDASH_UPDATE_GOLDEN=1``, ``output``."""
    expected = case.with_suffix(".out")
    if UPDATE:
        expected.write_text(output, encoding="utf-8")
    return expected.read_text(encoding="utf-8")
