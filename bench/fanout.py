"""Benchmark 2: server CPU per session update, and updates delivered, 1 to 50 viewers.

One source ticking at 10 Hz (one random-walk row per tick) shown as a line in every
session; the viewers are Bokeh-protocol clients (see :mod:`bench.client`). Contenders:
livedash (``random_walk`` source, ``line`` view), a raw Bokeh ``cds.stream`` app (the
floor) and hvPlot over a per-session HoloViews ``Buffer``; the peers tick on one
process-level timer and hand rows to sessions with ``doc.add_next_tick_callback``.

In each round every contender in turn (rotated from round to round) gets 1 viewer, then
more up to 20 and 50; at each count the server's CPU time (every thread, user + system)
is read over a window. CPU per session update = CPU / (source ticks x viewers).
Delivered: the share of the source's ticks in the window (their ``time`` values) that
reached the viewer that got the fewest; the source rate is the ticks seen against the
nominal 10 Hz.
"""
from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import dashboards, procs
from .client import Viewer, close_all, open_viewers
from .config import Config
from .report import Check, Table, figure, median, ratios

RATE = 10.0  # Hz
BACKLOG = 1000
WARMUP = 1.5  # seconds after the viewers connect
GRACE = 1.0   # seconds for ticks in flight at the end of a window


@dataclass
class Sample:
    cpu_per_update: float      # ms of server CPU per session update
    core: float                # share of one core
    delivered: float           # worst viewer's share of the source's ticks
    rate: float                # source ticks seen / nominal
    bytes_per_update: float    # bytes per viewer per tick
    replaced: float            # whole-data resends per viewer per tick
    receipt_p50: float         # ms from tick to websocket receipt, all viewers
    receipt_p95: float


@dataclass
class Results:
    samples: dict[tuple[str, int], list[Sample]] = field(default_factory=dict)

    def add(self, name: str, viewers: int, sample: Sample) -> None:
        self.samples.setdefault((name, viewers), []).append(sample)

    def get(self, name: str, viewers: int, attr: str) -> list[float]:
        return [getattr(s, attr) for s in self.samples.get((name, viewers), [])]


def servers(cfg: Config, directory: Path, interval_ms: int, name: str,
            lifetime_ms: int = 1000) -> dict[str, procs.ServerProc]:
    """livedash and the chosen peers, each serving the same 1-row-per-tick walk."""
    path = dashboards.walk(directory, name, interval_ms, BACKLOG)
    out = {"livedash": procs.livedash("livedash", [path], "/" + name, directory,
                                      session_lifetime_ms=lifetime_ms)}
    interval = interval_ms / 1000
    if "raw" in cfg.peers:
        out["raw Bokeh"] = procs.raw(interval, BACKLOG, lifetime_ms)
    if "hvplot" in cfg.peers:
        out["hvPlot Buffer"] = procs.hvplot(interval, BACKLOG, lifetime_ms)
    if "holoviews" in cfg.peers:
        server = procs.peer("HoloViews Buffer", "hvplot_buffer", "/hvplot", interval,
                            BACKLOG, lifetime_ms)
        server.cmd.append("--holoviews")
        out["HoloViews Buffer"] = server
    return out


