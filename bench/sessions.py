"""Benchmark 5: sessions that never connect, sessions that close, and memory over time.

a. Idle page loads: the server's CPU over a window with no session at all, then over
   the same window after 20 page loads that never open their websocket (a crawler, a
   health check): extra CPU = the difference. The sessions are kept alive through the
   window (unused-session lifetime longer than it) and expire before the next round.
b. Abandoned sessions: N sessions open, receive an update and close; once the server has
   expired them, count what is left against the count before (``?debug=1`` status: the
   documents, pages, feeds/streams and session callbacks alive after a garbage
   collection; subscribers of the source).
c. Memory: each server streams at 20 Hz to 2 viewers while one more session opens and
   closes every 10 s; resident memory is sampled after a warm-up and at the end.

Source: a random walk, one row per tick, line view (livedash) and the same peer apps as
the fan-out benchmark.
"""
from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from . import procs
from .client import Viewer, close_all, open_viewers
from .config import Config
from .fanout import servers
from .report import Check, Table, figure, median

IDLE_PAGES = 20
MB = 1024 * 1024


# -- a. idle page loads -------------------------------------------------------------------
async def _get_pages(server: procs.ServerProc, count: int) -> None:
    viewers = [Viewer(server.url, server.app, ready=False) for _ in range(count)]
    gate = asyncio.Semaphore(4)

    async def one(viewer: Viewer) -> None:
        async with gate:
            await viewer.load()
    await asyncio.gather(*(one(v) for v in viewers))


async def _idle(cfg: Config, directory: Path) -> Table:
    window = cfg.seconds
    # sessions expire this long after their page load: through the measured window
    lifetime = window + 20.0
    contenders = servers(cfg, directory, 100, "idle", lifetime_ms=int(lifetime * 1000))
    procs.start_all(list(contenders.values()))
    rows: dict[str, list[dict[str, float]]] = {}
    try:
        # one page load each starts livedash's source; then wait for it to expire
        await asyncio.gather(*(_get_pages(s, 1) for s in contenders.values()))
        for server in contenders.values():
            await asyncio.to_thread(server.wait_sessions, 0, lifetime + 30)
        names = list(contenders)
        for round_ in range(cfg.rounds):
            order = names[round_ % len(names):] + names[:round_ % len(names)]
            await asyncio.sleep(3)  # past the clean-up of the sessions that just expired
            # every server's CPU is read over the same windows (each process's own time)
            base0 = {n: contenders[n].cpu() for n in order}
            await asyncio.sleep(window)
            base = {n: (contenders[n].cpu() - base0[n]) / window * 1000 for n in order}
            answer: dict[str, float] = {}
            for name in order:
                server = contenders[name]
                cpu = server.cpu()
                await _get_pages(server, IDLE_PAGES)
                answer[name] = (server.cpu() - cpu) / IDLE_PAGES * 1000
            await asyncio.sleep(0.5)
            idle0 = {n: contenders[n].cpu() for n in order}
            await asyncio.sleep(window)
            idle = {n: (contenders[n].cpu() - idle0[n]) / window * 1000 for n in order}
            for name in order:
                rows.setdefault(name, []).append({
                    "base": base[name], "idle": idle[name], "extra": idle[name] - base[name],
                    "answer": answer[name], "held": contenders[name].sessions()})
            for server in contenders.values():
                await asyncio.to_thread(server.wait_sessions, 0, lifetime + 30)
    finally:
        procs.stop_all(list(contenders.values()))
    table = Table(
        f"5a. {IDLE_PAGES} page loads that never open a websocket ({cfg.rounds} round(s) "
        f"of {window:g} s)",
        ["server", "no sessions ms/s", f"{IDLE_PAGES} idle ms/s", "extra ms/s", "x raw extra",
         "answer ms/page", "held", "target", "result"],
        note=("CPU of each server process in ms per second of wall time, all servers over "
              "the same windows; extra = idle - no sessions\n(the source ticks at 10 Hz "
              "throughout); held: sessions the server held at the end of the window."))
    raw = [r["extra"] for r in rows.get("raw Bokeh", [])]
    for name, items in rows.items():
        extra = [r["extra"] for r in items]
        x_raw = [a / b if b > 0 else float("nan") for a, b in zip(extra, raw)] if raw else []
        check = Check("extra <= 2 ms/s", median(extra) <= 2.0) if name == "livedash" else None
        table.add([name, figure([r["base"] for r in items]), figure([r["idle"] for r in items]),
                   figure(extra), figure(x_raw) if x_raw else "-",
                   figure([r["answer"] for r in items]),
                   figure([float(r["held"]) for r in items])], check, rounds=items)
    return table


# -- b. abandoned sessions ---------------------------------------------------------------
def _counts(server: procs.ServerProc) -> dict[str, int]:
    status = server.status(debug=True)
    out: dict[str, int] = {}
    if "dashboards" in status:
        out.update(status.get("process", {}))
        dash = next(iter(status["dashboards"].values()))
        out["sessions"] = int(dash.get("sessions", 0))
        out["subscribers"] = sum(int(s.get("listeners", 0)) for s in dash["sources"].values())
    else:
        out.update(status.get("process", {}))
        out["subscribers"] = int(status["subscribers"])
    return out


async def _session(server: procs.ServerProc, gate: asyncio.Semaphore) -> bool:
    """Open a session, wait for an update, close it; False when the server did not
    answer in time."""
    async with gate:
        viewer = Viewer(server.url, server.app)
        try:
            await viewer.open(timeout=30)
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and not any(p.ticks for p in viewer.patches):
                await asyncio.sleep(0.05)
            return True
        except Exception:  # noqa: BLE001 - a timeout, a refused or dropped connection
            return False
        finally:
            await viewer.close()


