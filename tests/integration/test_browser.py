"""Debian's Chromium, driven by Playwright, against a real ``livedash serve``."""
from __future__ import annotations

import time

import pytest

from tests.conftest import wait_for
from tests.integration.examples import DIGEST_JS, EXAMPLES, ROWS_JS, plan_of

pytestmark = [pytest.mark.browser, pytest.mark.server]


def open_page(chromium, url):
    page = chromium.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.goto(url, wait_until="load")
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0", timeout=30_000)
    return page, problems


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_renders_all_views_and_its_data_changes(examples_server, chromium, path):
    plan = plan_of(path)
    page, problems = open_page(chromium, f"{examples_server.url}/{path.stem}")
    try:
        page.wait_for_function(
            f"() => document.querySelectorAll('.livedash-view').length >= 0", timeout=5000)
        views = page.locator(".livedash-view")
        wait_for(lambda: views.count() == len(plan.views), timeout=30,
                 message=f"{len(plan.views)} views on {path.stem}")
        assert page.locator(".livedash-view-error").count() == 0
        first = page.evaluate(DIGEST_JS)
        wait_for(lambda: page.evaluate(DIGEST_JS) != first, timeout=20,
                 message=f"data of {path.stem} to change")
        assert problems == [], "\n".join(problems)
    finally:
        page.close()


def test_several_pages_share_one_poll_per_tick(examples_server, chromium):
    slug = "random_walk"
    plan = plan_of(next(p for p in EXAMPLES if p.stem == slug))
    (source, spec), = plan.sources.items()
    interval = spec.interval.total_seconds()
    pages = [open_page(chromium, f"{examples_server.url}/{slug}")[0] for _ in range(4)]
    try:
        wait_for(lambda: examples_server.status()["dashboards"][slug]["sessions"] >= 4,
                 timeout=20, message="4 sessions")
        rows = [p.evaluate(ROWS_JS) for p in pages]
        before = examples_server.status()["dashboards"][slug]["sources"][source]["ticks"]
        start = time.monotonic()
        time.sleep(2.0)
        after = examples_server.status()["dashboards"][slug]["sources"][source]["ticks"]
        elapsed = time.monotonic() - start
        # once per tick: at most what one poller does, never once per page (4x)
        assert after - before <= elapsed / interval * 1.3 + 2
        assert after - before >= elapsed / interval * 0.5
        digests = [p.evaluate(DIGEST_JS) for p in pages]
        assert all(d for d in digests)
        for page, n in zip(pages, rows):
            wait_for(lambda: page.evaluate(ROWS_JS) > 0, timeout=10)
    finally:
        for page in pages:
            page.close()


def test_closing_sessions_releases_everything(examples_server, chromium):
    slug = "random_walk"
    url = examples_server.url
    import json
    import urllib.request

    def process():
        with urllib.request.urlopen(url + "/livedash/status?debug=1", timeout=10) as r:
            return json.loads(r.read())

    baseline = process()
    for _ in range(3):
        pages = [open_page(chromium, f"{url}/{slug}")[0] for _ in range(4)]
        wait_for(lambda: process()["dashboards"][slug]["sessions"] >= 4, timeout=20)
        for page in pages:
            page.close()

    def released():
        status = process()
        entry = status["dashboards"][slug]
        counts = status["process"]
        ok = (entry["sessions"] == 0 and counts["open_pages"] == 0
              and counts["open_feeds"] == 0 and counts["pages"] <= baseline["process"]["pages"]
              and counts["documents"] <= baseline["process"]["documents"]
              and all(src["listeners"] == 0 for src in entry["sources"].values()))
        return ok or None
    wait_for(released, timeout=40, interval=0.5,
             message="sessions, pages, feeds, documents and listeners released")
