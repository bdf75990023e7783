"""A page of streaming charts whose sources shrink and grow, served for the browser test.

Run as ``python view_browser_app.py PORT``. Each session applies twelve changes to its
charts (rows added, a window dropping more than arrives, a large drop) and reports the
server-side source lengths and sums, and what each renderer draws (its view's rows of
the source), in a Div named ``report``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import panel as pn
from bokeh.models import ColumnDataSource, Div
from bokeh.plotting import figure

from livedash.delta import Delta
from livedash.plugins import ViewContext
from livedash.spec.models import ViewSpec
from livedash.views.chart import Chart
from livedash.views.memo import Memo

TICKS = 12
CHANGES = [(10, 10), (5, 8), (5, 8), (0, 40), (10, 2), (5, 5)]  # (rows added, rows dropped)


def app() -> pn.viewable.Viewable:
    sys.path.insert(0, str(Path(__file__).parent))
    from view_pages import rows, visible

    memo, base = Memo(), rows(0, 100)
    views = {name: Chart(ViewSpec(data="src", kind=kind, y="a", by=by, backlog=backlog),
                         ViewContext(name, base, False), memo)
             for name, kind, by, backlog in (
                 ("line", "line", None, 1000), ("area", "area", "sensor", 1000),
                 ("step", "step", None, 1000),
                 # by groups sharing one source, which rolls over at 3 x 20 rows
                 ("line_by", "line", "sensor", 20), ("scatter_by", "scatter", "sensor", 20))}
    # raw Bokeh, streamed with a rollover below the current length (a shrink)
    raw = ColumnDataSource({"x": np.arange(100.0), "y": np.arange(100.0)}, name="raw")
    fig = figure(height=150)
    fig.line("x", "y", source=raw)
    state = {"data": base, "next": 100, "ticks": 0}
    report = Div(text="{}", name="report")

    def tick() -> None:
        added, dropped = CHANGES[state["ticks"] % len(CHANGES)]
        new, data = rows(state["next"], added), state["data"]
        state["next"] += added
        state["ticks"] += 1
        delta = Delta.rows(new, data.iloc[:dropped])
        state["data"] = pd.concat([data.iloc[dropped:], new])
        for view in views.values():
            view.apply(delta)
        size = len(raw.data["x"])
        raw.stream({"x": np.arange(size, size + 2.0), "y": np.arange(size, size + 2.0)},
                   rollover=size - 3)
        sources = {id(layer.source): layer.source.data["a"]
                   for view in views.values() for layer in view.built.layers}
        drawn = {f"{name}/{i}": visible(layer.renderer)["a"]
                 for name, view in views.items() for i, layer in enumerate(view.built.layers)}
        report.text = json.dumps({
            "sources": [[len(a), float(np.sum(a))] for a in sources.values()],
            "layers": {k: [len(a), float(np.sum(a))] for k, a in drawn.items()},
            "raw": len(raw.data["x"]), "ticks": state["ticks"]})

    pn.state.add_periodic_callback(tick, 200, count=TICKS)
    return pn.Column(*(v.panel for v in views.values()), pn.pane.Bokeh(fig),
                     pn.pane.Bokeh(report))


if __name__ == "__main__":
    pn.serve({"app": app}, port=int(sys.argv[1]), address="127.0.0.1", show=False,
             threaded=False, websocket_origin=f"127.0.0.1:{sys.argv[1]}")
