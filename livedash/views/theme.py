"""Colours of views in a dark dashboard.

Inside a dark Panel template the page's design gives every Bokeh model its dark theme
(the document theme), so nothing is needed. Elsewhere (a notebook, ``panel serve`` of a
plain script) a chart still has to look right: a theme given to the model alone does not
last, because Bokeh applies the *document's* theme to every model attached to it
(``Model._attach_document``), replacing what ``pn.pane.Bokeh(theme=...)`` applied. So the
dark theme's values are written into the figure as its own, which no theme overrides.
"""
from __future__ import annotations

from typing import Any

import panel as pn
from bokeh.model import Model
from panel.theme.base import DarkTheme


def _needed(theme: str) -> bool:
    return theme == "dark" and pn.config.theme != "dark"


def paint(root: Model, theme: str) -> None:
    """Give ``root`` and its parts Panel's dark colours unless the page is dark already.

    Values set explicitly (by HoloViews or by the user's options) are kept.
    """
    if not _needed(theme):
        return
    attrs: dict[str, dict[str, Any]] = DarkTheme.param.bokeh_theme.default._json["attrs"]
    for model in root.references():
        own = set(model.properties_with_values(include_defaults=False))
        for cls in type(model).__mro__:  # the most specific class first, as Bokeh does
            for key, value in attrs.get(cls.__name__, {}).items():
                if key not in own and key in model.properties():
                    setattr(model, key, value)
                    own.add(key)


def tabulator(theme: str) -> dict[str, str]:
    """Keyword arguments that make a Tabulator dark when the page is not."""
    return {"theme": "midnight"} if _needed(theme) else {}
