"""``livedash validate PATH ...``: every error at once, like a compiler.

Exit status: 0 when every file is valid (warnings allowed unless ``--strict``), 1 when
a file has errors, 2 for a usage error: no PATH, an unknown option, a PATH that does not
exist, a directory without ``.yaml``/``.yml`` files, or an unreadable
``config/livedash.yaml``. A file that exists but cannot be read as a dashboard (not
UTF-8, a permission error) is an invalid file, exit 1.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..settings import Settings
from ..spec.loading import check

SUFFIXES = (".yaml", ".yml")


class _UsageError(Exception):
    pass


def _files(paths: list[str]) -> list[str]:
    """The files to check, as written (directories: their YAML files, sorted)."""
    out: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(str(path / p.name) for p in path.iterdir()
                           if p.suffix in SUFFIXES and p.is_file())
            if not found:
                raise _UsageError(f"no .yaml or .yml files in {raw}")
            out.extend(found)
        elif path.exists():
            out.append(raw)
        else:
            raise _UsageError(f"no such file or directory: {raw}")
    return list(dict.fromkeys(out))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="livedash validate", description="Check dashboard files without running them: "
        "every problem, sorted by position, as path:line:col: error[code]: key.path: message.",
        epilog="exit status: 0 valid, 1 invalid, 2 usage error")
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="YAML files, or directories of them (not recursive)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="json: one object with every problem, for tools")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (deprecated spellings, unused names) as errors")
    return parser


def report(problems: list[SpecError], files: list[str], fmt: str) -> str:
    """The output for ``problems`` (already made strict if asked)."""
    failing = [p for p in problems if p.severity == "error"]
    if fmt == "json":
        return json.dumps({"valid": not failing, "files": files,
                           "errors": len(failing), "warnings": len(problems) - len(failing),
                           "problems": [p.as_dict() for p in problems]}, indent=2) + "\n"
    return "".join(p.format() + "\n" for p in problems)


def _summary(problems: list[SpecError], files: list[str]) -> str:
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    bad = len({p.file for p in errors})
    parts = []
    if errors:
        parts.append(f"{len(errors)} error{'s' * (len(errors) != 1)}")
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    checked = f"{len(files)} file{'s' * (len(files) != 1)}"
    if not parts:
        return f"{checked} valid"
    where = f" in {bad} of {checked}" if errors else f" in {checked}"
    return ", ".join(parts) + where


def main(argv: list[str], out: Any = None, err: Any = None) -> int:
    """Run the command; returns the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage
        return int(exc.code or 0)
    try:
        files = _files(args.paths)
        try:
            settings = Settings.load()
        except Exception as exc:  # noqa: BLE001 - a broken config is a usage error
            raise _UsageError(f"cannot read the settings: {exc}") from None
    except _UsageError as exc:
        print(f"livedash validate: error: {exc}", file=err)
        return 2
    problems: list[SpecError] = []
    for file in files:
        problems.extend(check(file, settings=settings)[1])
    if args.strict:
        problems = [dataclasses.replace(p, severity="error") for p in problems]
    out.write(report(problems, files, args.format))
    out.flush()  # before the summary on stderr, where both go to one terminal
    if args.format == "text":
        print(_summary(problems, files), file=err)
    return 1 if any(p.severity == "error" for p in problems) else 0
