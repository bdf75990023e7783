"""Benchmark 1: bytes on the wire per update, for each view kind.

Each view kind gets a dashboard of its own: a periodic source whose first tick fills the
view (1,000 or 10,000 rows) and whose every later tick adds 10 rows. One protocol viewer
per dashboard records the ``PATCH-DOC`` messages it receives; the messages that arrive
together after a tick make one update. The peers are computed with Bokeh's own protocol
code on the same columns (what a Bokeh server writes for them): the floor is one
``ColumnDataSource.stream`` of the 10 rows (with the ``by`` column for overlays: one
source, the cheapest a raw Bokeh app can send), and full replacement is
``cds.data = <every row>``.
"""
from __future__ import annotations

import asyncio
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from bokeh.document import Document
from bokeh.document.events import DocumentChangedEvent
from bokeh.models import ColumnDataSource, Range1d
from bokeh.protocol import Protocol

from . import dashboards, procs
from .client import Patch, Viewer
from .config import Config
from .report import Check, Table, figure, median, ratios

BATCH = 10
SERIES = ("line", "scatter", "step", "area", "line_by", "scatter_by")
"""Time-series kinds: the 1.5 x floor target applies to these."""
GAP = 0.25  # seconds of silence that end one update


def message_bytes(event: DocumentChangedEvent) -> int:
    """Payload bytes of the ``PATCH-DOC`` a Bokeh server sends for ``event`` (one message
    per event): header, metadata, content, and each buffer with its header frame."""
    msg = Protocol().create("PATCH-DOC", [event])
    size = len(msg.header_json) + len(msg.metadata_json) + len(msg.content_json.encode())
    for buffer in msg.buffers:
        size += len(f'{{"id":"{buffer.id}"}}') + len(buffer.to_bytes())
    return size


def columns(kind: str, n: int, start: int = 0) -> dict[str, Any]:
    """``n`` rows as a raw Bokeh app would hold them: the time, the value, and the group
    for overlays (the same dtypes as the livedash source's rows)."""
    time = np.datetime64("2026-01-01T00:00:00", "ns") + np.arange(start, start + n).astype(
        "timedelta64[ms]")
    out: dict[str, Any] = {"time": time, "value": np.random.default_rng(start).normal(size=n)}
    if kind.endswith("_by"):
        out["group"] = np.array(["a", "b", "c"], dtype=object)[np.arange(start, start + n) % 3]
    return out


def per_group(kind: str, n: int) -> int:
    """Bytes when a raw Bokeh app keeps one source per ``by`` group (one line each) and
    streams each group's share of the rows: one message per group."""
    doc = Document()
    events: list[DocumentChangedEvent] = []
    new = columns(kind, BATCH, n)
    old = columns(kind, n)
    sources = {}
    for group in ("a", "b", "c"):
        keep = old["group"] == group
        sources[group] = ColumnDataSource({"time": old["time"][keep], "value": old["value"][keep]})
        doc.add_root(sources[group])
    doc.on_change(events.append)
    for group, cds in sources.items():
        take = new["group"] == group
        cds.stream({"time": new["time"][take], "value": new["value"][take]},
                   rollover=int((old["group"] == group).sum()))
    return sum(map(message_bytes, events))


def peers(kind: str, n: int) -> tuple[int, int | None]:
    """(floor, full replacement) bytes for ``BATCH`` new rows into an ``n``-row view."""
    doc = Document()
    events: list[DocumentChangedEvent] = []
    if kind in ("number", "gauge"):
        # The least a raw Bokeh app can send to change a shown value: one float property.
        model = Range1d(start=0, end=1)
        doc.add_root(model)
        doc.on_change(events.append)
        model.start = 0.123456789
        return sum(map(message_bytes, events)), None
    cds = ColumnDataSource(columns(kind, n))
    doc.add_root(cds)
    doc.on_change(events.append)
    cds.stream(columns(kind, BATCH, n), rollover=n)
    floor = sum(map(message_bytes, events))
    events.clear()
    cds.data = columns(kind, n, BATCH)
    return floor, sum(map(message_bytes, events))


