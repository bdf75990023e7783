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
    failed: dict[tuple[str, int], int] = field(default_factory=dict)
    """Rounds in which a server could not even take the viewers (it fell behind)."""

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
                 rate: float, grace: float = GRACE) -> Sample:
    """Measure one window with ``viewers`` connected and warmed up."""
    for viewer in viewers:
        viewer.reset()
    cpu0, t0 = server.cpu(), time.time()
    await asyncio.sleep(seconds)
    cpu1, t1 = server.cpu(), time.time()
    await asyncio.sleep(grace)
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
    if any(len(g) < len(ticks) for g in got):
        explain(server, viewers, got, len(ticks))
    return Sample(
        cpu_per_update=cpu / updates * 1000, core=cpu / (t1 - t0),
        delivered=min(len(g) for g in got) / len(ticks) if ticks else 0.0,
        rate=len(ticks) / ((t1 - t0) * rate),
        bytes_per_update=sum(p.nbytes for p in arrived) / arrived_ticks,
        replaced=sum(p.replaced for p in arrived) / arrived_ticks,
        receipt_p50=float(np.percentile(lags, 50)) if lags else float("nan"),
        receipt_p95=float(np.percentile(lags, 95)) if lags else float("nan"))


def explain(server: procs.ServerProc, viewers: list[Viewer], got: list[set[float]],
            ticks: int) -> None:
    """Print what is known about viewers that missed ticks: the worst one's messages, the
    session-bound objects alive in the server, and the server's warnings."""
    short = [i for i, g in enumerate(got) if len(g) < ticks]
    worst = min(range(len(viewers)), key=lambda i: len(got[i]))
    viewer = viewers[worst]
    try:
        alive = server.status(debug=True).get("process", {})
    except Exception as exc:  # noqa: BLE001 - a diagnostic only
        alive = {"status": str(exc)}
    print(f"  ({len(short)} of {len(viewers)} viewers missed ticks; the worst got "
          f"{len(got[worst])} of {ticks}: {len(viewer.patches)} messages, lost={viewer.lost}, "
          f"errors={viewer.errors[:2]}; server objects: {alive})", flush=True)
    log = [line for line in server.output(tail=None).splitlines()
           if any(w in line for w in ("rror", "Traceback", "WARN", "xception", "failed"))]
    if log:
        print("  server log: " + "\n  ".join(log[-8:]), flush=True)


OPEN_TIMEOUT = 30.0  # seconds, plus 3 s per viewer, to open the viewers of one step


async def _grow(server: procs.ServerProc, viewers: list[Viewer], count: int) -> bool:
    """Open viewers up to ``count``; False when the server cannot take them in time (it
    has fallen behind its updates)."""
    new = count - len(viewers)
    try:
        viewers += await asyncio.wait_for(open_viewers(server.url, server.app, new),
                                          OPEN_TIMEOUT + 3 * new)
        return True
    except Exception:  # noqa: BLE001 - a timeout, a refused or dropped connection
        return False


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
                    collapsed = False
                    try:
                        for count in sorted(cfg.viewers):
                            if collapsed or not await _grow(server, viewers, count):
                                collapsed = True
                                results.failed.setdefault((name, count), 0)
                                results.failed[(name, count)] += 1
                                progress(name, count, None)
                                continue
                            await asyncio.sleep(WARMUP / 3 if cfg.quick else WARMUP)
                            sample = await window(server, viewers, cfg.seconds, RATE,
                                                  GRACE / 2 if cfg.quick else GRACE)
                            results.add(name, count, sample)
                            progress(name, count, sample)
                    finally:
                        await close_all(viewers)
                    if collapsed or not await asyncio.to_thread(server.wait_sessions, 0, 60):
                        # a server that could not keep up may spin for minutes: start afresh
                        server.stop()
                        procs.start_all([server])
        finally:
            procs.stop_all(list(contenders.values()))
    return results


def progress(name: str, count: int, sample: Sample | None) -> None:
    if sample is None:
        print(f"  {name}, {count} viewers: could not open them in time", flush=True)
    else:
        print(f"  {name}, {count} viewers: {sample.cpu_per_update:.2f} ms CPU per session "
              f"update, delivered {100 * sample.delivered:.0f} %, source "
              f"{100 * sample.rate:.0f} %", flush=True)


def run(cfg: Config) -> list[Table]:
    results = asyncio.run(_run(cfg))
    table = Table(
        f"2. fan-out: one source at {RATE:g} Hz, N viewers ({cfg.rounds} round(s) of "
        f"{cfg.seconds:g} s)",
        ["viewers", "server", "CPU ms/session-update", "x raw", "core %", "delivered %",
         "source rate %", "B/update", "ws receipt p95 ms", "target", "result"],
        note=("CPU: server process, every thread; delivered: worst viewer's share of the "
              "source's ticks; source rate: ticks seen / nominal; B/update: bytes per viewer "
              "per tick;\nws receipt: tick to websocket receipt at the protocol viewers; "
              f"collapsed: the server could not take the viewers within {OPEN_TIMEOUT:g} s + "
              "3 s per viewer (it fell behind its updates)."))
    names = sorted({name for name, _ in [*results.samples, *results.failed]},
                   key=lambda n: (n != "livedash", n != "raw Bokeh", n))
    for count in sorted(cfg.viewers):
        raw = results.get("raw Bokeh", count, "cpu_per_update")
        for name in names:
            cpu = results.get(name, count, "cpu_per_update")
            failed = results.failed.get((name, count), 0)
            if failed and not cpu:
                table.add([str(count), name, "collapsed", "-", "-", "0", "-", "-", "-"],
                          Check("CPU <= 2 x raw, every tick to every viewer", False)
                          if name == "livedash" else None)
                continue
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