async def window(server: procs.ServerProc, viewers: list[Viewer], seconds: float,
                 rate: float) -> Sample:
    """Measure one window with ``viewers`` connected and warmed up."""
    for viewer in viewers:
        viewer.reset()
    cpu0, t0 = server.cpu(), time.time()
    await asyncio.sleep(seconds)
    cpu1, t1 = server.cpu(), time.time()
    await asyncio.sleep(GRACE)
    start_ms, end_ms = t0 * 1000, t1 * 1000
    got = [v.ticks_between(start_ms, end_ms) for v in viewers]
    ticks = set().union(*got)
    n = len(viewers)
    lags = [p.at * 1000 - t for v in viewers for p in v.patches for t in p.ticks
            if start_ms <= t < end_ms]
    arrived = [p for v in viewers for p in v.patches if t0 <= p.at < t1]
    arrived_ticks = max(1, sum(len(p.ticks) for p in arrived))
    cpu = cpu1 - cpu0
    updates = max(1, len(ticks)) * n
    return Sample(
        cpu_per_update=cpu / updates * 1000, core=cpu / (t1 - t0),
        delivered=min(len(g) for g in got) / len(ticks) if ticks else 0.0,
        rate=len(ticks) / ((t1 - t0) * rate),
        bytes_per_update=sum(p.nbytes for p in arrived) / arrived_ticks,
        replaced=sum(p.replaced for p in arrived) / arrived_ticks,
        receipt_p50=float(np.percentile(lags, 50)) if lags else float("nan"),
        receipt_p95=float(np.percentile(lags, 95)) if lags else float("nan"))


async def _run(cfg: Config) -> Results:
    results = Results()
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as tmp:
        contenders = servers(cfg, Path(tmp), int(1000 / RATE), "fanout")
        procs.start_all(list(contenders.values()))
        try:
            names = list(contenders)
            for round_ in range(cfg.rounds):
                order = names[round_ % len(names):] + names[:round_ % len(names)]
                for name in order:
                    server = contenders[name]
                    viewers: list[Viewer] = []
                    try:
                        for count in sorted(cfg.viewers):
                            viewers += await open_viewers(server.url, server.app,
                                                          count - len(viewers))
                            await asyncio.sleep(WARMUP)
                            sample = await window(server, viewers, cfg.seconds, RATE)
                            results.add(name, count, sample)
                    finally:
                        await close_all(viewers)
                    await asyncio.to_thread(server.wait_sessions, 0, 60)
        finally:
            procs.stop_all(list(contenders.values()))
    return results


def run(cfg: Config) -> list[Table]:
    results = asyncio.run(_run(cfg))
    table = Table(
        f"2. fan-out: one source at {RATE:g} Hz, N viewers ({cfg.rounds} round(s) of "
        f"{cfg.seconds:g} s)",
        ["viewers", "server", "CPU ms/session-update", "x raw", "core %", "delivered %",
         "source rate %", "B/update", "ws receipt p95 ms", "target", "result"],
        note=("CPU: server process, every thread; delivered: worst viewer's share of the "
              "source's ticks; source rate: ticks seen / nominal; B/update: bytes per viewer "
              "per tick; ws receipt: tick to websocket receipt at the protocol viewers."))
    names = sorted({name for name, _ in results.samples},
                   key=lambda n: (n != "livedash", n != "raw Bokeh", n))
    for count in sorted(cfg.viewers):
        raw = results.get("raw Bokeh", count, "cpu_per_update")
        for name in names:
            cpu = results.get(name, count, "cpu_per_update")
            if not cpu:
                continue
            delivered = [100 * d for d in results.get(name, count, "delivered")]
            rate = [100 * r for r in results.get(name, count, "rate")]
            x_raw = ratios(cpu, raw) if raw else []
            check = None
            if name == "livedash":
                parts = []
                ok = True
                if x_raw:
                    parts.append("CPU <= 2 x raw")
                    ok = ok and median(x_raw) <= 2
                if count >= 20:
                    parts.append("every tick to every viewer")
                    ok = ok and min(delivered) >= 100 and median(rate) >= 95
                check = Check(", ".join(parts) or "-", ok if parts else None)
            table.add([str(count), name, figure(cpu), figure(x_raw) if x_raw else "-",
                       figure([100 * c for c in results.get(name, count, "core")], digits=2),
                       figure(delivered), figure(rate),
                       figure(results.get(name, count, "bytes_per_update")),
                       figure(results.get(name, count, "receipt_p95"))],
                      check, **{k: results.get(name, count, k) for k in Sample.__annotations__})
    return [table]
