"""One data source for all the ``by`` groups of a time series: one stream per tick.

hvplot draws a ``by=`` overlay with one ``ColumnDataSource`` per group, so rows of G
groups travelled as G ``stream`` messages, each repeating its group's name on every row
(2.2 x one raw ``cds.stream`` of the same rows, bench wire). After drawing, :func:`share`
points every group's renderer at one new source holding the rows of all groups, in the
order they came, each renderer showing its own through a
``CDSView(filter=GroupFilter(...))`` that BokehJS evaluates. A tick is then a single
stream of exactly the new rows; colours, legend and hover stay as hvplot drew them.

What BokehJS 3.9 does with that (read in ``bokeh.js``, checked in Chromium by
``tests/views/test_view_browser.py``):

* A glyph receives only the rows of its renderer's view (``Glyph.set_data`` selects
  ``view.indices``), so a ``Line`` joins its own group's points in order, as it did with a
  source of its own. The view is recomputed on every ``stream`` and ``patch``.
* The hover tool reads a Line's row at its index *within the view* from the whole source
  (``HoverToolView.render_entries``; BokehJS: "line_indices don't support subset
  indexing"), which would name another group's row. A Line's tooltips therefore read the
  hovered point itself: ``$snap_x``/``$snap_y`` (with ``line_policy="nearest"``, the
  point's own x and y) and the group from the renderer's name (``$name``). Markers
  (scatter, points) convert the index and keep their tooltips; a ``Step`` has no hover.
  Areas keep a source per group: a ``VArea``'s tooltip has no snapped point to read.
* Bokeh's Python validation still logs ``E-1024 CDSVIEW_FILTERS_WITH_CONNECTED`` for a
  Line over a filtered view (written for BokehJS 2, whose Line drew the filtered rows as
  if joined with the others); it is not logged for the renderers made here.

What the chart keeps: the shared source holds the last ``backlog`` x (number of groups)
rows of all groups together (:func:`last_rows`), dropped oldest first with ``rollover``.
With groups that arrive at the same rate that is ``backlog`` rows per group, as before; a
group that arrives more often shows more rows, and every group covers the same recent
span. A group whose rows have all left that span shows no line (its legend entry stays).
"""
from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from bokeh.models import (CDSView, ColumnDataSource, GroupFilter, HoverTool,
                          IntersectionFilter, Line, Plot, Scatter, Step)
from bokeh.models.filters import Filter
from bokeh.models.renderers import GlyphRenderer

from .columns import index_names
from .layers import Column, Layer, Rows

KINDS = frozenset({"line", "scatter", "points", "step"})
"""Time-series kinds whose ``by`` groups share one source (areas keep one per group)."""
_GLYPHS = (Line, Scatter, Step)
# A tooltip field, as BokehJS's templating parses it: @col, @{col}, $var, @$name + {format}
_FIELD = re.compile(r"(@\$|@|\$)(\w+|\{[^{}]+\})(?:\{([^{}]+)\})?")
_VALIDATION = "bokeh.core.validation.check"
_ours: weakref.WeakValueDictionary[str, GlyphRenderer] = weakref.WeakValueDictionary()


def share(fig: Plot, layers: list[Layer], by: list[str], rows: Rows) -> bool:
    """Make the layers of a ``by`` overlay show ``rows`` from one source; False (nothing
    changed) when they cannot: glyphs or recipes that differ between groups, a group
    value a filter cannot compare, or tooltips that a Line cannot answer."""
    if not layers or not by:
        return False
    first = layers[0]
    glyph = first.renderer.glyph
    recipe = dict(first.columns)
    if not isinstance(glyph, _GLYPHS) or any(
            type(layer.renderer.glyph) is not type(glyph) or layer.columns != recipe
            or set(layer.match) != set(by) for layer in layers):
        return False
    if any(not column.sum_of for column in recipe.values()):
        return False  # a constant (hvplot's Variable) differs from group to group
    keys = {}  # by column -> its source column (added when hvplot left it out)
    for name in by:
        key = next((k for k, c in recipe.items() if c.sum_of == (name,)), None)
        if key is None:
            key = name if name not in recipe else f"{name}__group"
            recipe[key] = Column((name,))
        keys[name] = key
    groups = [{name: _native(layer.match[name]) for name in by} for layer in layers]
    if any(value is None for group in groups for value in group.values()):
        return False
    renderers = {id(layer.renderer) for layer in layers}
    hovers = [h for h in fig.select({"type": HoverTool}) if isinstance(h, HoverTool)
              and (h.renderers == "auto" or renderers & {id(r) for r in h.renderers})]
    snapped: list[tuple[Any, dict[str, Any]]] = []
    if isinstance(glyph, Line):
        for hover in hovers:
            found = _snapped(hover, glyph, keys)
            if found is None:
                return False
            snapped.append(found)
    masks = [rows.mask(layer.match) for layer in layers]
    mask = np.logical_or.reduce([m for m in masks if m is not None])
    source = ColumnDataSource(rows.compute(Layer(first.renderer, {}, recipe), mask))
    for layer, group in zip(layers, groups, strict=True):
        layer.columns = dict(recipe)
        layer.renderer.data_source = source
        layer.renderer.view = CDSView(filter=_filter(keys, group))
        if isinstance(glyph, Line):
            layer.renderer.name = ", ".join(_label(v) for v in group.values())
            _ours[layer.renderer.id] = layer.renderer
    for hover, (tooltips, formatters) in zip(hovers, snapped, strict=False):
        hover.update(tooltips=tooltips, formatters=formatters, line_policy="nearest")
    return True


