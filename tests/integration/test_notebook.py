"""A notebook executed with nbclient renders a live dashboard."""
from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from tests.integration.examples import ROOT


def test_a_notebook_renders_a_dashboard(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import panel as pn\npn.extension()"),
        nbformat.v4.new_code_cell(
            "import time, livedash\n"
            f"dash = livedash.load({str(ROOT / 'dashboards' / 'random_walk.yaml')!r})\n"
            "dash"),
        nbformat.v4.new_code_cell(
            "time.sleep(1.0)\nn = len(dash.data('walk'))\nprint('rows', n)\nassert n > 5"),
    ]
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = nb.cells[1].outputs
    kinds = {key for out in outputs for key in out.get("data", {})}
    assert "application/vnd.holoviews_exec.v0+json" in kinds, outputs
    html = "".join(out["data"].get("text/html", "") for out in outputs if "data" in out)
    assert "Random walk" in html or "bokeh" in html.lower()
    printed = "".join(o.get("text", "") for o in nb.cells[2].outputs)
    assert "rows" in printed
