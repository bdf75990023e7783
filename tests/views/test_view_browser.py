"""In Chromium, the charts' sources hold what the server holds after every kind of change.

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
    seen, raw = page.evaluate(SOURCES), page.evaluate(RAW)
    page.close()
    assert errors == []
    layers = {k: v for k, v in report.items() if "/" in k}
    assert len(layers) == 5  # line, three areas (one per sensor), step
    for name, (length, total) in layers.items():
        assert any(abs(s - total) < 1e-6 for s in seen.get(str(length), [])), name
    print(f"\nraw cds.stream with a shrinking rollover: server {report['raw']} rows, "
          f"browser {raw} rows")
