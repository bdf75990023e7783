"""A real ``livedash serve`` subprocess: index, status and every example page."""
from __future__ import annotations

import html
import json
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import Server, get, wait_for
from tests.integration.examples import EXAMPLES, plan_of

pytestmark = pytest.mark.server


def test_there_are_examples():
    names = {p.stem for p in EXAMPLES}
    assert len(names) >= 6, names


def test_the_index_lists_every_example_with_title_and_description(examples_server):
    status, body = get(examples_server.url + "/")
    assert status == 200
    text = body.decode()
    for path in EXAMPLES:
        plan = plan_of(path)
        assert f"href='/{path.stem}'" in text
        assert html.escape(plan.title) in text
        assert html.escape(plan.description) in text


def test_status_answers_json_for_every_dashboard_and_source(examples_server):
    status = examples_server.status()
    for path in EXAMPLES:
        entry = status["dashboards"][path.stem]
        assert isinstance(entry["sessions"], int) and entry["sessions"] >= 0
        for source in plan_of(path).sources:
            if entry["started"]:
                assert set(entry["sources"][source]) >= {"ticks", "rows", "last_update",
                                                         "error"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_page_answers_200(examples_server, path):
    status, body = get(f"{examples_server.url}/{path.stem}")
    assert status == 200
    assert b"Bokeh" in body or b"bokeh" in body
    # the sources of a dashboard start with its first session and then report ticks
    def ticking():
        entry = examples_server.status()["dashboards"][path.stem]
        return entry["started"] and all(src["error"] is None and (src["ticks"] > 0 or
                                        plan_of(path).sources[name].type == "push")
                                        for name, src in entry["sources"].items())
    wait_for(ticking, timeout=20, message=f"{path.stem} sources ticking without errors")


def test_the_garbage_collector_is_set_for_a_server(examples_server):
    """A full collection stops every session's tick meanwhile: what was loaded before
    any session (Panel, Bokeh, HoloViews, pandas), which lives as long as the process,
    is set aside (``gc.freeze``, see ``livedash.serving.serve.settle_gc``)."""
    status, body = get(examples_server.url + "/livedash/status?debug=1")
    assert status == 200
    gc_status = json.loads(body)["gc"]
    assert gc_status["frozen"] > 200_000, gc_status  # the charts' libraries included


def test_unknown_page_is_404(examples_server):
    assert get(examples_server.url + "/no-such-dashboard")[0] == 404


def test_panel_serve_runs_a_two_line_script(tmp_path):
    source = next(p for p in EXAMPLES if p.stem == "random_walk")
    (tmp_path / "walk.yaml").write_text(source.read_text())
    (tmp_path / "walk_app.py").write_text(textwrap.dedent("""\
        import livedash
        livedash.load("walk.yaml").servable()
    """))
    server = Server([str(tmp_path / "walk_app.py")], cwd=Path("/"), command="panel")
    try:
        server.wait_ready(path="/walk_app")
        status, body = get(server.url + "/walk_app")
        assert status == 200 and b"bokeh" in body.lower()
    finally:
        server.stop()
