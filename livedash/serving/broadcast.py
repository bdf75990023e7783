"""The rows of one tick, serialised once and written to every session.

Every session has its own copy of a chart's data source, and a tick streams the same
new rows into each (``cds.stream``: Bokeh updates the server's copy and records a
``ColumnsStreamed`` event). Bokeh, through Panel, would then turn that event into a
``PATCH-DOC`` message once per session: a serializer that first indexes every model of
the session's document, the new columns encoded again, the JSON written again. With 20
sessions that was most of the server's work per tick.

:class:`Broadcast` lives for one burst of session work (:mod:`livedash.serving.delivery`).
For each session it takes the ``ColumnsStreamed`` events that lead the session's held
events, encodes the columns of each distinct stream once for the whole burst (the same
rows in the same types give the same encoding, buffers included), and writes the
message, in which only the data source's id differs from one session to the next.

The message is the one Bokeh would write, with one difference: the columns of a small
stream (:data:`INLINE_BYTES`) travel inside the content, gzipped and in base64, the way
Bokeh encodes a document it embeds in a page, instead of as binary buffers. Bokeh sends
each buffer as two more websocket frames (a reference, then the bytes), 7 frames for a
line chart's tick, and a browser handles each frame as a task of its own (a hop from
Chromium's network process, then an event). Inline, the tick takes 3 frames and about
as many bytes. Large streams keep Bokeh's binary buffers.

Where the socket allows (tornado's own websocket, no compression), the frames are
framed once per burst and a session's message goes out in one write: tornado writes
each frame on its own (a task and a ``send`` call each), which was half of a session's
share of a tick. Whatever it does not take (any other event, and everything after one)
is left to Panel, which sends it after, so the session sees its changes in the order
they were made. When the session's socket is busy with another message, everything is
left to Panel, which knows how to wait for it.
"""
from __future__ import annotations

import json
import logging
import struct
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from bokeh.core.json_encoder import serialize_json
from bokeh.core.serialization import Serializer
from bokeh.document import Document
from bokeh.document.events import ColumnsStreamedEvent
from bokeh.util.serialization import make_id
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError, WebSocketHandler, WebSocketProtocol13

log = logging.getLogger("livedash")

INLINE_BYTES = 1024
"""Streams whose array columns hold at most this many bytes travel inline: each column
gzipped (about 20 bytes of header) and in base64 (4 characters for 3 bytes), as Bokeh's
``Buffer.to_base64`` makes them. A buffer's reference and frames cost about 30 bytes, so
up to a few dozen bytes per column this is about as many bytes; at this size, at most
about a third more (numbers that vary hardly compress), for two frames fewer per column.
Larger streams go as binary buffers."""

SHARED_BYTES = 1 << 20
"""Streams larger than this (about) are not compared between sessions: each session's
is encoded on its own, as Bokeh would."""


@dataclass(frozen=True)
class Encoded:
    """One stream's columns, encoded: the JSON of ``data``, and its binary buffers as the
    frames that carry them (a header and a payload each), made once for every session."""

    data: str
    frames: tuple[str | bytes, ...]

    @cached_property
    def wire(self) -> bytes:
        """The frames as a websocket writes them (see :func:`ws_frame`)."""
        return b"".join(map(ws_frame, self.frames))


class Broadcast:
    """The streams encoded during one burst of session work, shared by its sessions."""

    def __init__(self) -> None:
        self._encoded: dict[Hashable, Encoded] = {}
        self._msgid: str | None = None
        self._heads: dict[int, str] = {}  # buffers in the message -> its header
        self.encoded = 0
        """Streams encoded so far."""
        self.sent = 0
        """Messages written by this broadcast."""

    def send(self, doc: Document) -> None:
        """Write the ``ColumnsStreamed`` events that lead ``doc``'s held events to its
        session's sockets, and take them out of the held events. Call it on the session's
        own thread, while Panel holds the document's events (``unlocked()``)."""
        held = doc.callbacks._held_events
        lead = leading_streams(held)
        if not lead:
            return
        sockets = _writable(doc)
        if sockets is None:
            return  # busy or gone: Panel's way
        if all(_plain(socket) for socket in sockets):
            wire = self.wire(held[:lead])
            for socket in sockets:
                _write_wire(socket, wire)
        else:
            frames = self.message(held[:lead])
            for socket in sockets:
                _write(socket, frames)
        del held[:lead]
        self.sent += 1

    def message(self, events: list[ColumnsStreamedEvent]) -> list[str | bytes]:
        """The ``PATCH-DOC`` message of ``events`` as the websocket frames Bokeh writes:
        header, metadata, content, then a header and a payload for each buffer."""
        parts = [self._encode(event) for event in events]
        frames: list[str | bytes] = [self._head(parts), "{}", _content(events, parts)]
        for part in parts:
            frames += part.frames
        return frames

    def wire(self, events: list[ColumnsStreamedEvent]) -> bytes:
        """:meth:`message` as one piece of websocket frames (see :func:`ws_frame`): only
        the content is framed anew for each session."""
        parts = [self._encode(event) for event in events]
        out = [ws_frame(self._head(parts)), ws_frame("{}"), ws_frame(_content(events, parts))]
        for part in parts:
            out.append(part.wire)
        return b"".join(out)

    def _head(self, parts: list[Encoded]) -> str:
        """The header: one message id per burst (each session sees each id once), so
        one header per burst and count of buffers."""
        buffers = sum(len(part.frames) for part in parts) // 2
        head = self._heads.get(buffers)
        if head is None:
            if self._msgid is None:
                self._msgid = make_id()
            head = self._heads[buffers] = json.dumps(
                {"msgid": self._msgid, "msgtype": "PATCH-DOC", "num_buffers": buffers})
        return head

    def _encode(self, event: ColumnsStreamedEvent) -> Encoded:
        key = _key(event.data)
        found = self._encoded.get(key) if key is not None else None
        if found is None:
            serializer = Serializer(deferred=_array_bytes(event.data) > INLINE_BYTES)
            data = serialize_json(serializer.encode(event.data))
            found = Encoded(data, tuple(frame for buffer in serializer.buffers
                                        for frame in (json.dumps(buffer.ref),
                                                      buffer.to_bytes())))
            self.encoded += 1
            if key is not None:
                self._encoded[key] = found
        return found


