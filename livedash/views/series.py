"""Feeding a figure from rows: only new rows (or changed ones) go to the browser.

Each data source keeps the last ``backlog`` rows of its share of the data: one per layer
(a line), or one for all the ``by`` groups of a chart that share a source
(:mod:`livedash.views.shared`), which keeps ``backlog`` x groups rows. The feed counts how
many rows of each source the upstream result holds, so that when rows leave upstream (a
window) the sources drop exactly those: ``rollover = min(kept, rows upstream)``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import cds as cds_ops
from .figure import Built
from .layers import Layer, Rows


def slack(target: int) -> int:
    """Old rows a source may keep for a while rather than being resent (see cds)."""
    return target // 20


class Sink:
    """One data source of a figure and the layers that show it: one, or every ``by``
    group of a chart whose groups share a source.

    ``index`` gives the positions of those layers in ``built.layers``.
    """

    def __init__(self, layers: list[Layer], index: list[int], backlog: int) -> None:
        self.index = index
        self.source = layers[index[0]].source
        self.recipe = layers[index[0]]  # the layers of one source compute its columns alike
        self.keep = max(backlog * len(index), cds_ops.length(self.source))
        """Rows kept: ``backlog`` per layer, and never fewer than were drawn."""

    def mask(self, masks: list[np.ndarray | None]) -> np.ndarray | None:
        """The rows of this source, given each layer's rows (``None``: all rows)."""
        mine = [masks[i] for i in self.index]
        if any(m is None for m in mine):
            return None
        return mine[0] if len(mine) == 1 else np.logical_or.reduce(mine)


class Feed:
    """Streams rows into the sources of a figure built by :func:`figure.build`, or brings
    them to a new complete result (time series, and bars that show rows as they are).

    Parameters
    ----------
    built
        The figure and the recipe of each of its sources (``built.streams`` is True).
    frame
        The upstream result the figure was drawn from (all of it, not only the
        backlog), to count each source's rows.
    backlog
        Rows kept per layer.
    """

    def __init__(self, built: Built, frame: pd.DataFrame, backlog: int) -> None:
        self.built = built
        self.backlog = backlog
        by_source: dict[int, list[int]] = {}
        for i, layer in enumerate(built.layers):
            by_source.setdefault(id(layer.source), []).append(i)
        self.sinks = [Sink(built.layers, index, backlog) for index in by_source.values()]
        rows = Rows(frame, built.index)
        masks = [rows.mask(layer.match) for layer in built.layers]
        self.upstream = [_count(sink.mask(masks), len(rows)) for sink in self.sinks]

    def rows(self, new: Rows, gone: Rows) -> bool:
        """Stream the ``new`` rows and drop the ``gone`` ones (the oldest); False: a new
        group. Both are read as :class:`~livedash.views.layers.Rows` of the figure's
        index (:meth:`read`), which the sessions of a view share."""
        masks = [new.mask(layer.match) for layer in self.built.layers]
        if not _covers(new, self.built.layers, masks):
            return False
        gone_masks = [gone.mask(layer.match) for layer in self.built.layers] if len(gone) \
            else []
        for i, sink in enumerate(self.sinks):
            mask = sink.mask(masks)
            count = _count(mask, len(new))
            drop = _count(sink.mask(gone_masks), len(gone)) if len(gone) else 0
            self.upstream[i] = max(0, self.upstream[i] + count - drop)
            if not count and not drop:
                continue
            target = min(sink.keep, self.upstream[i])
            cds_ops.append(sink.source, new.compute(sink.recipe, mask), target, slack(target))
        self.built.refactor()  # a categorical x axis (rare for a series) gains new values
        return True

    def read(self, frame: pd.DataFrame) -> Rows:
        """``frame`` as rows whose columns this figure reads (computed once, when asked)."""
        return Rows(frame, self.built.index)

    def replace(self, frame: pd.DataFrame) -> bool:
        """Show ``frame`` (a complete new result); False: it has a group not yet drawn."""
        rows = Rows(frame, self.built.index)
        masks = [rows.mask(layer.match) for layer in self.built.layers]
        if not _covers(rows, self.built.layers, masks):
            return False
        for i, sink in enumerate(self.sinks):
            mask = sink.mask(masks)
            self.upstream[i] = _count(mask, len(rows))
            if mask is not None:
                mask = mask & (np.cumsum(mask[::-1])[::-1] <= sink.keep)
            elif len(rows) > sink.keep:
                mask = np.arange(len(rows)) >= len(rows) - sink.keep
            cds_ops.sync(sink.source, rows.compute(sink.recipe, mask))
        self.built.refactor()
        return True


def _count(mask: np.ndarray | None, size: int) -> int:
    return size if mask is None else int(mask.sum())


def _covers(rows: Rows, layers: list[Layer], masks: list[np.ndarray | None]) -> bool:
    """True when every row belongs to a layer: no ``by`` group appeared. Rows whose group
    is missing (NaN, None) belong to none, as hvplot leaves them out too."""
    if not masks or any(m is None for m in masks):
        return True
    free = ~np.logical_or.reduce([m for m in masks if m is not None])
    if not free.any():
        return True
    missing = np.zeros(int(free.sum()), dtype=bool)
    for name in layers[0].match:
        missing |= np.asarray(pd.isna(rows.column(name)[free]), dtype=bool)
    return bool(missing.all())
