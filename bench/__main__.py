"""``python -m bench``: run the benchmarks and print one table each (see bench/README.md)."""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from importlib import import_module
from pathlib import Path

from . import procs
from .config import Config
from .report import Table, summary

BENCHMARKS = {
    "wire": "bytes per update for each view kind",
    "fanout": "server CPU per session update and updates delivered, 1-50 viewers",
    "latency": "source tick to browser paint, p50 and p95, in headless Chromium",
    "aggregation": "pipeline step throughput against streamz and pandas",
    "sessions": "idle page loads, abandoned sessions, memory growth",
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("benchmarks", nargs="*", choices=[*BENCHMARKS, []],
                   help="which to run (default: all): " + ", ".join(BENCHMARKS))
    p.add_argument("--quick", action="store_true",
                   help="a short smoke run: one round, few viewers, small sizes")
    p.add_argument("--rounds", type=int, help="interleaved rounds per measurement")
    p.add_argument("--seconds", type=float, help="length of each timed window")
    p.add_argument("--viewers", help="fan-out viewer counts, e.g. 1,20,50")
    p.add_argument("--latency-viewers", help="latency viewer counts, e.g. 1,20")
    p.add_argument("--browsers", type=int, help="Chromium pages among the latency viewers")
    p.add_argument("--memory-minutes", type=float, help="length of the memory run")
    p.add_argument("--peers", help="peer apps for fan-out and latency (raw,hvplot,holoviews)")
    p.add_argument("--kinds", help="wire: view kinds, e.g. line,line_by,table")
    p.add_argument("--wire-rows", help="wire: view sizes, e.g. 1000,10000")
    p.add_argument("--batches", help="aggregation: batch sizes, e.g. 10,100,1000")
    p.add_argument("--budget", type=float, help="aggregation: timed seconds per contender")
    p.add_argument("--steps", help="aggregation: step kinds, e.g. aggregate,rolling")
    p.add_argument("--keep-up", help="aggregation: step kinds of the keep-up check")
    p.add_argument("--sessions", type=int, help="sessions: how many to open and close")
    p.add_argument("--parts", help="sessions: idle,churn,memory")
    p.add_argument("--no-pin", action="store_true",
                   help="do not pin servers and clients to different CPUs")
    p.add_argument("--json", type=Path, help="also write every table as JSON here")
    return p


def ints(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def words(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    cfg = Config.make(args.quick)
    for name in ("rounds", "seconds", "browsers", "memory_minutes"):
        if getattr(args, name) is not None:
            setattr(cfg, name, getattr(args, name))
    if args.viewers:
        cfg.viewers = ints(args.viewers)
    if args.latency_viewers:
        cfg.latency_viewers = ints(args.latency_viewers)
    if args.kinds:
        cfg.wire_kinds = words(args.kinds)
    if args.wire_rows:
        cfg.wire_rows = ints(args.wire_rows)
    if args.batches:
        cfg.batches = ints(args.batches)
    if args.budget is not None:
        cfg.agg_budget = args.budget
    if args.steps:
        cfg.agg_kinds = words(args.steps)
    if args.keep_up:
        cfg.keep_up_kinds = words(args.keep_up)
    if args.sessions is not None:
        cfg.sessions_churn = args.sessions
    if args.parts:
        cfg.session_parts = words(args.parts)
    if args.peers:
        cfg.peers = words(args.peers)
    procs.PIN = not args.no_pin
    procs.pin_clients()
    # A viewer given up on (a peer that could not open it in time) may have its
    # connection reset later; tornado logs that with a traceback. The table says it.
    logging.getLogger("tornado.application").addFilter(
        lambda record: record.getMessage() != "Exception after Future was cancelled")
    chosen = args.benchmarks or list(BENCHMARKS)
    tables: list[Table] = []
    server_cpus, client_cpus = procs.cpus()
    print(f"livedash benchmarks ({'quick' if cfg.quick else 'full'} run, {cfg.rounds} "
          f"round(s); server CPU {sorted(server_cpus)}, clients CPU {sorted(client_cpus)}"
          f"{', unpinned' if args.no_pin else ''})", flush=True)
    for name in chosen:
        started = time.monotonic()
        print(f"\n-- {name}: {BENCHMARKS[name]}", flush=True)
        module = import_module(f"bench.{name}")
        got = module.run(cfg)
        for table in got:
            table.show()
        print(f"({name}: {time.monotonic() - started:.0f} s)", flush=True)
        tables.extend(got)
    print("\n" + summary(tables))
    if args.json:
        args.json.write_text(json.dumps([t.as_json() for t in tables], indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
