"""New rows are encoded once per tick for every session, and each session gets a message
that Bokeh reads as the one it would have written (a small stream's columns inline)."""
from __future__ import annotations

import asyncio
import base64
import gzip
import json
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from bokeh.document import Document
from bokeh.models import ColumnDataSource
from bokeh.protocol import Protocol
from bokeh.protocol.receiver import Receiver

from bench.client import Viewer, close_all
from livedash.serving.broadcast import INLINE_BYTES, Broadcast, leading_streams
from tests.conftest import Server, wait_for


def _source(doc: Document) -> ColumnDataSource:
    cds = ColumnDataSource({
        "time": np.array(["2026-01-01T00:00:00", "2026-01-01T00:00:01"], dtype="M8[ns]"),
        "value": np.array([1.5, np.nan]), "count": np.array([1, 2]), "label": ["a", "b"]})
    doc.add_root(cds)
    return cds


NEW = {"time": np.array(["2026-01-01T00:00:02"], dtype="M8[ns]"),
       "value": np.array([2.5]), "count": np.array([3]), "label": ["c"]}
NUMBERS = {k: v for k, v in NEW.items() if k != "label"}


def _held(*streams: tuple[ColumnDataSource, dict[str, Any], int]) -> list[Any]:
    doc = streams[0][0].document
    doc.hold("collect")
    for cds, new, rollover in streams:
        cds.stream(new, rollover=rollover)
    return list(doc.callbacks._held_events)


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """``asyncio.run(coroutine)`` on a thread of its own: a browser test before this one
    may leave its event loop running on this thread, where asyncio.run() refuses."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _read(frames: list[str | bytes]) -> Any:
    """The message the frames make, read by Bokeh's own receiver (as BokehJS would)."""
    async def read() -> Any:
        receiver = Receiver(Protocol())
        message = None
        for frame in frames:
            message = await receiver.consume(frame)
        return message
    message = _run(read())
    assert message is not None and message.msgtype == "PATCH-DOC"
    return message


def _bokeh_frames(events: list[Any]) -> list[str | bytes]:
    message = Protocol().create("PATCH-DOC", events)
    frames: list[str | bytes] = [message.header_json, message.metadata_json,
                                 message.content_json]
    for buffer in message.buffers:
        frames += [json.dumps(buffer.ref), buffer.to_bytes()]
    return frames


def _resolved(message: Any) -> Any:
    """The message's content with the bytes of every array in place: a buffer's
    reference replaced by the buffer's bytes (buffer ids are made afresh for every
    message), bytes sent inline decoded (base64 of gzip, as BokehJS's
    ``base64_to_buffer`` reads them)."""
    buffers = {b.id: b.to_bytes() for b in message.buffers}

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            if set(x) == {"id"} and x["id"] in buffers:
                return buffers[x["id"]]
            if x.get("type") == "bytes" and isinstance(x.get("data"), str):
                return {"type": "bytes", "data": gzip.decompress(base64.b64decode(x["data"]))}
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x
    return walk(message.content)


def test_the_message_reads_as_the_one_bokeh_writes():
    doc = Document()
    one, two = _source(doc), _source(doc)
    events = _held((one, NEW, 3), (two, NUMBERS | {"label": ["d"]}, 10))
    assert leading_streams(events) == 2
    ours, theirs = _read(Broadcast().message(events)), _read(_bokeh_frames(events))
    assert theirs.header["num_buffers"] > 0
    assert ours.header["num_buffers"] == 0  # a small stream's columns travel inline
    assert _resolved(ours) == _resolved(theirs)
    assert [e["model"]["id"] for e in ours.content["events"]] == [one.id, two.id]


def _unframe(wire: bytes) -> list[str | bytes]:
    """Websocket frames read back (RFC 6455, 5.2): final, unmasked, text or binary."""
    frames: list[str | bytes] = []
    at = 0
    while at < len(wire):
        first, size = wire[at], wire[at + 1]
        assert first in (0x81, 0x82) and not size & 0x80  # final, text/binary, unmasked
        at += 2
        if size == 126:
            size, at = int.from_bytes(wire[at:at + 2], "big"), at + 2
        elif size == 127:
            size, at = int.from_bytes(wire[at:at + 8], "big"), at + 8
        payload = wire[at:at + size]
        assert len(payload) == size
        frames.append(payload.decode() if first == 0x81 else payload)
        at += size
    return frames


@pytest.mark.parametrize("rows", [1, 20, 10_000])  # frames under 126 B, under 64 KB, over
def test_a_sessions_message_goes_out_in_frames_that_read_as_bokehs_message(rows):
    doc = Document()
    cds = _source(doc)
    new = {"time": np.arange(rows).astype("M8[s]").astype("M8[ns]"),
           "value": np.linspace(0, 1, rows), "count": np.arange(rows),
           "label": ["x"] * rows}
    events = _held((cds, new, 20_000))
    shared = Broadcast()
    frames = _unframe(shared.wire(events))
    assert frames == shared.message(events)
    assert _resolved(_read(frames)) == _resolved(_read(_bokeh_frames(events)))
    # a few rows inline (3 frames: header, metadata, content); many as binary buffers,
    # a reference and a payload each, as Bokeh sends them (3 arrays: time, value, count)
    inline = rows * 3 * 8 <= INLINE_BYTES
    assert inline == (rows < 10_000)
    assert len(frames) == (3 if inline else 3 + 2 * 3)