def updates(patches: list[Patch]) -> list[list[Patch]]:
    """Patches grouped into updates: those arriving within ``GAP`` of the previous one."""
    groups: list[list[Patch]] = []
    for patch in patches:
        if groups and patch.at - groups[-1][-1].at < GAP:
            groups[-1].append(patch)
        else:
            groups.append([patch])
    return groups


async def _measure(cfg: Config, directory: Path, interval_ms: int) -> dict[tuple[str, int],
                                                                            list[list[Patch]]]:
    files = {(kind, rows): dashboards.wire(directory, kind, rows, interval_ms)
             for rows in cfg.wire_rows for kind in kinds(cfg)}
    server = procs.livedash("livedash", list(files.values()), "/", directory)
    procs.start_all([server])
    viewers: dict[tuple[str, int], Viewer] = {}
    try:
        for key, path in files.items():
            viewers[key] = await Viewer(server.url, "/" + path.stem).open()
        # two updates to settle (the first one may catch up on rows missed while loading)
        await asyncio.sleep(2 * interval_ms / 1000)
        for viewer in viewers.values():
            viewer.reset()
        await asyncio.sleep(cfg.wire_updates * interval_ms / 1000 + 0.5)
        return {key: updates(v.patches)[:cfg.wire_updates] for key, v in viewers.items()}
    finally:
        for viewer in viewers.values():
            await viewer.close()
        server.stop()


def kinds(cfg: Config) -> list[str]:
    return [k for k in dashboards.WIRE_KINDS if cfg.wire_kinds is None or k in cfg.wire_kinds]


def run(cfg: Config) -> list[Table]:
    interval_ms = 500 if cfg.quick else 1000
    with tempfile.TemporaryDirectory(prefix="bench-wire-") as tmp:
        measured = asyncio.run(_measure(cfg, Path(tmp), interval_ms))
    tables = []
    for rows in cfg.wire_rows:
        table = Table(
            f"1. wire bytes per update: {BATCH} new rows into a {rows:,}-row view",
            ["view", "livedash B", "raw stream B", "full B", "x raw", "x full", "msgs",
             "replaced", "target", "result"],
            note=("livedash: median [min-max] over the updates received (msgs: PATCH-DOC "
                  "messages per update; replaced: data sources resent whole).\n"
                  "Peers: Bokeh's own PATCH-DOC for one cds.stream of the same rows (floor; "
                  "with the group column for by=) and for cds.data = every row (full)."))
        notes = []
        for kind in kinds(cfg):
            groups = measured[(kind, rows)]
            sizes = [float(sum(p.nbytes for p in g)) for g in groups]
            msgs = [float(len(g)) for g in groups]
            replaced = sum(p.replaced for g in groups for p in g)
            floor, full = peers(kind, rows)
            x_floor = ratios(sizes, [floor] * len(sizes))
            x_full = ratios(sizes, [full] * len(sizes)) if full else []
            if not groups:
                check = Check("updates arrive", False)
            elif kind in SERIES:
                check = Check("<= 1.5 x raw, none replaced",
                              median(x_floor) <= 1.5 and max(x_floor) <= 1.5 and not replaced)
            else:
                check = Check("none replaced", not replaced)
            table.add([kind, figure(sizes, digits=4), f"{floor:,}",
                       f"{full:,}" if full else "n/a", figure(x_floor, digits=3),
                       figure(x_full, digits=2) if x_full else "n/a", figure(msgs),
                       str(replaced)], check,
                      bytes=sizes, floor=floor, full=full, messages=msgs, replaced=replaced,
                      kinds=[dict(sum((p.kinds for p in g), start=Counter()))
                             for g in groups])
            if kind.endswith("_by"):
                group_bytes = per_group(kind, rows)
                notes.append(f"{kind}: a raw Bokeh app with one source per group sends "
                             f"{group_bytes:,} B (x{median(sizes) / group_bytes:.2f} for "
                             "livedash)")
        if notes:
            table.note += "\n" + "\n".join(notes)
        tables.append(table)
    return tables


def describe_kinds(table: Table) -> str:
    """The event kinds seen per update, for the report's notes."""
    lines = []
    for item in table.data:
        kinds = item.get("kinds") or []
        if kinds:
            lines.append(f"  {item['row']}: {kinds[0]}")
    return "\n".join(lines)

