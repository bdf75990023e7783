"""What one run measures: how long, how many rounds, which sizes."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Config:
    quick: bool = False
    rounds: int = 3
    """Interleaved rounds per measurement."""
    seconds: float = 10.0
    """Length of one timed window (fan-out, latency, idle CPU)."""
    viewers: tuple[int, ...] = (1, 20, 50)
    latency_viewers: tuple[int, ...] = (1, 20)
    browsers: int = 1
    """Chromium pages among the latency viewers (the rest are protocol viewers; see
    bench/latency.py for why one)."""
    wire_rows: tuple[int, ...] = (1000, 10000)
    wire_updates: int = 8
    batches: tuple[int, ...] = (10, 100, 1000)
    agg_budget: float = 0.5
    """Seconds of timed batches per contender, step and batch size."""
    agg_kinds: tuple[str, ...] | None = None
    """Step kinds of the aggregation tables (None: all)."""
    keep_up_kinds: tuple[str, ...] | None = None
    """Step kinds of the 600,000-row keep-up check (None: all)."""
    wire_kinds: tuple[str, ...] | None = None
    """View kinds of the wire benchmark (None: all)."""
    sessions_churn: int = 200
    session_parts: tuple[str, ...] | None = None
    """Parts of the sessions benchmark: idle, churn, memory (None: all)."""
    memory_minutes: float = 10.0
    peers: tuple[str, ...] = ("raw", "hvplot")
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def make(cls, quick: bool) -> "Config":
        if not quick:
            return cls()
        return cls(quick=True, rounds=1, seconds=2.0, viewers=(1, 3), latency_viewers=(1, 3),
                   browsers=1, wire_rows=(1000,), wire_updates=3, batches=(10, 1000),
                   agg_budget=0.02, keep_up_kinds=("window", "groupby"), sessions_churn=10,
                   memory_minutes=0.25)
