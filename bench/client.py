"""A viewer without a browser: the Bokeh server protocol as BokehJS speaks it.

A :class:`Viewer` loads the page (``GET``, which makes the server build the session's
document), opens the session's websocket with the token from the page, pulls the
document, then announces ``document_ready`` the way BokehJS does once its views are
idle (a ``PATCH-DOC`` carrying a ``MessageSent`` ``bokeh_event``). From then on it
records every ``PATCH-DOC`` it receives: its size on the wire (the payloads of every
frame: header, metadata, content, buffer headers and buffers, as Bokeh's
``Message.send`` writes them), the kinds of its events, and the new ticks it carries
(values of the ``time`` column newer than any seen, decoded from the binary buffers
or the base64 inline).

Messages are assembled with Bokeh's own :class:`bokeh.protocol.receiver.Receiver`.
"""
from __future__ import annotations

import asyncio
import base64
import gzip
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from bokeh.protocol import Protocol
from bokeh.protocol.receiver import Receiver
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

TOKEN = re.compile(r'"token":\s*"([^"]+)"')
READY_EVENT = {"kind": "MessageSent", "msg_type": "bokeh_event",
               "msg_data": {"type": "event", "name": "document_ready",
                            "values": {"type": "map"}}}
DATA_CHANGES = {"ColumnsStreamed", "ColumnDataChanged", "ColumnsPatched"}
MAX_MESSAGE = 256 * 1024 * 1024


@dataclass
class Patch:
    """One ``PATCH-DOC`` message as received."""

    at: float                      # time.time() on receipt
    nbytes: int
    kinds: Counter[str]
    replaced: int                  # data sources whose whole data was resent
    ticks: list[float] = field(default_factory=list)  # new `time` values (epoch ms)


