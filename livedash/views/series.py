"""Feeding a figure from rows: only new rows (or changed ones) go to the browser.

Each layer (a line, or one ``by`` group) keeps the last ``backlog`` rows of its share of
the data. The feed counts how many rows of each layer the upstream result holds, so
that when rows leave upstream (a window) the sources drop exactly those:
``rollover = min(backlog, rows upstream)``.
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


class Feed:
    """Streams rows into the layers of a figure built by :func:`figure.build`, or brings
    them to a new complete result (time series, and bars that show rows as they are).

    Parameters
    ----------
    built
        The figure and the recipe of each of its sources (``built.streams`` is True).
    frame
        The upstream result the figure was drawn from (all of it, not only the
        backlog), to count each layer's rows.
    backlog
        Rows kept per layer.
    """

    def __init__(self, built: Built, frame: pd.DataFrame, backlog: int) -> None:
        self.built = built
        self.backlog = backlog
        rows = Rows(frame, built.index)
        self.upstream = [_count(rows.mask(layer.match), len(rows)) for layer in built.layers]

    def rows(self, added: pd.DataFrame, removed: pd.DataFrame | None) -> bool:
        """Stream ``added`` and drop ``removed`` (the oldest rows); False: a new group."""
        new = Rows(added, self.built.index)
        masks = [new.mask(layer.match) for layer in self.built.layers]
        if not _covers(new, self.built.layers, masks):
            return False
        gone = Rows(removed, self.built.index) if removed is not None and len(removed) else None
        for i, (layer, mask) in enumerate(zip(self.built.layers, masks, strict=True)):
            count = _count(mask, len(new))
            drop = _count(gone.mask(layer.match), len(gone)) if gone is not None else 0
            self.upstream[i] = max(0, self.upstream[i] + count - drop)
            if not count and not drop:
                continue
            target = min(self.backlog, self.upstream[i])
            cds_ops.append(layer.source, new.compute(layer, mask), target, slack(target))
        self.built.refactor()  # a categorical x axis (rare for a series) gains new values
        return True

    def replace(self, frame: pd.DataFrame) -> bool:
        """Show ``frame`` (a complete new result); False: it has a group not yet drawn."""
        rows = Rows(frame, self.built.index)
        masks = [rows.mask(layer.match) for layer in self.built.layers]
        if not _covers(rows, self.built.layers, masks):
            return False
        for i, (layer, mask) in enumerate(zip(self.built.layers, masks, strict=True)):
            self.upstream[i] = _count(mask, len(rows))
            if mask is not None:
                mask = mask & (np.cumsum(mask[::-1])[::-1] <= self.backlog)
            elif len(rows) > self.backlog:
                mask = np.arange(len(rows)) >= len(rows) - self.backlog
            cds_ops.sync(layer.source, rows.compute(layer, mask))
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
