"""Errors a user sees: where, what, and what to do next."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_PLAIN = re.compile(r"^[\w-]+$")


@dataclass(frozen=True, order=True)
class SpecError:
    """One problem found in a dashboard specification.

    Sorted by position so that a list of errors reads top to bottom like the file.
    """

    line: int
    col: int
    file: str = ""
    code: str = "invalid"
    path: tuple[str | int, ...] = field(default=(), compare=False)
    message: str = field(default="", compare=False)
    hint: str = field(default="", compare=False)
    severity: str = field(default="error", compare=False)

    @property
    def key_path(self) -> str:
        """The dotted key path, e.g. ``views.temps.kind`` or ``pipelines.p.steps[1]``.

        A key that is not a plain name is quoted: ``views["my view"].kind``."""
        out = ""
        for part in self.path:
            if isinstance(part, int):
                out += f"[{part}]"
            elif _PLAIN.match(str(part)):
                out += ("." if out else "") + str(part)
            else:
                out += "[" + json.dumps(str(part), ensure_ascii=False) + "]"
        return out or "<root>"

    def format(self) -> str:
        """``path:line:col: error[code]: key.path: message`` followed by the hint."""
        head = f"{self.file or '<dict>'}:{self.line}:{self.col}: {self.severity}[{self.code}]: "
        head += f"{self.key_path}: {self.message}"
        if self.hint:
            head += f"\n  hint: {self.hint}"
        return head

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file, "line": self.line, "col": self.col, "code": self.code,
            "severity": self.severity, "path": self.key_path, "message": self.message,
            "hint": self.hint,
        }


class SpecInvalid(ValueError):
    """Raised by :func:`livedash.load` when a specification has errors."""

    def __init__(self, errors: list[SpecError]):
        self.errors = sorted(errors)
        super().__init__("\n".join(e.format() for e in self.errors))


class RowsRejected(ValueError):
    """Rows pushed into a source that do not fit its columns."""
