"""A chart's Bokeh figure, drawn once by hvplot from the first frame.

HoloViews is used to *draw*, not to update: the plot object is cleaned up and dropped
right away, and the figure's data sources are fed directly afterwards (FIELD-NOTES: a
HoloViews refresh costs 7-13 ms per session and update, ``cds.stream`` about 1 ms).
:func:`build` returns the figure with, for time series and bars, the recipe of each
data source (:mod:`livedash.views.layers`); the ``by`` groups of a time series are then
given one shared source (:mod:`livedash.views.shared`). :func:`snapshot` reads back what a
figure shows, so that another figure with the same structure can be brought to it cheaply.
"""
from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import holoviews as hv
import pandas as pd
from bokeh.document import Document
from bokeh.models import ColorMapper, ColumnDataSource, FactorRange, Plot
from bokeh.models.renderers import GlyphRenderer
from holoviews.core.util import dimension_sanitizer
from holoviews.plotting.bokeh import BokehRenderer
from hvplot import hvPlotTabular

from ..spec.models import ViewSpec
from . import glyphs, shared
from .columns import as_list, check, flat, index_names, names, numeric
from .layers import Layer, Rows, agrees, infer
from .ohlc import candles

SERIES = frozenset({"line", "scatter", "points", "step", "area"})
"""Kinds drawn row by row: new rows are streamed."""
TABULAR = frozenset({"bar", "barh"})
"""Kinds whose sources hold the rows as they are (one bar per row): filled from the rows
like a time series, with their categories. Every other kind (hist, heatmap, ohlc, box,
...) is computed from all rows: redrawn, and the differences sent."""
_NO_X = frozenset({"hist", "kde", "density", "box", "violin"})  # y is the sample, no x
_DEFAULT_Y = SERIES | {"bar", "barh", "hist", "kde", "density", "box", "violin"}
_COLUMN_OPTIONS = ("C", "y2")  # options whose value names a column
_MAPPER_PROPS = ("low", "high", "factors", "palette")
HEIGHT = 300


@dataclass
class Built:
    """A drawn figure and, when its sources follow the rows, the recipe of each."""

    figure: Plot
    layers: list[Layer] = field(default_factory=list)
    streams: bool = False
    """Every source follows from the rows (checked): fill it directly, never redraw."""
    index: tuple[str, ...] = ()
    factors: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    """Categorical axis -> the (layer, source column) pairs whose values are its factors."""
    signature: tuple[Any, ...] = ()
    """The figure's structure (see :func:`snapshot`), read once: walking a figure's models
    costs milliseconds."""
    mappers: list[ColorMapper] = field(default_factory=list)

    def refactor(self) -> None:
        """Set each categorical axis to the values its sources now hold, in order."""
        for axis, found in self.factors.items():  # usually none
            rng = getattr(self.figure, f"{axis}_range")
            factors = _factors(self.layers, found)
            if list(rng.factors) != factors:
                rng.factors = factors


@dataclass
class Snapshot:
    """What a figure shows: each renderer's data, categorical factors, colour ranges."""

    signature: tuple[Any, ...]
    data: list[dict[str, Any]]
    factors: dict[str, list[Any]]
    mappers: list[dict[str, Any]]


def named(spec: ViewSpec) -> dict[str, list[str]]:
    """The columns ``spec`` names, by the key that names them."""
    wanted = {"x": as_list(spec.x), "y": as_list(spec.y), "by": as_list(spec.by)}
    return wanted | {f"options.{k}": as_list(spec.options[k]) for k in _COLUMN_OPTIONS
                     if isinstance(spec.options.get(k), (str, list))}


def arguments(spec: ViewSpec, name: str, frame: pd.DataFrame) -> dict[str, Any]:
    """The hvplot keywords for ``spec``; raises ``ValueError`` for a missing column."""
    check(name, spec.data, frame, named(spec))
    kind, x, by = spec.kind, spec.x, as_list(spec.by)
    y: str | list[str] | None = spec.y
    if x is None and kind not in _NO_X and index_names(frame):
        x = index_names(frame)[0]
    if y is None and kind in _DEFAULT_Y:
        y = numeric(frame, exclude=[c for c in (x, *by) if c])
        if not y:
            raise ValueError(f"view {name!r}: the data of {spec.data!r} has no numeric "
                             f"column to plot; set y to one of: {', '.join(names(frame))}")
    size = {} if {"width", "frame_width"} & set(spec.options) else {"responsive": True}
    args: dict[str, Any] = {"kind": kind, "title": spec.title or name, "height": HEIGHT,
                            **size}
    for key, value in (("x", x), ("y", y[0] if isinstance(y, list) and len(y) == 1 else y),
                       ("by", spec.by)):
        if value is not None:
            args[key] = value
    return {**args, **spec.options}