def test_sessions_streaming_the_same_rows_share_one_encoding():
    shared = Broadcast()
    sessions = []
    for _ in range(3):
        doc = Document()
        cds = _source(doc)
        sessions.append((cds, shared.message(_held((cds, dict(NEW), 5)))))
    assert shared.encoded == 1
    first = _resolved(_read(sessions[0][1]))
    for cds, frames in sessions:
        content = _resolved(_read(frames))
        assert content["events"][0]["model"]["id"] == cds.id
        content["events"][0]["model"]["id"] = first["events"][0]["model"]["id"]
        assert content == first
    other = Document()
    changed = _source(other)
    shared.message(_held((changed, NUMBERS | {"label": ["d"]}, 5)))
    assert shared.encoded == 2  # other rows: encoded on their own
    again = _source(Document())
    shared.message(_held((again, NUMBERS | {"label": [1]}, 5)))
    shared.message(_held((_source(Document()), NUMBERS | {"label": [1.0]}, 5)))
    assert shared.encoded == 4  # 1 and 1.0 are told apart (they encode differently)
    shared.message(_held((_source(Document()), NUMBERS | {"label": [0.0]}, 5)))
    shared.message(_held((_source(Document()), NUMBERS | {"label": [-0.0]}, 5)))
    assert shared.encoded == 6  # so are 0.0 and -0.0


def test_only_the_streams_before_any_other_change_are_taken():
    doc = Document()
    cds = _source(doc)
    doc.hold("collect")
    cds.stream(dict(NUMBERS) | {"label": ["c"]}, rollover=5)
    cds.tags = ["changed"]
    cds.stream(dict(NUMBERS) | {"label": ["d"]}, rollover=5)
    assert leading_streams(list(doc.callbacks._held_events)) == 1
    assert leading_streams([]) == 0


DASHBOARD = """\
title: Broadcast
sources:
  walk: {type: random_walk, interval: 100ms}
views:
  walk: {data: walk, kind: line, y: value}
"""


@pytest.mark.server
def test_every_viewer_gets_every_tick_from_one_encoding(tmp_path):
    (tmp_path / "broadcast.yaml").write_text(DASHBOARD)
    server = Server([str(tmp_path)]).wait_ready()
    try:
        _run(_three_viewers(server))
    finally:
        server.stop()


async def _three_viewers(server: Server) -> None:
    viewers = [Viewer(server.url, "/broadcast") for _ in range(3)]
    try:
        for viewer in viewers:
            await viewer.open()
        await asyncio.to_thread(
            wait_for, lambda: server.status()["dashboards"]["broadcast"]["sessions"] == 3)
        await asyncio.sleep(0.5)
        before = server.status()["dashboards"]["broadcast"]["delivery"]
        start = time.time() * 1000
        await asyncio.sleep(2.0)
        end = time.time() * 1000
        after = server.status()["dashboards"]["broadcast"]["delivery"]
        await asyncio.sleep(0.5)
    finally:
        await close_all(viewers)
    ticks = [viewer.ticks_between(start, end) for viewer in viewers]
    assert len(ticks[0]) >= 10, ticks[0]              # a 100 ms source over 2 s
    assert ticks[0] == ticks[1] == ticks[2]           # every viewer got every tick
    for viewer in viewers:
        assert not viewer.errors
        kinds = {kind for patch in viewer.patches for kind in patch.kinds}
        assert kinds == {"ColumnsStreamed"}           # rows streamed, nothing replaced
    encoded = after["encoded"] - before["encoded"]
    streamed = after["streamed"] - before["streamed"]
    assert encoded >= 10
    assert streamed >= 3 * encoded - 3               # each encoding went to all three
    assert encoded <= after["bursts"] - before["bursts"] + 1  # at most one per tick


CURVES = """\
title: Curves
sources:
  few: {type: sine, interval: 150ms, rows: 3, noise: 0}
  many: {type: sine, interval: 150ms, rows: 100, noise: 0}
views:
  few: {data: few, kind: scatter, x: i, y: y, backlog: 60}
  many: {data: many, kind: scatter, x: i, y: y, backlog: 1000}
"""

# every chart source in the page: [its i column, its y column]
COLUMNS_JS = """() => { const out = [];
  for (const m of Bokeh.documents[0].all_models) {
    if (m.type !== "ColumnDataSource") continue;
    const get = (k) => m.data instanceof Map ? m.data.get(k) : m.data[k];
    if (get("i") !== undefined) out.push([Array.from(get("i")), Array.from(get("y"))]);
  }
  return out; }"""


@pytest.mark.browser
@pytest.mark.server
def test_the_browser_applies_inline_and_binary_streams_exactly(tmp_path, chromium):
    """3 rows a tick travel inline (gzip and base64), 100 rows a tick (2,400 bytes) as
    binary buffers: BokehJS must hold every row of both, in order, with the exact
    values the source computed (a clean sine: y is a function of the row counter i)."""
    (tmp_path / "curves.yaml").write_text(CURVES)
    server = Server([str(tmp_path)]).wait_ready()
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{server.url}/curves")
        # the few rows' chart has rolled over (more than 60 rows streamed), the many
        # rows' chart has taken several binary streams after its first draw
        wait_for(lambda: (got := page.evaluate(COLUMNS_JS)) and len(got) == 2
                 and min(len(i) for i, _ in got) >= 60 and max(i[-1] for i, _ in got) > 1500,
                 timeout=40, message="both charts streaming")
        got = page.evaluate(COLUMNS_JS)
    finally:
        page.close()
        server.stop()
    assert errors == []
    sizes = sorted(len(i) for i, _ in got)
    assert sizes[0] == 60 and sizes[1] >= 300
    for i, y in got:
        i, y = np.asarray(i), np.asarray(y)
        assert (np.diff(i) == 1).all(), "rows in order, none missing or repeated"
        want = np.cos(5.0 * i / 50.0) * np.cos(i / 50.0)
        assert np.array_equal(y, want), "the values the source computed, to the bit"