async def _churn(cfg: Config, directory: Path) -> Table:
    contenders = servers(cfg, directory, 100, "churn", lifetime_ms=1000)
    procs.start_all(list(contenders.values()))
    found: dict[str, dict[str, Any]] = {}
    try:
        for name, server in contenders.items():
            gate = asyncio.Semaphore(5)
            await _session(server, gate)  # starts the source; loads every lazy import
            await asyncio.to_thread(server.wait_sessions, 0, 60)
            before = _counts(server)
            rss0 = server.rss()
            began = time.monotonic()
            opened = await asyncio.gather(*(_session(server, gate)
                                            for _ in range(cfg.sessions_churn)))
            took = time.monotonic() - began
            expired = await asyncio.to_thread(server.wait_sessions, 0, 120)
            await asyncio.sleep(0.5 if cfg.quick else 2)
            after = _counts(server)
            found[name] = {"before": before, "after": after, "expired": expired, "took": took,
                           "rss": (server.rss() - rss0) / MB, "failed": opened.count(False)}
    finally:
        procs.stop_all(list(contenders.values()))
    table = Table(
        f"5b. what {cfg.sessions_churn} sessions leave behind once closed and expired",
        ["server", "documents", "sessions", "subscribers", "feeds / streams", "callbacks",
         "RSS +MB", "s/session", "failed", "target", "result"],
        note=("Left = alive after - alive before (after a garbage collection in the server). "
              "livedash: feeds = open Feed objects (all Feeds in parentheses); "
              "peers: streams = HoloViews Stream objects; failed: sessions that could not "
              "open within 30 s."))
    for name, item in found.items():
        b, a = item["before"], item["after"]
        left = {k: a.get(k, 0) - b.get(k, 0) for k in set(a) | set(b)}
        if "feeds" in a:
            streams = f"{left.get('open_feeds', 0)} ({left.get('feeds', 0)})"
        else:
            streams = str(left.get("streams", 0))
        check = None
        if name == "livedash":
            check = Check("nothing left", all(left.get(k, 0) <= 0 for k in (
                "documents", "sessions", "subscribers", "feeds", "open_feeds", "pages",
                "session_callbacks")) and item["expired"])
        table.add([name, str(left.get("documents", 0)),
                   str(left.get("sessions", left.get("subscribers", 0))),
                   str(left.get("subscribers", 0)), streams,
                   str(left.get("session_callbacks", 0)), f"{item['rss']:.1f}",
                   f"{item['took'] / max(1, cfg.sessions_churn):.2f}", str(item["failed"])],
                  check,
                  before=b, after=a)
    return table


# -- c. memory over time -----------------------------------------------------------------
async def _memory(cfg: Config, directory: Path) -> Table:
    minutes = cfg.memory_minutes
    warmup = 5.0 if cfg.quick else 60.0
    every = 2.0 if cfg.quick else 10.0
    # hvPlot cannot keep up with 20 Hz on a shared core (it resends the whole buffer on
    # every tick: see the fan-out benchmark) and would starve the others: raw Bokeh only.
    peers = Config(peers=tuple(p for p in cfg.peers if p == "raw"))
    contenders = servers(peers, directory, 50, "memory", lifetime_ms=1000)
    procs.start_all(list(contenders.values()))
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in contenders}
    viewers: list[Viewer] = []
    try:
        for server in contenders.values():
            viewers += await open_viewers(server.url, server.app, 2)
        await asyncio.sleep(warmup)
        start = time.monotonic()
        gate = asyncio.Semaphore(3)
        while True:
            now = time.monotonic() - start
            for name, server in contenders.items():
                samples[name].append((now / 60, server.rss()))
            if now >= minutes * 60:
                break
            await asyncio.gather(*(_session(s, gate) for s in contenders.values()))
            for viewer in viewers:
                viewer.reset()  # the viewers' own memory stays flat
            await asyncio.sleep(max(0.0, every - (time.monotonic() - start - now)))
    finally:
        await close_all(viewers)
        procs.stop_all(list(contenders.values()))
    table = Table(
        f"5c. resident memory over {minutes:g} min at 20 Hz (2 viewers, a session opened "
        f"and closed every {every:g} s, after {warmup:g} s of warm-up)",
        ["server", "RSS start MB", "RSS end MB", "growth MB", "slope MB/min",
         "max MB", "x raw growth", "target", "result"],
        note="slope: least-squares fit over the samples, one every "
             f"{every:g} s; growth = last - first sample.")
    raw = samples.get("raw Bokeh")
    raw_growth = (raw[-1][1] - raw[0][1]) / MB if raw else float("nan")
    for name, points in samples.items():
        t = np.array([p[0] for p in points])
        rss = np.array([p[1] for p in points]) / MB
        growth = float(rss[-1] - rss[0])
        slope = float(np.polyfit(t, rss, 1)[0]) if len(points) > 2 else float("nan")
        check = None
        if name == "livedash":
            check = Check(f"growth < 20 MB{'' if minutes >= 10 else ' (short run)'}",
                          growth < 20)
        table.add([name, f"{rss[0]:.1f}", f"{rss[-1]:.1f}", f"{growth:.1f}", f"{slope:.2f}",
                   f"{rss.max():.1f}",
                   f"{growth / raw_growth:.2f}" if raw and raw_growth > 0.5 else "-"], check,
                  minutes=t.tolist(), rss_mb=rss.tolist())
    return table


def run(cfg: Config) -> list[Table]:
    tables = []
    with tempfile.TemporaryDirectory(prefix="bench-sessions-") as tmp:
        for part in (_idle, _churn, _memory):
            if cfg.session_parts is None or part.__name__[1:] in cfg.session_parts:
                tables.append(asyncio.run(part(cfg, Path(tmp))).show())
    return tables
