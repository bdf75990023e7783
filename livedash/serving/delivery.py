"""Hands work to many sessions on the server's loop: one loop callback per burst, each
session's changes written to its websocket as soon as they are made.

Bokeh's own way, ``doc.add_next_tick_callback`` per session, costs a loop callback and
a task per session, runs each under the session's document lock, and then sends each
message frame by frame, awaiting every frame (header, metadata, content, then a header
and a payload per binary buffer): between two frames of one session's message the loop
runs every other session's callback. With 20 sessions every browser got its message
only once all 20 had been updated, and the last frames went out tens of milliseconds
after the last update.

Here a source thread queues ``(doc, fn)`` and wakes the loop once (after a whole tick
is queued, see :class:`livedash.runtime.feed.Wakeups`); the loop then serves the sessions
in turn, each with Panel's current document set and inside Panel's ``unlocked()``:
Bokeh's events are held, serialised once the session's work is done, and written at
once, so a session's message leaves before the next session is served. Panel applies
the same rule to its own widgets (``state._unblocked``): on the document's own thread,
with the session loaded, changes may be dispatched without Bokeh's lock; a socket that
is busy sending an earlier message gets the new one queued behind it. A session that
cannot be served this way (not loaded yet, another thread) gets its work through
``doc.add_next_tick_callback`` as before.

Nothing here calls Bokeh's document methods from a source thread: while
``doc.add_next_tick_callback`` runs, Bokeh makes ``doc`` the current document through a
process-wide list (``bokeh.io.doc._PATCHED_CURDOCS``), and a page being built on the
server thread at that moment would change another session's document without its lock
("_pending_writes should be non-None"). Source threads only append to a queue and call
the thread-safe ``IOLoop.add_callback``.

The rows a burst streams into the sessions' charts are encoded once for all of them
(:mod:`livedash.serving.broadcast`): each session's message differs from the next only by
the id of its data source.

The order rotates: each burst starts one session further, so that no session (say, the
last to connect) is always served last.
"""
from __future__ import annotations

import logging
import threading
import weakref
from typing import Any, Callable

from bokeh.document import Document
from tornado.ioloop import IOLoop

from ..runtime.feed import Wakeups
from .broadcast import Broadcast

log = logging.getLogger("livedash")
Work = Callable[[], None]


class Delivery:
    """The queue of session work for one server loop (one per :class:`IOLoop` and
    dashboard graph, kept in ``Graph.deliveries``)."""

    def __init__(self, loop: IOLoop, wakeups: Wakeups):
        self._loop = weakref.ref(loop)
        self._wakeups = wakeups
        self._lock = threading.Lock()
        self._queue: list[tuple[Document, Work]] = []
        self._woken = False
        self._turn = 0
        self.bursts = 0
        """Loop callbacks run so far (one per burst of work, not per session)."""
        self.encoded = 0
        """Streams of new rows encoded so far (once per burst for all sessions alike)."""
        self.streamed = 0
        """Messages of streamed rows written to sessions so far (see :mod:`.broadcast`)."""

    # -- any thread ----------------------------------------------------------------------
    def submit(self, doc: Document, fn: Work) -> None:
        """Run ``fn`` for ``doc``'s session on the loop, soon. Thread-safe."""
        with self._lock:
            self._queue.append((doc, fn))
            if self._woken:
                return
            self._woken = True
        if not self._wakeups.defer(self, self._wake):
            self._wake()

    def _wake(self) -> None:
        loop = self._loop()
        if loop is None:  # the server is gone
            return
        loop.add_callback(self._run)

    # -- the loop ------------------------------------------------------------------------
    def _run(self) -> None:
        with self._lock:
            queue, self._queue = self._queue, []
            self._woken = False
        if not queue:
            return
        self.bursts += 1
        work: dict[Document, list[Work]] = {}
        for doc, fn in queue:  # a session's work keeps its order
            work.setdefault(doc, []).append(fn)
        docs = list(work)
        start = self._turn % len(docs)
        self._turn += 1
        shared = Broadcast()
        for doc in docs[start:] + docs[:start]:
            serve(doc, work[doc], shared)
        self.encoded += shared.encoded
        self.streamed += shared.sent


def serve(doc: Document, work: list[Work], shared: Broadcast | None = None) -> None:
    """Run ``work`` for ``doc`` on the loop and send what it changed right away (the rows
    streamed through ``shared``, which encodes each distinct stream once per burst)."""
    from panel.io.document import unlocked
    from panel.io.state import set_curdoc, state

    context = doc.session_context
    session = getattr(context, "session", None)
    if session is None or session.destroyed:  # the session is gone; its page closes itself
        return
    with set_curdoc(doc):
        # the conditions under which Panel's unlocked() holds and dispatches the events
        # itself; otherwise they would reach Bokeh outside its lock
        thread = getattr(state, "_thread_id", None)
        direct = (state.loaded and thread in (None, threading.get_ident())
                  and not doc.callbacks.hold_value)
        if not direct:
            try:
                doc.add_next_tick_callback(lambda: _locked(doc, work))
            except Exception:  # the session is going away
                pass
            return
        with unlocked():
            _each(work)
            if shared is not None:
                shared.send(doc)


def _locked(doc: Document, work: list[Work]) -> None:
    from panel.io.state import set_curdoc
    with set_curdoc(doc):
        _each(work)


def _each(work: list[Work]) -> None:
    for fn in work:
        try:
            fn()
        except Exception:  # one failing update must not hold up the others
            log.exception("a session update failed")


def scheduler(deliveries: "weakref.WeakKeyDictionary[IOLoop, Delivery]", loop: IOLoop,
              doc: Document, wakeups: Wakeups) -> Callable[[Work], Any]:
    """``schedule(fn)`` for a :class:`~livedash.runtime.feed.Feed`: ``fn`` runs on
    ``loop`` for ``doc``'s session. Called on ``loop``'s own thread (a page being
    attached), so ``deliveries`` (one per loop) needs no lock."""
    delivery = deliveries.get(loop)
    if delivery is None:
        delivery = deliveries[loop] = Delivery(loop, wakeups)

    def schedule(fn: Work) -> None:
        delivery.submit(doc, fn)
    return schedule
