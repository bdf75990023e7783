"""The per-process runtime: shared sources, errors that stay local, sessions that clean up."""
from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from livedash.delta import Delta, apply
from livedash.runtime.feed import Feed, coalesce
from livedash.runtime.runtime import Runtime
from livedash.settings import Settings
from livedash.spec.loading import check

SPEC = {
    "sources": {"c": {"type": "counter", "interval": "1s"},
                "d": {"type": "counter", "interval": "1s", "fail_on": [2],
                      "bad_shape_on": [4]}},
    "pipelines": {"twice": {"source": "c", "steps": [{"double": {}}]}},
    "views": {"a": {"data": "twice", "kind": "record"}, "b": {"data": "d", "kind": "record"}},
}


@pytest.fixture
def runtime(registry):
    rt = Runtime(Settings(callback_timeout=0.2), registry)
    yield rt
    rt.stop()


def graph_of(runtime, registry, spec=SPEC):
    plan, errors = check(spec, registry=registry, settings=runtime.settings)
    assert plan is not None, [e.format() for e in errors]
    return runtime.graph(plan)


def tick(runner, n=1):
    for _ in range(n):
        now = pd.Timestamp.now()
        runner.poll_once(now - pd.Timedelta("1s"), now)


def test_a_pipeline_sees_every_row_of_its_source(runtime, registry):
    graph = graph_of(runtime, registry)
    tick(graph.runners["c"], 3)
    assert graph.data("c")["n"].tolist() == [1, 2, 3]
    assert graph.data("twice")["n"].tolist() == [2, 4, 6]
    assert graph.runners["c"].status()["ticks"] == 3


def test_a_failing_source_keeps_its_last_good_data_and_recovers(runtime, registry):
    graph = graph_of(runtime, registry)
    errors = []
    graph.on_status(lambda g: errors.append(dict(g.errors())))
    tick(graph.runners["d"])            # poll 1: fine
    tick(graph.runners["d"])            # poll 2: raises
    assert graph.errors() == {"d": "the callback raised RuntimeError: boom at poll 2"}
    assert graph.data("d")["n"].tolist() == [1]
    tick(graph.runners["c"])            # the other source is untouched
    assert graph.data("c")["n"].tolist() == [1]
    tick(graph.runners["d"])            # poll 3: recovers
    assert graph.errors() == {}
    tick(graph.runners["d"])            # poll 4: wrong columns
    assert graph.errors()["d"].startswith("wrong shape: ")
    assert "other" in graph.errors()["d"]
    assert graph.data("d")["n"].tolist() == [1, 3]
    assert errors[0] == {"d": "the callback raised RuntimeError: boom at poll 2"}


def test_a_hung_source_is_reported_and_does_not_stop_others(runtime, registry):
    spec = {**SPEC, "sources": {"c": {"type": "counter", "interval": "50ms"},
                                "d": {"type": "counter", "interval": "50ms"}}}
    graph = graph_of(runtime, registry, spec)
    runtime.start(graph)
    deadline = time.monotonic() + 5
    while graph.runners["d"].source is None and time.monotonic() < deadline:
        time.sleep(0.01)
    graph.runners["d"].source.release.clear()  # the next poll of d blocks
    deadline = time.monotonic() + 5
    while "d" not in graph.errors() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert graph.errors()["d"].startswith("hung: the callback has not returned")
    before = graph.runners["c"].ticks
    time.sleep(0.3)
    assert graph.runners["c"].ticks > before  # c keeps ticking
    graph.runners["d"].source.release.set()
    deadline = time.monotonic() + 5
    while "d" in graph.errors() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "d" not in graph.errors()


def test_one_graph_per_file_however_many_loads(runtime, registry):
    first = graph_of(runtime, registry)
    second = graph_of(runtime, registry)
    assert first is second


def test_a_changed_file_keeps_unchanged_sources_and_their_history(runtime, registry,
                                                                   tmp_path):
    import yaml
    path = tmp_path / "dash.yaml"
    path.write_text(yaml.safe_dump(SPEC))
    graph = graph_of(runtime, registry, path)
    tick(graph.runners["c"], 2)
    changed = {**SPEC, "views": {**SPEC["views"], "a": {"data": "c", "kind": "record",
                                                         "backlog": 5}}}
    changed["sources"] = {**SPEC["sources"], "d": {"type": "counter", "interval": "2s"}}
    path.write_text(yaml.safe_dump(changed))
    new = graph_of(runtime, registry, path)
    assert new is not graph
    assert new.runners["c"] is graph.runners["c"]
    assert new.runners["d"] is not graph.runners["d"]
    assert new.data("twice")["n"].tolist() == [2, 4]  # primed from the kept history
    tick(new.runners["c"])
    assert new.data("twice")["n"].tolist() == [2, 4, 6]


