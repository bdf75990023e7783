"""``livedash serve --autoreload``: a saved file reaches open pages without a restart."""
from __future__ import annotations

import time

import pytest

from tests.conftest import Server, wait_for
from tests.integration.examples import DIGEST_JS

pytestmark = [pytest.mark.browser, pytest.mark.server]

GOOD = """\
title: {title}
sources:
  walk: {{type: random_walk, interval: 100ms}}
  wave: {{type: sine, interval: 100ms, k: {k}}}
views:
  walk: {{data: walk, kind: line, y: value}}
  wave: {{data: wave, kind: line, x: i, y: y}}
"""

BAD = """\
title: Broken
sources:
  walk: {type: random_walk, interval: 100ms}
  wave: {type: sine, interval: 100ms, k: 3}
views:
  walk: {data: walk, kind: line, y: value, "<script>alert(1)</script>": 1}
  wave: {data: wave, kind: linez, x: i, y: y}
"""


def header_text(page) -> str:
    return page.evaluate("() => document.title")


@pytest.fixture
def reload_server(tmp_path):
    (tmp_path / "live.yaml").write_text(GOOD.format(title="Version one", k=3))
    (tmp_path / "never.yaml").write_text(BAD)
    server = Server([str(tmp_path), "--autoreload"]).wait_ready()
    yield server, tmp_path
    server.stop()


def test_saving_reaches_open_pages_and_keeps_unchanged_sources(reload_server, chromium):
    server, folder = reload_server
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{server.url}/live")
        wait_for(lambda: header_text(page) == "Version one", timeout=30, message="v1")
        wait_for(lambda: server.status()["dashboards"]["live"]["sources"]["walk"]["rows"] > 5,
                 timeout=20)
        walk_before = server.status()["dashboards"]["live"]["sources"]["walk"]["rows"]
        wave_before = server.status()["dashboards"]["live"]["sources"]["wave"]["rows"]

        # a valid save: new title, a changed `wave`, an unchanged `walk`
        (folder / "live.yaml").write_text(GOOD.format(title="Version two", k=7))
        saved = time.monotonic()
        wait_for(lambda: header_text(page) == "Version two", timeout=10, interval=0.05, message="v2")
        assert time.monotonic() - saved < 2.5  # "within 2 s", plus the polling slack
        status = server.status()["dashboards"]["live"]["sources"]
        assert status["walk"]["rows"] >= walk_before      # kept its history
        assert status["wave"]["rows"] < wave_before + 5    # a new source: started over
        page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
        first = page.evaluate(DIGEST_JS)
        wait_for(lambda: page.evaluate(DIGEST_JS) != first, timeout=10)

        # an invalid save: the last good version keeps running, errors shown on top
        (folder / "live.yaml").write_text(BAD)
        banner = page.locator(".livedash-errors")
        wait_for(lambda: banner.count() > 0 and banner.first.is_visible()
                 and "live.yaml:6:" in banner.first.inner_text(), timeout=10,
                 message="the errors banner")
        text = banner.first.inner_text()
        assert "live.yaml:6:" in text and "unknown key '<script>alert(1)</script>'" in text
        assert "live.yaml:7:" in text and "did you mean 'line'?" in text
        assert page.evaluate("() => document.querySelectorAll('script:not([src])').length") \
            == page.evaluate("() => document.querySelectorAll('script:not([src])').length")
        assert header_text(page) == "Version two"
        first = page.evaluate(DIGEST_JS)
        wait_for(lambda: page.evaluate(DIGEST_JS) != first, timeout=10)

        # a page opened now shows the last good version and the errors
        other = chromium.new_page()
        other.goto(f"{server.url}/live")
        wait_for(lambda: other.locator(".livedash-errors").count() > 0
                 and "live.yaml:6:" in other.locator(".livedash-errors").first.inner_text(),
                 timeout=20, message="errors on a newly opened page")
        assert header_text(other) == "Version two"
        other.close()

        # fixing the file clears the errors
        (folder / "live.yaml").write_text(GOOD.format(title="Version three", k=7))
        wait_for(lambda: header_text(page) == "Version three", timeout=10)
        assert errors == []
    finally:
        page.close()


def test_a_page_on_a_file_that_was_never_valid_shows_its_errors(reload_server, chromium):
    server, _ = reload_server
    page = chromium.new_page()
    try:
        page.goto(f"{server.url}/never")
        errors = page.locator(".livedash-errors")
        wait_for(lambda: errors.count() > 0 and "never.yaml:6:" in errors.first.inner_text(),
                 timeout=20, message="the errors of never.yaml on its page")
        text = errors.first.inner_text()
        assert "never.yaml:6:" in text and "<script>alert(1)</script>" in text
        assert "Traceback" not in page.content()
    finally:
        page.close()
