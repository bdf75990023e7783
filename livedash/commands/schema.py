"""``livedash schema``: the JSON Schema (draft 2020-12) of the dashboard format.

Save it and point an editor at it for completion and inline errors::

    livedash schema > dashboard.schema.json
    # yaml-language-server: $schema=dashboard.schema.json      (first line of a dashboard)

The repository keeps a copy in ``docs/schema.json`` (a test checks it is up to date).
"""
from __future__ import annotations

import argparse
import os
import sys

from ..spec.schema import build_schema, dumps


def main(argv: list[str]) -> int:
    """Print the schema of the types installed in this environment."""
    parser = argparse.ArgumentParser(
        prog="livedash schema",
        description="Print the JSON Schema (draft 2020-12) of dashboard files, for editors "
                    "and tools. It covers every installed source, step and view type.")
    try:
        parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        sys.stdout.write(dumps(build_schema()))
        sys.stdout.flush()
    except BrokenPipeError:  # `livedash schema | head`: as the Python docs advise
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