def last_rows(frame: pd.DataFrame, by: list[str], backlog: int) -> pd.DataFrame:
    """The rows a shared source shows: the last ``backlog`` x groups rows that have a
    group (a row whose group is missing is drawn by no one)."""
    rows = Rows(frame, tuple(index_names(frame)))
    keys = pd.DataFrame({name: rows.column(name) for name in by})
    known = keys.notna().all(axis=1).to_numpy()
    cap = backlog * len(keys[known].drop_duplicates())
    keep = known & (np.cumsum(known[::-1])[::-1] <= cap)
    return frame if keep.all() else frame[keep]


def _filter(keys: Mapping[str, str], group: Mapping[str, Any]) -> Filter:
    filters = [GroupFilter(column_name=keys[name], group=value) for name, value in group.items()]
    return filters[0] if len(filters) == 1 else IntersectionFilter(operands=filters)


def _native(value: Any) -> Any:
    """A group value as BokehJS compares it with the source's column, or None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return None  # a boolean column reaches the browser as 0 and 1
    if isinstance(value, (str, int)) or (isinstance(value, float) and np.isfinite(value)):
        return value
    return None  # times, NaN, objects: not compared reliably in the browser


def _label(value: Any) -> str:
    """``value`` as a tooltip shows a column value (BokehJS ``basic_formatter``)."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):d}"
    if isinstance(value, float):
        return f"{value:0.3f}" if 0.1 < abs(value) < 1000 else f"{value:0.3e}"
    return str(value)


def _snapped(hover: HoverTool, glyph: Line, keys: Mapping[str, str]) -> \
        tuple[Any, dict[str, Any]] | None:
    """``hover``'s tooltips and formatters reading a Line's hovered point instead of its
    row, or None when a tooltip needs a column other than x, y and the one group."""
    tips = hover.tooltips
    x, y = glyph.x, glyph.y
    if not isinstance(tips, list) or not isinstance(x, str) or not isinstance(y, str):
        return None
    group = next(iter(keys.values())) if len(keys) == 1 else None
    spelled = {x: "$snap_x", y: "$snap_y"} | ({group: "$name"} if group else {})
    formatters = dict(hover.formatters)
    out = []
    for label, template in tips:
        if not isinstance(template, str):
            return None
        fields = list(_FIELD.finditer(template))
        for match in fields:
            kind, name = match.group(1), match.group(2).strip("{}").strip()
            if kind == "@$" or (kind == "@" and name not in spelled) or \
                    (kind == "$" and name == "index"):
                return None
        out.append((label, _FIELD.sub(lambda m: _respell(m, spelled, formatters), template)))
    return out, formatters


def _respell(match: re.Match[str], spelled: Mapping[str, str],
             formatters: dict[str, Any]) -> str:
    kind, content, fmt = match.group(1), match.group(2), match.group(3)
    if kind != "@":
        return match.group(0)
    new = spelled[content.strip("{}").strip()]
    for old in (f"@{content}", f"@{{{content.strip('{}')}}}", f"@{content.strip('{}')}"):
        if old in formatters:
            formatters[new] = formatters.pop(old)
    return new + (f"{{{fmt}}}" if fmt else "")


class _Known(logging.Filter):
    """Drops Bokeh's E-1024 for Lines made here (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "E-1024" not in text:
            return True
        found = re.search(r"GlyphRenderer\(id='([^']+)'", text)
        return not (found and found.group(1) in _ours)


logging.getLogger(_VALIDATION).addFilter(_Known())