def frames(values):
    return pd.DataFrame({"n": values}, index=pd.RangeIndex(len(values)))


@pytest.mark.parametrize("seed", range(20))
def test_coalesced_deltas_give_the_same_result_as_applying_each(seed):
    import random
    rng = random.Random(seed)
    current = frames([0, 1, 2])
    deltas = []
    state = current
    counter = 3
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        if choice < 0.7:
            k = rng.randint(0, len(state))
            added = frames(list(range(counter, counter + rng.randint(0, 3))))
            counter += len(added)
            delta = Delta.rows(added, state.iloc[:k])
        elif choice < 0.85:
            result = frames(list(range(counter, counter + 2)))
            counter += 2
            delta = Delta.rows(result.iloc[:0], state, result=result)
        else:
            delta = Delta.whole(frames([counter]))
            counter += 1
        state = apply(state, delta)
        deltas.append(delta)
    merged = current
    for delta in coalesce(deltas):
        merged = apply(merged, delta)
    assert merged["n"].tolist() == state["n"].tolist()


def test_a_feed_coalesces_while_the_session_is_busy_and_releases_on_close(runtime, registry):
    graph = graph_of(runtime, registry)
    node = graph.nodes["c"]
    queue: list = []
    from tests.runtime.conftest import Recorder
    view = Recorder(None, type("Ctx", (), {"frame": node.result()})())
    feed = Feed(node, [view], queue.append, lambda v, e: None)
    feed.connect(node.version)
    tick(graph.runners["c"], 3)
    assert len(queue) == 1          # one flush scheduled for three ticks
    queue.pop()()
    assert len(view.deltas) == 1 and view.deltas[0].added["n"].tolist() == [1, 2, 3]
    assert node.listener_count == 1
    feed.close()
    assert node.listener_count == 0
    tick(graph.runners["c"])
    assert queue == []


def test_a_feed_catches_up_with_rows_that_arrived_before_it_connected(runtime, registry):
    graph = graph_of(runtime, registry)
    node = graph.nodes["c"]
    version = node.version
    tick(graph.runners["c"], 2)
    queue: list = []
    from tests.runtime.conftest import Recorder
    view = Recorder(None, type("Ctx", (), {"frame": None})())
    Feed(node, [view], queue.append, lambda v, e: None).connect(version)
    queue.pop()()
    assert view.deltas[0].result["n"].tolist() == [1, 2]


@pytest.mark.parametrize("steps", [
    [{"window": 25}],
    [{"window": "2s"}],
    [{"window": 25}, {"rolling": {"window": 4, "agg": {"value": "mean"}}}],
    [{"window": "2s"}, {"rolling": {"window": 4, "agg": {"value": "mean"}}}],
    [{"window": 25}, {"aggregate": {"value": ["mean", "count"]}}],
    [{"filter": "value > 0"}, {"window": 25}],
])
def test_a_node_ending_in_a_window_or_rolling_reports_what_a_viewer_has_applied(steps):
    """The last step's own rows stand for the node's result: what a new session is
    given and the row count in the status equal the deltas applied one by one."""
    from livedash.registry import default_registry
    from livedash.runtime.node import Node

    registry = default_registry()
    built = []
    for step in steps:
        (name, value), = step.items()
        info = registry.get("step", name)
        built.append(info.factory(info.spec.model_validate(value)))
    node = Node("p", threading.RLock(), built, limit=None)
    seen: list[pd.DataFrame] = []

    def viewer(_node, delta):
        seen[:] = [apply(seen[0] if seen else None, delta)]

    node.listen(viewer)
    t0 = pd.Timestamp("2026-01-01")
    for i in range(0, 300, 7):
        index = pd.DatetimeIndex([t0 + pd.Timedelta(milliseconds=100 * j)
                                  for j in range(i, i + 7)], name="time")
        node.feed(Delta.rows(pd.DataFrame({"value": [((j * 37) % 11) - 5.0 for j in
                                                      range(i, i + 7)]}, index=index)))
        pd.testing.assert_frame_equal(node.result(), seen[0])
        assert len(node) == len(seen[0])
    assert 0 < len(node) <= 25