@dataclass
class Viewer:
    """One Bokeh-protocol viewer of ``base + path``.

    Parameters
    ----------
    base
        ``http://host:port``.
    path
        The app's path, e.g. ``/fanout``.
    ready
        Announce ``document_ready`` after pulling the document (as a browser does).
    x
        The column whose new values count as ticks delivered (epoch milliseconds).
    """

    base: str
    path: str
    ready: bool = True
    x: str = "time"
    patches: list[Patch] = field(default_factory=list)
    doc_bytes: int = 0
    page_bytes: int = 0
    newest: float = float("-inf")
    sources: set[str] = field(default_factory=set)
    """Ids of the ColumnDataSource models in the document."""
    closed: bool = False
    errors: list[str] = field(default_factory=list)
    """Messages that could not be read (the viewer keeps reading)."""
    lost: bool = False
    """The connection ended without :meth:`close`."""
    defer: bool = False
    """Keep each frame as it arrives, with its time of receipt, and read the messages
    only at :meth:`settle`: a tick then costs the viewer next to no CPU when it arrives
    (the latency benchmark's viewers share the CPUs Chromium paints with, where a
    viewer on another machine would not)."""
    _conn: WebSocketClientConnection | None = None
    _receiver: Receiver | None = None
    _raw: list[tuple[float, Any]] = field(default_factory=list)
    _since: float = float("-inf")
    _reader: asyncio.Task[None] | None = None
    _ids: int = 0

    # -- life cycle ----------------------------------------------------------------------
    async def load(self, timeout: float = 60) -> str:
        """``GET`` the page (the server builds the session) and return its token."""
        client = AsyncHTTPClient()
        response = await client.fetch(self.base + self.path, request_timeout=timeout)
        body = response.body.decode()
        self.page_bytes = len(response.body)
        match = TOKEN.search(body)
        if match is None:
            raise RuntimeError(f"no session token in {self.base + self.path}")
        return match.group(1)

    async def open(self, timeout: float = 60) -> "Viewer":
        """Load the page, connect, pull the document and (``ready``) announce it."""
        return await self.connect(await self.load(timeout), timeout)

    async def connect(self, token: str, timeout: float = 60) -> "Viewer":
        """Open the websocket of the session ``token`` names, pull the document and
        (``ready``) announce it."""
        ws_url = "ws" + self.base[4:] + self.path + "/ws"
        request = HTTPRequest(ws_url, headers={"Origin": self.base},
                              request_timeout=timeout, connect_timeout=timeout)
        self._conn = await websocket_connect(request, subprotocols=["bokeh", token],
                                             max_message_size=MAX_MESSAGE)
        receiver = Receiver(Protocol())
        ack, _ = await asyncio.wait_for(self._next(receiver), timeout)
        if ack.msgtype != "ACK":
            raise RuntimeError(f"expected ACK, got {ack.msgtype}")
        await self._send("PULL-DOC-REQ", {})
        while True:
            reply, size = await asyncio.wait_for(self._next(receiver), timeout)
            if reply.msgtype == "PULL-DOC-REPLY":
                self.doc_bytes = size
                self.sources |= data_sources(reply.content)
                break
            if reply.msgtype == "ERROR":
                raise RuntimeError(f"server error: {reply.content}")
            self._record(reply, size)  # a patch that overtook the reply
        if self.ready:
            await self.announce_ready()
        self._receiver = receiver
        self._reader = asyncio.ensure_future(self._read_raw() if self.defer
                                             else self._read(receiver))
        return self

    async def announce_ready(self) -> None:
        await self._send("PATCH-DOC", {"events": [READY_EVENT]})

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._conn is not None:
            self._conn.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 5)
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - closing anyway
                self._reader.cancel()

    # -- accounting ----------------------------------------------------------------------
    def reset(self) -> None:
        self.patches = []
        self._since = time.time()  # deferred frames before now are read, not kept

    async def settle(self) -> None:
        """Read the frames kept so far (``defer``) into :attr:`patches`."""
        raw, self._raw = self._raw, []
        assert self._receiver is not None or not raw
        size = 0
        for at, fragment in raw:
            size += len(fragment.encode()) if isinstance(fragment, str) else len(fragment)
            try:
                message = await self._receiver.consume(fragment)  # type: ignore[union-attr]
            except Exception as exc:  # noqa: BLE001 - as _read: report it
                self.errors.append(f"{type(exc).__name__}: {exc}")
                return
            if message is not None:
                if at >= self._since:
                    self._handle(message, size, at)
                size = 0

    def between(self, start: float, end: float) -> list[Patch]:
        return [p for p in self.patches if start <= p.at < end]

    def ticks_between(self, start_ms: float, end_ms: float) -> set[float]:
        """Ticks received whose ``time`` lies in ``[start_ms, end_ms)``."""
        return {t for p in self.patches for t in p.ticks if start_ms <= t < end_ms}

    # -- internals -----------------------------------------------------------------------
    async def _send(self, msgtype: str, content: dict[str, Any]) -> None:
        assert self._conn is not None
        self._ids += 1
        header = json.dumps({"msgid": f"bench{self._ids}", "msgtype": msgtype})
        for part in (header, "{}", json.dumps(content)):
            await self._conn.write_message(part)

    async def _next(self, receiver: Receiver) -> tuple[Any, int]:
        assert self._conn is not None
        size = 0
        while True:
            fragment = await self._conn.read_message()
            if fragment is None:
                raise ConnectionError("websocket closed")
            size += len(fragment.encode()) if isinstance(fragment, str) else len(fragment)
            message = await receiver.consume(fragment)
            if message is not None:
                return message, size

    async def _read(self, receiver: Receiver) -> None:
        while True:
            try:
                message, size = await self._next(receiver)
            except (ConnectionError, asyncio.CancelledError):
                self.lost = not self.closed
                return
            except Exception as exc:  # noqa: BLE001 - a closed socket mid-message
                self.lost = not self.closed
                self.errors.append(f"{type(exc).__name__}: {exc}")
                return
            self._handle(message, size, time.time())

    async def _read_raw(self) -> None:
        assert self._conn is not None
        while True:
            try:
                fragment = await self._conn.read_message()
            except (ConnectionError, asyncio.CancelledError):
                fragment = None
            if fragment is None:
                self.lost = not self.closed
                return
            self._raw.append((time.time(), fragment))

    def _handle(self, message: Any, size: int, at: float) -> None:
        if message.msgtype == "ERROR":
            self.errors.append(f"server ERROR: {message.content}")
        if message.msgtype == "PATCH-DOC":
            try:
                self._record(message, size, at)
            except Exception as exc:  # noqa: BLE001 - keep reading; report it
                self.errors.append(f"{type(exc).__name__}: {exc}")

    def _record(self, message: Any, size: int, at: float | None = None) -> None:
        at = time.time() if at is None else at
        buffers = {b.id: b.data for b in message.buffers}
        events = message.content.get("events", [])
        self.sources |= data_sources(events)
        kinds: Counter[str] = Counter(e.get("kind", "?") for e in events)
        replaced = 0
        ticks: list[float] = []
        for event in events:
            kind = event.get("kind")
            if kind == "ModelChanged" and event.get("attr") == "data" and \
                    event.get("model", {}).get("id") in self.sources:
                data, replaced = event.get("new"), replaced + 1
            elif kind in DATA_CHANGES:
                data = event.get("data")
                replaced += kind == "ColumnDataChanged"
            else:
                continue
            if kind == "ColumnsPatched" or not isinstance(data, dict):
                continue
            column = columns(data, buffers).get(self.x)
            if column is None or not len(column):
                continue
            new = column[column > self.newest]
            if len(new):
                self.newest = float(new.max())
                ticks.extend(np.unique(new).tolist())
        self.patches.append(Patch(at, size, kinds, replaced, ticks))


