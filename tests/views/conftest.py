"""Fixtures for view tests: a registry of the view types and pages to attach views to."""
from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from bokeh.document import Document
from view_pages import Page

from livedash.plugins import ViewContext
from livedash.registry import Registry
from livedash.spec.models import ViewSpec
from livedash.views import chart, gauge, number, table, trend


@pytest.fixture(scope="session")
def registry() -> Registry:
    """Only the view types (the other modules are not under test here)."""
    out = Registry()
    for module in (chart, table, number, gauge, trend):
        module.register(out)
    return out


@pytest.fixture
def page(registry: Registry):
    """``page(frame, kind=..., **spec)`` builds a view and attaches it to a document."""
    def make(frame: pd.DataFrame, *, whole: bool = False, theme: str = "default",
             name: str = "v", **spec: Any) -> Page:
        spec.setdefault("data", "src")
        view_spec = ViewSpec(**spec)
        info = registry.get("view", view_spec.kind)
        assert info is not None, view_spec.kind
        view = info.factory(view_spec, ViewContext(name, frame, whole, theme))
        doc = Document()
        doc.add_root(view.panel.get_root(doc))
        out = Page(view, doc)
        doc.on_change(out.events.append)
        return out
    return make