def _content(events: list[ColumnsStreamedEvent], parts: list[Encoded]) -> str:
    """The message's content: the events, each naming its session's data source."""
    return '{"events":[' + ",".join(
        '{"kind":"ColumnsStreamed","model":{"id":' + json.dumps(event.model.id)
        + '},"attr":' + json.dumps(event.attr) + ',"data":' + part.data
        + ',"rollover":' + json.dumps(event.rollover) + "}"
        for event, part in zip(events, parts)) + "]}"


def ws_frame(payload: str | bytes) -> bytes:
    """``payload`` as one final, unmasked, uncompressed websocket frame (RFC 6455, 5.2):
    text for a ``str``, binary for ``bytes``, as tornado frames a server's messages."""
    if isinstance(payload, str):
        data, first = payload.encode(), 0x81
    else:
        data, first = payload, 0x82
    size = len(data)
    if size < 126:
        head = struct.pack("!BB", first, size)
    elif size <= 0xFFFF:
        head = struct.pack("!BBH", first, 126, size)
    else:
        head = struct.pack("!BBQ", first, 127, size)
    return head + data


def leading_streams(events: list[Any]) -> int:
    """How many of ``events``, from the first, are ``ColumnsStreamed`` events."""
    lead = 0
    while lead < len(events) and type(events[lead]) is ColumnsStreamedEvent:
        lead += 1
    return lead


def _key(data: Mapping[str, Any]) -> Hashable | None:
    """The columns' content, as a dictionary key (None: not cheaply comparable). Arrays by
    type and bytes; lists and object arrays (text, a ``by`` column) by the type and value
    of every item, so that 1, 1.0 and True, which encode differently, stay apart."""
    key: list[Hashable] = []
    size = 0
    for name, values in data.items():
        if isinstance(values, np.ndarray) and not values.dtype.hasobject:
            size += values.nbytes
            part: Hashable = (values.dtype.str, values.shape, values.tobytes())
        else:
            items = list(values)
            size += 8 * len(items)
            part = tuple(map(_item, items))
        if size > SHARED_BYTES:
            return None
        key.append((name, part))
    out = tuple(key)
    try:
        hash(out)
    except TypeError:  # an unhashable item
        return None
    return out


def _array_bytes(data: Mapping[str, Any]) -> int:
    """Bytes of the columns Bokeh encodes as arrays (numbers, times); the others (lists,
    text) are JSON either way."""
    return sum(values.nbytes for values in data.values()
               if isinstance(values, np.ndarray) and not values.dtype.hasobject)


def _item(value: Any) -> Hashable:
    """One list item as a key: its type and value; a float by its text, since 0.0 and
    -0.0 are equal but encode differently (and NaN is equal to nothing)."""
    if isinstance(value, (float, np.floating)):
        return type(value), repr(value)
    return type(value), value


def _writable(doc: Document) -> list[Any] | None:
    """The session's open sockets, or None when one is busy with another message (or
    Panel has messages waiting for this document): then Panel sends everything."""
    from panel.io.document import _WRITE_BLOCK, _WRITE_MSGS

    session = getattr(doc.session_context, "session", None)
    if session is None or doc in _WRITE_MSGS or doc in _WRITE_BLOCK:
        return None
    sockets = []
    for conn in session._subscribed_connections:
        socket = conn._socket
        if not isinstance(socket, WebSocketHandler):
            return None
        lock = getattr(socket, "write_lock", None)
        if lock is not None and lock._block._value == 0:
            return None
        ws = socket.ws_connection
        if ws is not None and not ws.is_closing():
            sockets.append(socket)
    return sockets


def _plain(socket: Any) -> bool:
    """True when ``socket`` frames messages as :func:`ws_frame` does: tornado's websocket
    protocol, server side (unmasked), without compression."""
    ws = socket.ws_connection
    return type(ws) is WebSocketProtocol13 and not ws.mask_outgoing and \
        getattr(ws, "_compressor", None) is None


def _write_wire(socket: Any, wire: bytes) -> None:
    """Write ``wire`` (whole frames) on ``socket``'s stream at once, counted in tornado's
    bytes on the wire."""
    ws = socket.ws_connection
    ws._wire_bytes_out += len(wire)
    try:
        future = ws.stream.write(wire)
    except StreamClosedError:
        return  # the page went away; its session closes itself
    future.add_done_callback(_settled)


def _write(socket: Any, frames: list[str | bytes]) -> None:
    """Queue ``frames`` on the socket at once (tornado writes them in order)."""
    try:
        for frame in frames:
            future = WebSocketHandler.write_message(socket, frame,
                                                    binary=isinstance(frame, bytes))
            future.add_done_callback(_settled)
    except WebSocketClosedError:
        pass  # the page went away; its session closes itself


def _settled(future: Any) -> None:
    """Read a write's outcome, so that a closed socket is not reported as a crash."""
    if not future.cancelled() and future.exception() is not None:
        log.debug("a stream could not be sent: %s", future.exception())
