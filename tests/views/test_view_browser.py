"""In Chromium, the charts' sources hold what the server holds after every kind of change,
and every line draws the rows of its own group.

Raw ``cds.stream`` with a rollover below the current length leaves the browser with more
rows than the server (BokehJS keeps the typed array's length); livedash never sends that.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]
SOURCES = """() => { const out = {};
  for (const m of Bokeh.documents[0].all_models) {
    if (m.type !== "ColumnDataSource") continue;
    const a = m.data instanceof Map ? m.data.get("a") : m.data["a"];
    if (a === undefined) continue;
    let sum = 0; for (const v of a) sum += v;
    (out[a.length] ??= []).push(sum); }
  return out; }"""
REPORT = """() => { const d = Bokeh.documents[0]; if (!d) return null;
  for (const m of d.all_models) if (m.name === "report") return m.text; return null; }"""
RAW = """() => { for (const m of Bokeh.documents[0].all_models)
  if (m.name === "raw") return (m.data instanceof Map ? m.data.get("x") : m.data.x).length; }"""
# What each renderer's glyph draws: its rows (after its view's filter), and their sum
DRAWN = """() => { const out = [];
  for (const v of Bokeh.index.all_views()) {
    if (v.model.type !== "GlyphRenderer" || v.plot_view.model.title.text === "") continue;
    const g = v.glyph, y = g.y ?? g.y2; let sum = 0; for (const a of y) sum += a;
    const source = v.model.data_source;
    out.push([v.plot_view.model.title.text, v.model.name, g.data_size, sum, source.id,
              source.get_length()]); }
  return out; }"""
# Screen position, x and y of the `i`-th point drawn by the renderer `name` of chart `title`
POINT = """([title, name, i]) => {
  for (const v of Bokeh.index.all_views()) {
    if (v.model.type !== "GlyphRenderer" || v.model.name !== name
        || v.plot_view.model.title.text !== title) continue;
    const el = v.plot_view.canvas_view.el; el.scrollIntoView({block: "center"});
    const box = el.getBoundingClientRect(), g = v.glyph, k = i < 0 ? g.data_size + i : i;
    return {sx: box.left + g.sx[k], sy: box.top + g.sy[k], x: g.x[k], y: g.y[k]}; }
  return null; }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception:  # noqa: BLE001 - not up yet: try again until the deadline
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"not ready after {seconds} s")


@pytest.fixture
def server():
    port = free_port()
    app = Path(__file__).with_name("view_browser_app.py")
    proc = subprocess.Popen([sys.executable, str(app), str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/app",
                                                  timeout=2).status == 200, 30)
        yield f"http://127.0.0.1:{port}/app"
    finally:
        proc.terminate()
        proc.wait(10)


def test_browser_holds_what_the_server_holds(server, chromium):
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server)
    wait_until(lambda: (t := page.evaluate(REPORT)) and json.loads(t).get("ticks") == 12, 30)
    time.sleep(0.5)  # the last change's message
    report = json.loads(page.evaluate(REPORT))
    seen, raw, drawn = page.evaluate(SOURCES), page.evaluate(RAW), page.evaluate(DRAWN)
    try:
        tooltips = {(title, name): hover(page, title, name)
                    for title in ("line_by", "scatter_by") for name in ("s1", "s2", "s3")}
    finally:
        page.close()
    assert errors == []
    for length, total in report["sources"]:
        assert any(abs(s - total) < 1e-6 for s in seen.get(str(length), [])), (length, total)
    # line, three areas (a source per sensor), step; lines and markers by sensor
    assert len(report["layers"]) == 11
    for key, (length, total) in report["layers"].items():
        title = key.split("/")[0]
        assert any(t == title and n == length and abs(s - total) < 1e-6
                   for t, _, n, s, *_ in drawn), key
    for title in ("line_by", "scatter_by"):  # one source, each of its rows drawn once
        mine = [row for row in drawn if row[0] == title]
        assert len(mine) == 3 and len({row[4] for row in mine}) == 1
        assert sum(row[2] for row in mine) == mine[0][5]
    for (title, name), (point, texts) in tooltips.items():
        when = pd.Timestamp(point["x"], unit="ms").strftime("%Y-%m-%d %H:%M:%S")
        want = f"sensor:\t{name}\ntime:\t{when}\na:\t{point['y']:.3f}"
        assert want in texts, (title, name, texts)
    print(f"\nraw cds.stream with a shrinking rollover: server {report['raw']} rows, "
          f"browser {raw} rows")


def hover(page, title: str, name: str) -> tuple[dict, list[str]]:
    """The tooltips shown with the mouse on the third-last point of a group's renderer."""
    page.mouse.move(1, 1)
    page.evaluate(POINT, [title, name, -3])  # scrolls the chart into view
    time.sleep(0.3)
    point = page.evaluate(POINT, [title, name, -3])
    page.mouse.move(point["sx"] + 1, point["sy"] + 1)
    tips = page.locator(".bk-tooltip-content")
    wait_until(lambda: tips.count() > 0, 5)
    return point, [tips.nth(i).inner_text() for i in range(tips.count())]
