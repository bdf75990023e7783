"""``livedash schema``: the JSON Schema (draft 2020-12) of the dashboard format."""
from __future__ import annotations

import argparse
import json

from ..spec.schema import build_schema


def main(argv: list[str]) -> int:
    argparse.ArgumentParser(prog="livedash schema",
                            description="Print the JSON Schema of dashboard files.").parse_args(argv)
    print(json.dumps(build_schema(), indent=2))
    return 0
