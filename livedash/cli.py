"""The ``livedash`` command: serve, validate, schema, types."""
from __future__ import annotations

import sys
from importlib import import_module

COMMANDS = {
    "serve": ("livedash.serving.serve", "serve dashboards (every `panel serve` option works)"),
    "validate": ("livedash.commands.validate", "check dashboard files; exit 0 valid, 1 invalid"),
    "schema": ("livedash.commands.schema", "print the JSON Schema of the YAML format"),
    "types": ("livedash.commands.types", "list every source, step and view type"),
}

USAGE = "usage: livedash {serve,validate,schema,types} ...\n\n" + "\n".join(
    f"  {name:<9} {help_}" for name, (_, help_) in COMMANDS.items())


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print(USAGE)
        return 0 if argv else 2
    if argv[0] in {"-V", "--version"}:
        from . import __version__
        print(f"livedash {__version__}")
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"livedash: unknown command {name!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    try:
        return int(import_module(COMMANDS[name][0]).main(rest) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
