"""Benchmark 3: latency from source tick to browser paint, p50 and p95, headless Chromium.

The source ticks at 2 Hz; each row's ``time`` is the moment of its tick. In each
Chromium page a script notes when BokehJS applies a newer ``time`` value (the data
sources' change signals), then, on the next animation frame, posts a message that runs
once that frame is painted, and records ``Date.now() - time``: tick to paint, split into
tick to applied and applied to painted. Server and browser share the machine's clock.

Chromium may use every core (pinned to one, it paints 3 times slower); the server stays
on its own core. With N viewers, ``min(N, browsers)`` are Chromium pages, opened last
(so they are the last sessions served), and the others are protocol viewers
(:mod:`bench.client`): the server does the work of N sessions while the 2-core machine
renders only a few pages. Contenders as in the fan-out benchmark.
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

RATE = 2.0  # Hz
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 # every page is measured: none may be throttled as a background tab
                 "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                 "--disable-backgrounding-occluded-windows"]

WATCH_JS = """() => {
  // [tick, arrived, frame, painted] per new tick: arrived when BokehJS applied the data
  // (the data source's change/streaming signal), frame at the next animation frame,
  // painted once that frame is rendered (a message posted from requestAnimationFrame).
  window.__paints = [];
  const arrived = new Map(), watched = new WeakSet(), sources = [];
  const top = (m) => {
    const col = m.data.time, n = col.length;
    let t = -Infinity;
    for (let i = Math.max(0, n - 16); i < n; i++) if (col[i] > t) t = col[i];
    return t;
  };
  const find = () => {
    for (const doc of Bokeh.documents)
      for (const m of doc.all_models)
        if (m.data !== undefined && m.selected !== undefined && m.data.time !== undefined
            && !watched.has(m)) {
          watched.add(m);
          sources.push(m);
          const note = () => { const t = top(m); if (!arrived.has(t)) arrived.set(t, Date.now()); };
          m.connect(m.change, note);
          m.connect(m.streaming, note);
          m.connect(m.properties.data.change, note);
        }
  };
  const newest = () => {
    let t = -Infinity;
    for (const m of sources) t = Math.max(t, top(m));
    return t;
  };
  find();
  let last = newest();
  const channel = new MessageChannel();
  channel.port1.onmessage = (e) => {
    const [t, frame] = e.data;
    window.__paints.push([t, arrived.get(t) ?? frame, frame, Date.now()]);
    arrived.delete(t);
  };
  let frames = 0;
  const frame = () => {
    if (++frames % 30 === 0) find();
    const t = newest();
    if (t > last) { last = t; channel.port2.postMessage([t, Date.now()]); }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  return last;
}"""

READY_JS = """() => {
  if (typeof Bokeh === 'undefined' || !Bokeh.documents.length) return false;
  for (const m of Bokeh.documents[0].all_models)
    if (m.data !== undefined && m.selected !== undefined && m.data.time !== undefined
        && m.data.time.length) return true;
  return false;
}"""


async def open_page(context: Any, url: str, timeout: float = 60) -> Any:
    page = await context.new_page()
    await page.goto(url, wait_until="load", timeout=timeout * 1000)
    await page.wait_for_function(READY_JS, timeout=timeout * 1000, polling=100)
    await page.evaluate(WATCH_JS)
    return page


async def measure(context: Any, server: procs.ServerProc, count: int, browsers: int,
                  seconds: float) -> tuple[list[tuple[float, float, float]], list[float]]:
    """(tick to paint, tick to data applied, applied to paint) in ms for each tick in
    each Chromium page; tick to receipt at the protocol viewers."""
    pages: list[Any] = []
    viewers: list[Viewer] = []
    try:
        viewers = await open_viewers(server.url, server.app, count - browsers)
        for _ in range(browsers):
            pages.append(await open_page(context, server.url + server.app))
        await asyncio.sleep(1.0)
        for viewer in viewers:
            viewer.reset()
        for page in pages:
            await page.evaluate("() => { window.__paints = []; }")
        t0 = time.time() * 1000
        await asyncio.sleep(seconds)
        t1 = time.time() * 1000
        await asyncio.sleep(1.0)
        paints: list[tuple[float, float, float]] = []
        for page in pages:
            for tick, arrived, _frame, painted in await page.evaluate("() => window.__paints"):
                if t0 <= tick < t1:
                    paints.append((painted - tick, arrived - tick, painted - arrived))
        receipts = [p.at * 1000 - t for v in viewers for p in v.patches for t in p.ticks
                    if t0 <= t < t1]
        return paints, receipts
    finally:
        for page in pages:
            await page.close()
        await close_all(viewers)


async def _run(cfg: Config) -> dict[tuple[str, int], list[dict[str, float]]]:
    from playwright.async_api import async_playwright
    out: dict[tuple[str, int], list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        contenders = servers(cfg, Path(tmp), int(1000 / RATE), "latency")
        procs.start_all(list(contenders.values()))
        try:
            # Chromium renders in several processes (renderer, compositor, viz): squeezed
            # onto one core with the viewers, painting a frame takes 3 times longer. It
            # gets every core; the server stays pinned to its own.
            procs.unpin()
            async with async_playwright() as pw:
                context = await pw.chromium.launch_persistent_context(
                    str(Path(tmp) / "profile"), executable_path=CHROMIUM, headless=True,
                    args=CHROMIUM_ARGS, viewport={"width": 1000, "height": 700})
                procs.pin_clients()
                try:
                    names = list(contenders)
                    for round_ in range(cfg.rounds):
                        order = names[round_ % len(names):] + names[:round_ % len(names)]
                        for count in sorted(cfg.latency_viewers):
                            for name in order:
                                server = contenders[name]
                                paints, receipts = await measure(
                                    context, server, count, min(count, cfg.browsers),
                                    cfg.seconds)
                                total = [p[0] for p in paints]
                                out.setdefault((name, count), []).append({
                                    "p50": _pct(total, 50), "p95": _pct(total, 95),
                                    "samples": len(paints),
                                    "applied_p50": _pct([p[1] for p in paints], 50),
                                    "applied_p95": _pct([p[1] for p in paints], 95),
                                    "render_p50": _pct([p[2] for p in paints], 50),
                                    "render_p95": _pct([p[2] for p in paints], 95),
                                    "ws_p95": _pct(receipts, 95)})
                                await asyncio.to_thread(server.wait_sessions, 0, 60)
                finally:
                    await context.close()
        finally:
            procs.stop_all(list(contenders.values()))
    return out


def _pair(rows: list[dict[str, float]], key: str) -> str:
    from .report import number
    return (f"{number(median([r[key + '_p50'] for r in rows]))}/"
            f"{number(median([r[key + '_p95'] for r in rows]))}")


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def run(cfg: Config) -> list[Table]:
    results = asyncio.run(_run(cfg))
    table = Table(
        f"3. latency, source tick to browser paint, source at {RATE:g} Hz "
        f"({cfg.rounds} round(s) of {cfg.seconds:g} s)",
        ["viewers", "server", "paint p50 ms", "paint p95 ms", "x raw p95", "samples",
         "applied p50/p95", "render p50/p95", "ws receipt p95", "target", "result"],
        note=(f"Chromium pages per run: min(viewers, {cfg.browsers}), opened after the "
              "protocol viewers. Paint = applied (tick until BokehJS holds the data) + "
              "render (until that frame is painted);\nws receipt: tick to websocket "
              "receipt at the protocol viewers (no browser)."))
    names = sorted({name for name, _ in results},
                   key=lambda n: (n != "livedash", n != "raw Bokeh", n))
    for count in sorted(cfg.latency_viewers):
        raw = [r["p95"] for r in results.get(("raw Bokeh", count), [])]
        for name in names:
            rows = results.get((name, count), [])
            if not rows:
                continue
            p95 = [r["p95"] for r in rows]
            x_raw = [a / b if b else float("nan") for a, b in zip(p95, raw)] if raw else []
            check = None
            if name == "livedash" and count >= 20:
                check = Check("p95 <= 50 ms", median(p95) <= 50)
            table.add([str(count), name, figure([r["p50"] for r in rows]), figure(p95),
                       figure(x_raw) if x_raw else "-",
                       str(int(sum(r["samples"] for r in rows))),
                       _pair(rows, "applied"), _pair(rows, "render"),
                       figure([r["ws_p95"] for r in rows])], check, runs=rows)
    return [table]
