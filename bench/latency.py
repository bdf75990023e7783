"""Benchmark 3: latency from source tick to browser paint, p50 and p95, headless Chromium.

The source ticks at 2 Hz; each row's ``time`` is the moment of its tick. In each
Chromium page a script notes when BokehJS applies a newer ``time`` value (the data
sources' change signals), asks for the next animation frame and, from it, posts a message
that runs once that frame is painted, and records ``Date.now() - time``: tick to paint,
split into tick to applied and applied to painted. Server and browser share the
machine's clock. The page asks for a frame only when a tick arrives, as an idle
dashboard would: a script that asked for every frame kept each page drawing 60 frames a
second, on the CPUs that the server and the other pages need.

Each page is opened in a browser context of its own, hence a window of its own, as the
pages of separate viewers are (tabs of one window wait for that window's frames).
Chromium may use every core (pinned to one, it paints 3 times slower); the server stays
on its own core. With N viewers, ``min(N, browsers)`` are Chromium pages (1 by default),
opened last, and the others are protocol viewers (:mod:`bench.client`): the server does
the work of N sessions, and the page shows what one viewer among N sees. The protocol
viewers stand for other people's browsers on other machines: they keep each frame as it
arrives and read it after the window, so that they take no CPU from the page when a
tick arrives. More pages measure this 2-core machine painting several charts at once
(each costs Chromium 30 ms of CPU a tick) more than the server: ``--browsers 4``. A
Bokeh server serves its sessions in the order they connected, so the peers serve the
pages last; livedash starts each tick one session further. Contenders as in the fan-out
benchmark.

Each window lasts twice ``--seconds`` (20 s: 40 ticks a page), so that a p95 is not
merely the second largest of 20 values.
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
LONGER = 2  # a window lasts LONGER x cfg.seconds (see the module's notes)
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1000, "height": 700}
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
  // The frame is asked for only when a tick arrives: a page that asked for every frame
  // would keep Chromium drawing 60 frames a second in every page, on the CPUs that the
  // server and the other pages need (a dashboard that shows nothing new draws nothing).
  window.__paints = [];
  const watched = new WeakSet();
  const top = (m) => {
    const col = m.data.time, n = col.length;
    let t = -Infinity;
    for (let i = Math.max(0, n - 16); i < n; i++) if (col[i] > t) t = col[i];
    return t;
  };
  const channel = new MessageChannel();
  channel.port1.onmessage = (e) => {
    const [t, arrived, frame] = e.data;
    window.__paints.push([t, arrived, frame, Date.now()]);
  };
  let last = -Infinity, waiting = null;  // [tick, arrived] waiting for its frame
  const frame = () => {
    const [t, arrived] = waiting;
    waiting = null;
    channel.port2.postMessage([t, arrived, Date.now()]);
  };
  const note = (m) => {
    const t = top(m);
    if (!(t > last)) return;
    last = t;
    if (waiting === null) requestAnimationFrame(frame);
    waiting = [t, Date.now()];  // the newest tick is the one that frame shows
  };
  const find = () => {
    for (const doc of Bokeh.documents)
      for (const m of doc.all_models)
        if (m.data !== undefined && m.selected !== undefined && m.data.time !== undefined
            && !watched.has(m)) {
          watched.add(m);
          last = Math.max(last, top(m));
          const seen = () => note(m);
          m.connect(m.change, seen);
          m.connect(m.streaming, seen);
          m.connect(m.properties.data.change, seen);
        }
  };
  find();
  setInterval(find, 500);  // a chart drawn again has new data sources
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


async def measure(browser: Any, server: procs.ServerProc, count: int, browsers: int,
                  seconds: float) -> tuple[list[tuple[float, float, float]], list[float]]:
    """(tick to paint, tick to data applied, applied to paint) in ms for each tick in
    each Chromium page; tick to receipt at the protocol viewers."""
    contexts: list[Any] = []
    pages: list[Any] = []
    viewers: list[Viewer] = []
    try:
        viewers = await open_viewers(server.url, server.app, count - browsers, defer=True)
        for _ in range(browsers):
            # Each page in a context of its own, hence a window of its own, as separate
            # viewers have: tabs of one window share that window's frames, and a page
            # then waited tens of milliseconds for a frame (applied -> frame p50 46 ms
            # with 4 tabs, 3 ms with 4 windows).
            contexts.append(await browser.new_context(viewport=VIEWPORT))
            pages.append(await open_page(contexts[-1], server.url + server.app))
        await asyncio.sleep(1.0)
        for viewer in viewers:
            viewer.reset()
        for page in pages:
            await page.evaluate("() => { window.__paints = []; }")
        t0 = time.time() * 1000
        await asyncio.sleep(seconds)
        t1 = time.time() * 1000
        await asyncio.sleep(1.0)
        for viewer in viewers:
            await viewer.settle()
        paints: list[tuple[float, float, float]] = []
        for page in pages:
            for tick, arrived, _frame, painted in await page.evaluate("() => window.__paints"):
                if t0 <= tick < t1:
                    paints.append((painted - tick, arrived - tick, painted - arrived))
        receipts = [p.at * 1000 - t for v in viewers for p in v.patches for t in p.ticks
                    if t0 <= t < t1]
        return paints, receipts
    finally:
        for context in contexts:
            await context.close()
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
                browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                   args=CHROMIUM_ARGS)
                procs.pin_clients()
                try:
                    names = list(contenders)
                    for round_ in range(cfg.rounds):
                        order = names[round_ % len(names):] + names[:round_ % len(names)]
                        for count in sorted(cfg.latency_viewers):
                            for name in order:
                                server = contenders[name]
                                paints, receipts = await measure(
                                    browser, server, count, min(count, cfg.browsers),
                                    cfg.seconds * LONGER)
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
                    await browser.close()
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
        f"({cfg.rounds} round(s) of {cfg.seconds * LONGER:g} s)",
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
