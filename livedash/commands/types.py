"""``livedash types``: every source, step and view type, with where it comes from."""
from __future__ import annotations

import argparse
import json

from ..registry import default_registry


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="livedash types")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    infos = default_registry().all()
    if args.format == "json":
        print(json.dumps([{"kind": i.kind, "name": i.name, "origin": i.origin,
                           "summary": i.summary} for i in infos], indent=2))
        return 0
    width = max((len(i.name) for i in infos), default=4)
    kind = None
    for info in infos:
        if info.kind != kind:
            kind = info.kind
            print(f"{kind}s:")
        print(f"  {info.name:<{width}}  {info.summary}  [{info.origin}]")
    return 0
