"""Session feeds and their delivery on the server loop: one wake-up per tick, every
session served in turn, each session's work in order, a failure kept to its session."""
from __future__ import annotations

import threading

import pandas as pd
import pytest
from bokeh.document import Document

from livedash.runtime.feed import Feed, Wakeups
from livedash.serving import delivery as delivery_mod
from livedash.serving.delivery import Delivery
from tests.runtime.conftest import Recorder
from tests.runtime.test_runtime import graph_of, runtime, tick  # noqa: F401 - fixture


class FakeLoop:
    """Records ``add_callback`` instead of running a Tornado loop."""

    def __init__(self) -> None:
        self.callbacks: list = []

    def add_callback(self, fn, *args) -> None:
        self.callbacks.append((fn, args))

    def run(self) -> None:
        callbacks, self.callbacks = self.callbacks, []
        for fn, args in callbacks:
            fn(*args)


@pytest.fixture
def served(monkeypatch):
    """Calls of ``serve`` as (doc, number of work items), running the work."""
    calls: list[tuple[object, int]] = []

    def serve(doc, work, shared=None):
        calls.append((doc, len(work)))
        for fn in work:
            fn()
    monkeypatch.setattr(delivery_mod, "serve", serve)
    return calls


def test_batch_defers_each_wake_once_until_the_outermost_block_ends():
    woken: list[str] = []
    wakeups = Wakeups()
    assert wakeups.defer("a", lambda: woken.append("a")) is False  # outside: wake now
    with wakeups.batch():
        assert wakeups.defer("a", lambda: woken.append("a"))
        with wakeups.batch():
            assert wakeups.defer("a", lambda: woken.append("again"))
            assert wakeups.defer("b", lambda: woken.append("b"))
        assert woken == []
        assert Wakeups().defer("c", lambda: woken.append("c")) is False  # another graph's
    assert woken == ["a", "b"]


def test_a_batch_holds_back_only_its_own_thread():
    wakeups, woken = Wakeups(), []
    with wakeups.batch():
        other = threading.Thread(
            target=lambda: woken.append(wakeups.defer("x", lambda: woken.append("late"))))
        other.start()
        other.join()
    assert woken == [False]  # the other thread was told to wake its loop itself


def test_a_batch_wakes_the_others_when_one_wake_fails():
    woken: list[str] = []
    wakeups = Wakeups()

    def broken() -> None:
        raise RuntimeError("no loop")
    with wakeups.batch():
        wakeups.defer("a", broken)
        wakeups.defer("b", lambda: woken.append("b"))
    assert woken == ["b"]


def test_one_loop_callback_serves_every_session_in_turn(served):
    loop = FakeLoop()
    wakeups = Wakeups()
    delivery = Delivery(loop, wakeups)
    docs = [object(), object(), object()]
    done: list[tuple[int, int]] = []
    with wakeups.batch():
        for i, doc in enumerate(docs):
            delivery.submit(doc, lambda i=i: done.append((i, 1)))
            delivery.submit(doc, lambda i=i: done.append((i, 2)))
        assert loop.callbacks == []           # nothing wakes the loop inside the batch
    assert len(loop.callbacks) == 1           # one wake-up for all sessions
    loop.run()
    assert [d for d, _ in served] == docs and all(n == 2 for _, n in served)
    assert done == [(0, 1), (0, 2), (1, 1), (1, 2), (2, 1), (2, 2)]  # per session, in order
    assert delivery.bursts == 1


def test_the_first_session_served_moves_on_at_every_burst(served):
    loop = FakeLoop()
    delivery = Delivery(loop, Wakeups())
    docs = [object(), object(), object()]
    firsts = []
    for _ in range(3):
        served.clear()
        for doc in docs:
            delivery.submit(doc, lambda: None)
        loop.run()
        firsts.append(served[0][0])
        assert {d for d, _ in served} == set(docs)
    assert firsts == docs


def test_work_queued_while_the_loop_is_busy_waits_for_one_more_wake(served):
    loop = FakeLoop()
    delivery = Delivery(loop, Wakeups())
    doc = object()
    delivery.submit(doc, lambda: None)
    delivery.submit(doc, lambda: None)
    assert len(loop.callbacks) == 1
    loop.run()
    delivery.submit(doc, lambda: None)
    assert len(loop.callbacks) == 1
    loop.run()
    assert [n for _, n in served] == [2, 1]


def test_a_failing_update_does_not_stop_the_sessions_after_it(monkeypatch):
    ran: list[str] = []

    def boom() -> None:
        raise ValueError("bad view")
    delivery_mod._each([boom, lambda: ran.append("next")])
    assert ran == ["next"]


def test_a_document_without_a_session_is_skipped():
    ran: list[str] = []
    delivery_mod.serve(Document(), [lambda: ran.append("x")])
    assert ran == []


def test_a_tick_to_many_sessions_wakes_their_loop_once(runtime, registry, served):  # noqa: F811
    graph = graph_of(runtime, registry)
    node = graph.nodes["c"]
    loop = FakeLoop()
    delivery = Delivery(loop, Wakeups())
    views = []
    for _ in range(5):
        doc = object()
        view = Recorder(None, type("Ctx", (), {"frame": node.result()})())
        views.append(view)
        Feed(node, [view], lambda fn, doc=doc: delivery.submit(doc, fn),
             lambda v, e: None).connect(node.version)
    tick(graph.runners["c"])
    assert len(loop.callbacks) == 1
    loop.run()
    assert len(served) == 5
    assert all(v.deltas[-1].added["n"].tolist() == [1] for v in views)


def test_the_source_thread_has_offered_to_every_session_before_the_loop_runs(
        runtime, registry):  # noqa: F811
    """With a real loop thread: the first session is served only after the tick has been
    offered to all of them (the loop is woken at the end of the batch)."""
    from tornado.ioloop import IOLoop
    graph = graph_of(runtime, registry)
    node = graph.nodes["c"]
    started = threading.Event()
    holder: dict = {}

    def run_loop() -> None:
        import asyncio
        asyncio.set_event_loop(asyncio.new_event_loop())
        holder["loop"] = IOLoop.current()
        started.set()
        holder["loop"].start()
    thread = threading.Thread(target=run_loop, daemon=True)
    thread.start()
    started.wait(5)
    loop = holder["loop"]
    delivery = Delivery(loop, graph.wakeups)  # as a page of this graph gets it
    pending_when_served: list[int] = []
    feeds: list[Feed] = []
    done = threading.Event()

    class Probe(Recorder):
        def apply(self, delta) -> None:  # noqa: ANN001
            super().apply(delta)
            pending_when_served.append(sum(1 for f in feeds if f._scheduled))
            if len(pending_when_served) == len(feeds):
                done.set()
    original = delivery_mod.serve
    try:
        delivery_mod.serve = lambda doc, work, shared=None: [fn() for fn in work]  # no Bokeh session
        for _ in range(4):
            view = Probe(None, type("Ctx", (), {"frame": node.result()})())
            feed = Feed(node, [view], lambda fn, d=object(): delivery.submit(d, fn),
                        lambda v, e: None)
            feed.connect(node.version)
            feeds.append(feed)
        now = pd.Timestamp.now()
        graph.runners["c"].poll_once(now - pd.Timedelta("1s"), now)
        assert done.wait(5)
        # the first session served saw the three others already queued
        assert pending_when_served[0] == 3
        assert delivery.bursts == 1
    finally:
        delivery_mod.serve = original
        loop.add_callback(loop.stop)
        thread.join(5)
