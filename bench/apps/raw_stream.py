"""The floor: a plain Bokeh server app streaming each tick into every session's
``ColumnDataSource`` with ``cds.stream(row, rollover)``.

``python -m bench.apps.raw_stream --port 5010 [--interval 0.1] [--backlog 1000]`` serves
``/raw``. One process-level timer makes the rows; each session gets them on its own
thread through ``doc.add_next_tick_callback``. No Panel, no HoloViews.
"""
from __future__ import annotations

from functools import partial

from bokeh.application import Application
from bokeh.application.handlers.function import FunctionHandler
from bokeh.document import Document
from bokeh.models import ColumnDataSource
from bokeh.plotting import figure
from bokeh.server.server import Server

from .common import StatusHandler, Ticker, arguments


def columns(frame):  # noqa: ANN001, ANN201 - DataFrame -> dict of numpy columns
    return {"time": frame["time"].to_numpy(), "value": frame["value"].to_numpy()}


def session(ticker: Ticker, backlog: int, doc: Document) -> None:
    cds = ColumnDataSource(columns(ticker.frame()))
    fig = figure(title="raw Bokeh cds.stream", x_axis_type="datetime", height=300,
                 sizing_mode="stretch_width")
    fig.line("time", "value", source=cds)
    doc.add_root(fig)
    ticker.subscribe(doc, lambda row: cds.stream(row, rollover=backlog))


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    ticker = Ticker(args.interval, args.backlog, convert=columns).start()
    app = Application(FunctionHandler(partial(session, ticker, args.backlog)))
    server = Server({"/raw": app}, port=args.port, address="127.0.0.1",
                    allow_websocket_origin=[f"127.0.0.1:{args.port}"],
                    check_unused_sessions_milliseconds=args.check_unused_sessions,
                    unused_session_lifetime_milliseconds=args.unused_session_lifetime,
                    extra_patterns=[(r"/bench/status/?", StatusHandler, {"ticker": ticker})])
    server.start()
    server.io_loop.start()


if __name__ == "__main__":
    main()
