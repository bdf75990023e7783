"""``kind: ohlc``: candlesticks, drawn like hvplot's but with three colours.

hvplot's ohlc colours a candle by ``open > close`` only (a flat candle gets the rising
colour) and sizes candles from the smallest gap between them, which fails for a single
candle. Livedash builds the same elements (wicks as ``Segments``, bodies as
``Rectangles``) with a third ``flat_color`` and a width that also works for one candle.
"""
from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
from holoviews import dim

COLOURS = {"pos_color": "#26a69a", "neg_color": "#ef5350", "flat_color": "#9e9e9e"}
PLOT_OPTIONS = ("title", "height", "width", "responsive", "xlabel", "ylabel", "xlim", "ylim",
                "frame_width", "frame_height", "fontscale", "toolbar", "shared_axes")


def candles(frame: pd.DataFrame, args: dict[str, Any]) -> hv.Overlay:
    """Wicks and bodies for ``frame`` (columns open, high, low, close unless ``y`` names
    four others); ``args`` are the hvplot keywords livedash would have passed."""
    args = dict(args)
    args.pop("kind", None)
    args.pop("by", None)
    x = args.pop("x", None) or next((c for c in frame.columns
                                     if pd.api.types.is_datetime64_any_dtype(frame[c])),
                                    frame.columns[0])
    y = args.pop("y", None)
    o, h, low, c = y if isinstance(y, list) and len(y) == 4 else ("open", "high", "low", "close")
    colours = {key: args.pop(key, default) for key, default in COLOURS.items()}
    line = args.pop("line_color", None)
    fraction = float(args.pop("bar_width", 0.7))
    unknown = sorted(set(args) - set(PLOT_OPTIONS))
    if unknown:
        raise ValueError(f"option(s) {', '.join(unknown)} are not supported for ohlc; "
                         f"supported: {', '.join(sorted({*PLOT_OPTIONS, *COLOURS}))}, "
                         "bar_width, line_color")
    xs = frame[x]
    distinct = np.unique(xs.to_numpy())
    if len(distinct) > 1:
        spacing = np.min(np.diff(distinct))
    else:  # one candle: a minute for times, one unit otherwise
        spacing = np.timedelta64(60, "s") if xs.dtype.kind == "M" else 1
    half = spacing * fraction / 2
    data = frame.assign(lbound=xs - half, ubound=xs + half,
                        direction=np.sign(frame[c] - frame[o]).fillna(0).astype(int))
    colour = dim("direction").categorize({1: colours["pos_color"], 0: colours["flat_color"],
                                          -1: colours["neg_color"]}, default="grey")
    vdims = ["direction", o, h, low, c]
    wicks = hv.Segments(data, [x, low, x, h], vdims).opts(color=line or colour)
    bodies = hv.Rectangles(data, ["lbound", o, "ubound", c], vdims).opts(
        color=colour, line_color=line or colour, tools=["hover"])
    plot = {k: args[k] for k in PLOT_OPTIONS if k in args}
    prefix = _common_prefix([o, h, low, c])
    plot.setdefault("ylabel", prefix or "price")
    return (wicks * bodies).opts(**plot)


def _common_prefix(names: list[str]) -> str:
    """``price`` for ``price_open, price_high, ...``; empty when they share none."""
    parts = [name.rsplit("_", 1)[0] for name in names if "_" in name]
    return parts[0] if len(parts) == len(names) and len(set(parts)) == 1 else ""