def data_sources(rep: Any) -> set[str]:
    """Ids of every ``ColumnDataSource`` defined in a serialized document or events."""
    found: set[str] = set()
    stack = [rep]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "object" and item.get("name") == "ColumnDataSource" \
                    and "id" in item:
                found.add(item["id"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def columns(rep: dict[str, Any], buffers: dict[str, Any]) -> dict[str, np.ndarray]:
    """The numeric columns of a serialized data mapping (others are skipped)."""
    if rep.get("type") == "map":
        items = rep.get("entries", [])
    else:
        items = list(rep.items())
    out: dict[str, np.ndarray] = {}
    for key, value in items:
        array = ndarray(value, buffers)
        if array is not None:
            out[str(key)] = array
    return out


def ndarray(rep: Any, buffers: dict[str, Any]) -> np.ndarray | None:
    if isinstance(rep, list):
        try:
            return np.asarray(rep, dtype=float)
        except (TypeError, ValueError):
            return None
    if not isinstance(rep, dict) or rep.get("type") != "ndarray":
        return None
    array, dtype = rep.get("array"), rep.get("dtype")
    if isinstance(array, dict) and array.get("type") == "bytes" and dtype not in (None, "object"):
        data = array.get("data")  # a buffer's reference, or the bytes inline (gzip, base64)
        raw = buffers.get(data["id"]) if isinstance(data, dict) else \
            gzip.decompress(base64.b64decode(data)) if isinstance(data, str) else None
        if raw is None:
            return None
        return np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder(
            "<" if rep.get("order", "little") == "little" else ">")).astype(float)
    if isinstance(array, list):
        return ndarray(array, buffers)
    return None


async def open_viewers(base: str, path: str, count: int, *, ready: bool = True,
                       parallel: int = 4, timeout: float = 120,
                       defer: bool = False) -> list[Viewer]:
    """``count`` viewers, opened ``parallel`` at a time (as page loads arrive)."""
    gate = asyncio.Semaphore(parallel)

    async def one() -> Viewer:
        async with gate:
            viewer = Viewer(base, path, ready=ready, defer=defer)
            try:
                return await viewer.open(timeout)
            except BaseException:
                await viewer.close()
                raise
    got = await asyncio.gather(*(one() for _ in range(count)), return_exceptions=True)
    opened = [v for v in got if isinstance(v, Viewer)]
    errors = [e for e in got if isinstance(e, BaseException)]
    if errors:
        await close_all(opened)
        raise errors[0]
    return opened


async def close_all(viewers: list[Viewer]) -> None:
    await asyncio.gather(*(v.close() for v in viewers))
