"""The usual HoloViz way: hvPlot over a HoloViews ``Buffer`` per session, on Panel.

``python -m bench.apps.hvplot_buffer --port 5011 [--interval 0.1] [--backlog 1000]``
serves ``/hvplot``. One process-level timer makes the rows; each session's Buffer gets
them on the session's thread (``doc.add_next_tick_callback`` with Panel's current
document set: FIELD-NOTES, panel PR 8137). Buffers are per session because a shared
one updates one session only.
"""
from __future__ import annotations

import holoviews as hv
import hvplot.pandas  # noqa: F401 - registers .hvplot
import pandas as pd
import panel as pn
from bokeh.document import Document
from holoviews.streams import Buffer
from panel.io.state import set_curdoc

from .common import StatusHandler, Ticker, arguments


def feeder(doc: Document, buffer: Buffer):  # noqa: ANN201
    def send(row: pd.DataFrame) -> None:
        with set_curdoc(doc):
            buffer.send(row)
    return send


def app(ticker: Ticker, backlog: int, holoviews: bool = False) -> pn.viewable.Viewable:
    buffer = Buffer(ticker.frame(), length=backlog, index=False)
    if holoviews:
        # HoloViews' own streaming path: the element's data is Buffer.data itself.
        plot = hv.DynamicMap(lambda data: hv.Curve(data, "time", "value").opts(
            responsive=True, height=300, title="HoloViews over a Buffer"), streams=[buffer])
    else:
        # hvPlot copies the data it is given, so HoloViews resends the whole buffer.
        plot = buffer.data.hvplot.line(x="time", y="value", stream=buffer, responsive=True,
                                       height=300, title="hvPlot over a Buffer")
    pane = pn.pane.HoloViews(plot, sizing_mode="stretch_width")
    doc = pn.state.curdoc
    if doc is not None and doc.session_context is not None:
        ticker.subscribe(doc, feeder(doc, buffer))
    return pane


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    hv.extension("bokeh", logo=False)
    ticker = Ticker(args.interval, args.backlog).start()
    pn.serve({"hvplot": lambda: app(ticker, args.backlog, args.holoviews)}, port=args.port,
             address="127.0.0.1", websocket_origin=[f"127.0.0.1:{args.port}"], show=False,
             start=True, title="hvplot",
             check_unused_sessions_milliseconds=args.check_unused_sessions,
             unused_session_lifetime_milliseconds=args.unused_session_lifetime,
             extra_patterns=[(r"/bench/status/?", StatusHandler, {"ticker": ticker})])


if __name__ == "__main__":
    main()