class Redraw(ValueError):
    """Drawing failed for a reason that is not the view's settings: try again later."""


def build(spec: ViewSpec, name: str, frame: pd.DataFrame) -> Built:
    """Draw ``frame`` as ``spec`` says; ``ValueError`` names the view and what is wrong."""
    args = arguments(spec, name, frame)
    if "groupby" in args or args.get("subplots"):
        raise ValueError(f"view {name!r}: options groupby and subplots are not supported; "
                         "make one view per plot")
    try:
        with _unknown_options() as unknown:
            if spec.kind == "ohlc":
                obj = candles(flat(frame), args)
            else:
                obj = hvPlotTabular(flat(frame))(**args)
        if unknown:
            raise ValueError(f"view {name!r}: {'; '.join(unknown)}")
        # A throwaway document: given none, HoloViews attaches the plot to the session's
        # curdoc, sets that document's theme, and keeps the plot until the session ends.
        plot = BokehRenderer.get_plot(obj, doc=Document())
    except ImportError as exc:
        raise ValueError(f"view {name!r}: kind {spec.kind!r} cannot be drawn: {exc}") from exc
    except ValueError:
        raise
    except Exception as exc:  # hvplot/HoloViews: DataError, KeyError, TypeError ...
        logging.getLogger("livedash").debug("view %r: hvplot failed", name, exc_info=True)
        if isinstance(exc, RuntimeError) and "_pending_writes" in str(exc):
            # Seen when many sessions open at once on a loaded server: Bokeh reports a
            # document changed outside its lock while the figure was drawn. Nothing is
            # wrong with the settings: the chart is drawn again with the next data.
            raise Redraw(f"view {name!r}: drawing was interrupted; drawing again") from exc
        raise ValueError(f"view {name!r}: hvplot cannot draw kind {spec.kind!r} with "
                         f"these settings: {exc}") from exc
    fig = plot.state
    if not isinstance(fig, Plot):
        plot.cleanup()
        # ValueError, as every setting that does not fit (the runtime shows it in place)
        raise ValueError(f"view {name!r}: hvplot made a {type(fig).__name__}, "  # noqa: TRY004
                         "not one plot")
    # A 2D canvas, not HoloViews' default WebGL: a dashboard's few thousand points paint
    # in half the time, and WebGL without a GPU (headless, remote desktops) runs in
    # software (render p50 32 vs 17 ms per tick in headless Chromium).
    fig.output_backend = "canvas"
    built = Built(fig, index=tuple(index_names(frame)))
    if spec.kind in SERIES | TABULAR:
        built.layers, built.streams = _layers(plot, spec, frame, built.index)
        if built.streams and spec.kind in shared.KINDS and spec.by:
            shared.share(fig, built.layers, as_list(spec.by), Rows(frame, built.index))
        built.factors = _factor_sources(fig, built.layers)
        built.streams = built.streams and all(
            list(map(str, getattr(fig, f"{axis}_range").factors)) == _factors(built.layers, found)
            for axis, found in built.factors.items())
    built.signature, built.mappers = _structure(fig)
    inverted = bool(getattr(plot, "invert_axes", False))
    keep_x, keep_y = "xlim" in spec.options, "ylim" in spec.options
    glyphs.follow_data(fig, keep_y if inverted else keep_x, keep_x if inverted else keep_y,
                       series=spec.kind in SERIES)
    plot.cleanup()
    return built


def _layers(plot: Any, spec: ViewSpec, frame: pd.DataFrame,
            index: tuple[str, ...]) -> tuple[list[Layer], bool]:
    """One layer per overlay member (areas and steps swapped to streamable glyphs), and
    True when every source follows from the rows as HoloViews drew them."""
    last = plot.hmap.last
    kdims = [d.name for d in last.kdims] if isinstance(last, hv.NdOverlay) else []
    members = list(plot.subplots.items()) if getattr(plot, "subplots", None) else [((), plot)]
    rows, have = Rows(frame, index), names(frame)
    layers: list[Layer] = []
    streams = len(plot.state.renderers) == len(members)
    below: tuple[str, ...] = ()  # y columns of the areas stacked under this one
    for key, sub in members:
        renderer, element = sub.handles.get("glyph_renderer"), sub.current_frame
        if renderer is None or element is None:
            return layers, False
        key = dict(zip(kdims, key if isinstance(key, tuple) else (key,), strict=False))
        layer = Layer(renderer, {k: v for k, v in key.items() if k in have})
        layers.append(layer)
        dims = [d.name for d in element.dimensions()]
        stacked = None
        if spec.kind == "area" and "Baseline" in dims:
            stacked = {dims[1]: (*below, dims[1]), "Baseline": below}
            below = (*below, dims[1])
        streams = _recipe(layer, spec, element, key, rows, have, stacked) and streams
    return layers, streams


