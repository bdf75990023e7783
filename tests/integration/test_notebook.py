"""A notebook executed with nbclient renders a live dashboard that keeps updating."""
from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from tests.integration.examples import ROOT

ROWS = """
from bokeh.models import ColumnDataSource
def rows(layout):
    root = next(iter(layout._models.values()))[0]
    return [(k, len(v), str(v[-1])) for m in root.references()
            if isinstance(m, ColumnDataSource) for k, v in sorted(m.data.items()) if len(v)]
"""


def test_a_notebook_renders_a_dashboard_that_keeps_updating(tmp_path):
    nb = nbformat.v4.new_notebook()
    walk = str(ROOT / "dashboards" / "random_walk.yaml")
    nb.cells = [
        nbformat.v4.new_code_cell("import asyncio, panel as pn, livedash\npn.extension()"),
        nbformat.v4.new_code_cell(f"dash = livedash.load({walk!r})\ndash"),
        nbformat.v4.new_code_cell(ROWS + f"layout = livedash.load({walk!r}).panel()\nlayout"),
        nbformat.v4.new_code_cell("before = rows(layout)\nawait asyncio.sleep(2)\n"
                                  "after = rows(layout)\nprint('rows', before, after)\n"
                                  "assert before and after != before, (before, after)\n"
                                  "print('data', len(dash.data('walk')))"),
    ]
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    kinds = {key for out in nb.cells[1].outputs for key in out.get("data", {})}
    assert "application/vnd.holoviews_exec.v0+json" in kinds, nb.cells[1].outputs
    printed = "".join(o.get("text", "") for o in nb.cells[3].outputs)
    assert "rows" in printed and "data" in printed, nb.cells[3].outputs
