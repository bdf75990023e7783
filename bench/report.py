"""Tables of medians, spreads, ratios and targets, printed as plain text (and kept as JSON).

A figure is the median of its rounds with the spread as ``[min-max]``. Ratios are taken
per round (livedash and its peer measured next to each other) and then summarised the
same way, so that slow moments of the machine cancel out.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any, Sequence


def median(values: Sequence[float]) -> float:
    finite = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(finite) if finite else math.nan


def spread(values: Sequence[float]) -> tuple[float, float]:
    finite = [v for v in values if v is not None and not math.isnan(v)]
    return (min(finite), max(finite)) if finite else (math.nan, math.nan)


def number(value: float, digits: int = 3) -> str:
    """``value`` with about ``digits`` significant digits, thousands separated."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if math.isinf(value):
        return "inf"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = 0 if abs(value) >= 100 else max(0, digits - 1 - magnitude)
    return f"{value:,.{decimals}f}"


def figure(values: Sequence[float], unit: str = "", digits: int = 3) -> str:
    """``median [min-max] unit`` (just the value when all rounds agree or one round)."""
    if not values:
        return "n/a"
    mid = median(values)
    lo, hi = spread(values)
    text = number(mid, digits)
    if len([v for v in values if not math.isnan(v)]) > 1 and number(lo, digits) != number(
            hi, digits):
        text += f" [{number(lo, digits)}-{number(hi, digits)}]"
    return f"{text} {unit}".rstrip()


def ratios(ours: Sequence[float], theirs: Sequence[float]) -> list[float]:
    """Per-round ``ours / theirs``."""
    out = []
    for a, b in zip(ours, theirs):
        out.append(math.nan if not b or math.isnan(a) or math.isnan(b) else a / b)
    return out


@dataclass
class Check:
    """A target and whether it is met."""

    text: str
    ok: bool | None  # None: not applicable / not measured

    @property
    def verdict(self) -> str:
        return "-" if self.ok is None else ("PASS" if self.ok else "FAIL")


@dataclass
class Table:
    title: str
    columns: list[str]
    note: str = ""
    rows: list[list[str]] = field(default_factory=list)
    checks: list[tuple[str, Check]] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)
    shown: bool = False

    def show(self) -> "Table":
        """Print the table now (a long benchmark shows each part as it ends)."""
        if not self.shown:
            print("\n" + self.render(), flush=True)
            self.shown = True
        return self

    def add(self, cells: list[str], check: Check | None = None, **data: Any) -> None:
        if check is not None:
            cells = [*cells, check.text, check.verdict]
            self.checks.append((cells[0], check))
        elif "target" in self.columns:
            cells = [*cells, "", ""]
        self.rows.append(cells)
        if data:
            self.data.append({"row": cells[0], **data})

    def render(self) -> str:
        header = list(self.columns)
        widths = [len(h) for h in header]
        for row in self.rows:
            for i, cell in enumerate(row):
                if i < len(widths):
                    widths[i] = max(widths[i], len(cell))
        line = "  ".join("-" * w for w in widths)
        out = [f"== {self.title}", "  ".join(h.ljust(w) for h, w in zip(header, widths)), line]
        for row in self.rows:
            out.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if self.note:
            out.append(self.note)
        return "\n".join(out)

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "columns": self.columns, "rows": self.rows,
                "note": self.note, "data": self.data,
                "checks": [{"row": r, "target": c.text, "ok": c.ok} for r, c in self.checks]}


def summary(tables: list[Table]) -> str:
    passed = sum(1 for t in tables for _, c in t.checks if c.ok)
    failed = [(t.title, r, c.text) for t in tables for r, c in t.checks if c.ok is False]
    lines = [f"== targets: {passed} PASS, {len(failed)} FAIL"]
    for title, row, text in failed:
        lines.append(f"FAIL  {title}: {row}: {text}")
    return "\n".join(lines)