def _recipe(layer: Layer, spec: ViewSpec, element: Any, key: dict[str, Any], rows: Rows,
            have: list[str], stacked: dict[str, tuple[str, ...]] | None) -> bool:
    """Find how ``layer``'s source follows from the rows; swap area and step glyphs.

    True when the recipe reproduces what HoloViews drew from the same rows.
    """
    dims = [d.name for d in element.dimensions()]
    drawn = {dimension_sanitizer(d): element.dimension_values(d) for d in dims}
    if spec.kind in ("area", "step"):
        # the source will hold the rows themselves, plus the overlay key for the hover
        data = drawn | {dimension_sanitizer(k): [v] * len(element) for k, v in key.items()}
    else:
        data = drawn = dict(layer.source.data)
    spelled = {dimension_sanitizer(d): d for d in dims} | {d: d for d in dims}
    columns = infer(data, spelled, have, stacked)
    if columns is None:
        return False
    layer.columns = columns
    x, y = dimension_sanitizer(dims[0]), dimension_sanitizer(dims[1])
    if spec.kind == "area":
        base = dimension_sanitizer(dims[2]) if len(dims) > 2 else None
        glyphs.to_varea(layer.renderer, data, x, y, base)
    elif spec.kind == "step":
        glyphs.to_step(layer.renderer, data, x, y, str(spec.options.get("where", "mid")))
    return agrees(layer, rows, {k: v for k, v in drawn.items() if columns[k].sum_of})


def _factor_sources(fig: Plot, layers: list[Layer]) -> dict[str, list[tuple[int, str]]]:
    """Which source columns place glyphs on each categorical axis (bars: ``x`` or ``y``)."""
    out: dict[str, list[tuple[int, str]]] = {}
    for axis in ("x", "y"):
        if isinstance(getattr(fig, f"{axis}_range"), FactorRange):
            out[axis] = [(i, field) for i, layer in enumerate(layers)
                         if axis in layer.renderer.glyph.properties()
                         and isinstance(field := getattr(layer.renderer.glyph, axis), str)]
    return out


def _factors(layers: list[Layer], found: list[tuple[int, str]]) -> list[str]:
    """The distinct values of the given source columns, in order of appearance."""
    seen: dict[str, None] = {}
    for i, key in found:
        seen.update(dict.fromkeys(map(str, layers[i].source.data[key])))
    return list(seen)


def renderers(fig: Plot) -> list[GlyphRenderer]:
    """The figure's glyph renderers, in drawing order."""
    return [r for r in fig.renderers if isinstance(r, GlyphRenderer)]


def sources(fig: Plot) -> list[ColumnDataSource]:
    """The data source of each glyph renderer, in drawing order."""
    return [cast(ColumnDataSource, r.data_source) for r in renderers(fig)]


def _structure(fig: Plot) -> tuple[tuple[Any, ...], list[ColorMapper]]:
    """A signature of what a figure draws (glyphs, their columns, axes, colour maps):
    figures with the same signature differ only in data, factors and colour ranges."""
    mappers = [m for m in fig.select({"type": ColorMapper}) if isinstance(m, ColorMapper)]
    signature = (tuple((type(r.glyph).__name__, tuple(s.data))
                       for r, s in zip(renderers(fig), sources(fig), strict=True)),
                 type(fig.x_range).__name__, type(fig.y_range).__name__,
                 tuple(type(m).__name__ for m in mappers))
    return signature, mappers


def snapshot(built: Built) -> Snapshot:
    """Everything that a figure with the same structure needs to show what ``built`` does."""
    fig = built.figure
    ranges = {"x": fig.x_range, "y": fig.y_range}
    return Snapshot(built.signature, [dict(s.data) for s in sources(fig)],
                    {a: list(r.factors) for a, r in ranges.items() if isinstance(r, FactorRange)},
                    [{k: getattr(m, k) for k in _MAPPER_PROPS if hasattr(m, k)}
                     for m in built.mappers])


@contextmanager
def _unknown_options() -> Iterator[list[str]]:
    """Collect hvplot's "option not found" warnings from this thread.

    hvplot only logs an unknown keyword (``param.main`` warning) and draws without it;
    a dashboard should be told instead.
    """
    found: list[str] = []
    me = threading.get_ident()

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            text = record.getMessage()
            if record.thread != me or "option not found for" not in text:
                return
            option, rest = text.split(" option not found for ", 1)
            kind = rest.split(" plot", 1)[0]
            similar = re.findall(r"'([^']+)'", rest.split("similar options include:", 1)[-1])
            hint = f"; did you mean {' or '.join(map(repr, dict.fromkeys(similar)))}?" \
                if similar else ""
            found.append(f"unknown option {option.strip()!r} for kind {kind}{hint}")

    logger = logging.getLogger("param")
    handler = Catch()
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)
