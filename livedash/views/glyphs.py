"""Bokeh glyphs that can take streamed rows, in place of those HoloViews draws.

HoloViews draws an area as one ``Patch`` polygon (the rows twice, forward along the top
and back along the baseline) and a step line as a ``Line`` over rows it interpolated
itself (``interpolation='steps-mid'``, two points per row). Neither can grow by
appending rows. Bokeh has glyphs that draw the same from the plain rows: ``VArea``
(fill between ``y1`` and ``y2``) and ``Step`` (``mode`` before/center/after), so the
glyph is swapped inside the same ``GlyphRenderer``: legend items and hover tools keep
pointing at it, and colours and alphas carry over.
"""
from __future__ import annotations

from typing import Any

from bokeh.models import ColumnDataSource, DataRange1d, Plot, Range1d, Step, VArea
from bokeh.models.glyph import Glyph
from bokeh.models.renderers import GlyphRenderer

# hvplot's ``where=`` (as matplotlib's step) -> Bokeh's Step.mode
STEP_MODES = {"mid": "center", "pre": "before", "post": "after"}
_SLOTS = ("glyph", "selection_glyph", "nonselection_glyph", "hover_glyph", "muted_glyph")
_GEOMETRY = {"x", "y", "y1", "y2", "mode", "tags", "name"}


def to_varea(renderer: GlyphRenderer, data: dict[str, Any], x: str, y: str,
             base: str | None) -> None:
    """Draw ``renderer`` as a ``VArea`` from ``y`` down to ``base`` (a column) or to 0."""
    geometry: dict[str, Any] = {"x": x, "y2": y, "y1": base if base is not None else 0}
    _swap(renderer, data, VArea, geometry)


def to_step(renderer: GlyphRenderer, data: dict[str, Any], x: str, y: str, where: str) -> None:
    """Draw ``renderer`` as a ``Step`` line; ``where`` is hvplot's mid, pre or post."""
    _swap(renderer, data, Step, {"x": x, "y": y, "mode": STEP_MODES.get(where, "center")})


def _swap(renderer: GlyphRenderer, data: dict[str, Any], cls: type[Glyph],
          geometry: dict[str, Any]) -> None:
    for slot in _SLOTS:
        old = getattr(renderer, slot)
        if isinstance(old, Glyph):
            props = {k: v for k, v in old.properties_with_values(include_defaults=False).items()
                     if k in cls.properties() and k not in _GEOMETRY}
            setattr(renderer, slot, cls(**geometry, **props))
    renderer.data_source = ColumnDataSource(data)


def follow_data(fig: Plot, keep_x: bool, keep_y: bool, series: bool) -> None:
    """Let the browser fit the axes to the data as it changes (``DataRange1d``).

    HoloViews fixes each axis to the range of the first data (``Range1d``), so streamed
    rows would leave the view. An axis the user fixed (``xlim``/``ylim``) stays, and so do
    categorical axes (their factors are copied on updates). A time series fills its x
    axis edge to edge, as HoloViews draws it.
    """
    if not keep_x and isinstance(fig.x_range, Range1d):
        fig.x_range = DataRange1d(range_padding=0 if series else 0.1)
    if not keep_y and isinstance(fig.y_range, Range1d):
        fig.y_range = DataRange1d()
