"""What a view shows before it has data, or when its settings do not fit the data."""
from __future__ import annotations

import html

from bokeh.models.widgets import Div

HEIGHT = 300


def placeholder(title: str, height: int = HEIGHT) -> Div:
    """A box the size of the view saying that it waits for its first rows.

    A push source has no rows (not even columns) until the first POST arrives; the view
    is built then, in place of this box.
    """
    text = f"<b>{html.escape(title, quote=False)}</b><br>Waiting for data\N{HORIZONTAL ELLIPSIS}"
    return Div(text=text,
               height=height, sizing_mode="stretch_width",
               styles={"opacity": "0.7", "padding": "1em"})


def problem(message: str, height: int = HEIGHT) -> Div:
    """A box in place of the view saying what is wrong (a column missing from new data)."""
    return Div(text=f"<b>This view cannot be shown</b><br>{html.escape(message, quote=False)}",
               height=height, sizing_mode="stretch_width",
               styles={"color": "#b00020", "padding": "1em", "white-space": "pre-wrap"})
