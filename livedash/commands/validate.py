"""``livedash validate PATH ...``: every error at once, like a compiler."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..spec.loading import check


def _files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"}))
        else:
            out.append(path)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="livedash validate",
                                     description="Check dashboard files without running them.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="YAML files or directories")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    args = parser.parse_args(argv)
    files = _files(args.paths)
    if not files:
        print("livedash validate: no YAML files found in " + " ".join(args.paths),
              file=sys.stderr)
        return 2
    problems = []
    for path in files:
        _, errors = check(path)
        problems.extend(errors)
    failing = [e for e in problems if e.severity == "error" or args.strict]
    if args.format == "json":
        print(json.dumps({"valid": not failing, "files": [str(f) for f in files],
                          "problems": [e.as_dict() for e in problems]}, indent=2))
    else:
        for error in problems:
            print(error.format())
        if failing:
            print(f"{len(failing)} error(s) in {len({e.file for e in failing})} file(s)",
                  file=sys.stderr)
    return 1 if failing else 0
