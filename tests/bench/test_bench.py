"""``python -m bench`` runs: every benchmark in its smallest form, no timing asserted."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, ROOT

SMALL = ["--quick", "--viewers", "1", "--latency-viewers", "1",
         "--seconds", "1", "--kinds", "line,line_by,table", "--batches", "10",
         "--budget", "0.005", "--keep-up", "none", "--sessions", "3", "--parts", "churn"]


def bench(tmp_path: Path, *args: str, timeout: float = 120) -> list[dict]:
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "-m", "bench", *args, *SMALL, "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "== targets:" in proc.stdout
    return json.loads(out.read_text())


def titles(tables: list[dict]) -> list[str]:
    return [t["title"].split(" ", 1)[0] for t in tables]


@pytest.mark.server
def test_wire_fanout_and_aggregation_run_with_every_peer(tmp_path):
    tables = bench(tmp_path, "wire", "fanout", "aggregation", "--peers", "raw,hvplot")
    assert titles(tables) == ["1.", "2.", "4.", "4.", "4b."]
    wire = tables[0]
    assert [r[0] for r in wire["rows"]] == ["line", "line_by", "table"]
    assert all(item["bytes"] for item in wire["data"]), "every view received updates"
    fanout = tables[1]
    assert {r[1] for r in fanout["rows"]} == {"livedash", "raw Bokeh", "hvPlot Buffer"}
    for table in tables:
        assert all(check["ok"] in (True, False, None) for check in table["checks"])
    for table in tables[2:]:  # aggregation: results checked against pandas on every row
        columns = table["columns"]
        for row in table["rows"]:
            assert row[columns.index("equal")] == "yes", row
            assert row[columns.index("floor rows/s")] != "NOT EQUAL", row


@pytest.mark.browser
@pytest.mark.server
def test_latency_and_sessions_run(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash dev.sh test`, which installs it")
    tables = bench(tmp_path, "latency", "sessions", "--peers", "none")
    assert titles(tables) == ["3.", "5b."]
    assert all(item["runs"][0]["samples"] > 0 for item in tables[0]["data"])
    assert tables[1]["rows"][0][0] == "livedash"
