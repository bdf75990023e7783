"""``window``: the last N rows, or the rows of the last span of index time.

Examples
--------
``- window: 100`` (the last 100 rows), ``- window: 30s`` (rows whose index is newer than
the newest index seen minus 30 s), or the long form ``- window: {size: 30s}``.

Notes
-----
Rows stay in arrival order. A time window keeps exactly the rows that
``df[df.index > df.index.max() - size]`` keeps on every row seen so far:

* a late row (older than the newest seen) that is already outside the window is dropped
  at once and never appears in ``added``;
* a late row still inside is kept and expires by its own timestamp; while such a row
  is held, expiry may remove rows from the middle, and the delta then carries the full
  new window as ``result``.

Rows with a missing (``NaT``) index never enter a time window.

A row count window holds the newest ``N`` rows of its input. When a row is removed
upstream (an earlier window) it leaves this window too, and its place is taken by the
next new row, not by an older row coming back.

A whole input (an aggregate) gives a whole output: the same rule applied to that frame.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import ConfigDict, GetJsonSchemaHandler, TypeAdapter, ValidationError, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from ..delta import Delta
from ..durations import format_duration
from ..spec.fields import Model, Window
from .rowqueue import RowQueue, is_prefix

if TYPE_CHECKING:
    from ..registry import Registry

_WINDOW: TypeAdapter[Any] = TypeAdapter(Window, config=ConfigDict(arbitrary_types_allowed=True))


class WindowSpec(Model):
    """Keep the last rows: a number of rows, or a span of index time."""

    size: Window
    """A row count (``100``) or a duration (``30s``, ``5min``)."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return value
        # Checked here so that an error is reported at the step, not at a key `size`
        # the analyst never wrote.
        try:
            return {"size": _WINDOW.validate_python(value)}
        except ValidationError as exc:
            raise ValueError(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None

    @classmethod
    def __get_pydantic_json_schema__(cls, core: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        long = handler(core)
        short = _WINDOW.json_schema()
        return {"anyOf": [*short.get("oneOf", [short]), long]}


def check_time_index(frame: pd.DataFrame, what: str) -> None:
    """Raise a readable error when a time-based step gets a frame without time index."""
    if len(frame) and not isinstance(frame.index, pd.DatetimeIndex):
        raise TypeError(f"{what} needs rows indexed by time, but the index is "
                        f"{type(frame.index).__name__} ({frame.index.dtype}): use a row count, "
                        "or a source whose rows carry timestamps")


class WindowStep:
    """State of one ``window`` step: the rows inside the window."""

    def __init__(self, spec: WindowSpec):
        self.size = spec.size
        self.rows = RowQueue()
        self.n_in = 0          # rows in the input's result: count windows hold its tail
        self.newest: pd.Timestamp | None = None
        self.ordered = True    # held index non-decreasing: expiry is a front drop

    @property
    def _by_time(self) -> bool:
        return isinstance(self.size, pd.Timedelta)

    def _cutoff(self) -> pd.Timestamp | None:
        return None if self.newest is None else self.newest - self.size

    def update(self, delta: Delta) -> Delta:
        if not delta.is_rows:
            assert delta.result is not None
            return Delta.whole(self._whole(delta.result))
        added, removed = delta.added, delta.removed
        assert added is not None and removed is not None
        gone: list[pd.DataFrame] = []
        in_order = True  # the rows leaving are the oldest held ones
        if len(removed):
            if delta.result is None:  # the oldest input rows left upstream
                gone.append(self.rows.pop_front(self._held_among_oldest(removed)))
            else:
                mask = self.rows.matching(self._possibly_held(removed))
                in_order = is_prefix(mask)
                gone.append(self.rows.pop_front(int(mask.sum())) if in_order
                            else self.rows.delete(mask))
        self.n_in = len(delta.result) if delta.result is not None \
            else self.n_in + len(added) - len(removed)
        if self._by_time:
            kept, expired_in_order = self._admit_by_time(added, gone)
            in_order = in_order and expired_in_order
        else:
            kept = added.iloc[-self.size:] if len(added) > self.size else added
            self.rows.append(kept)
            gone.append(self.rows.pop_front(max(0, len(self.rows) - self.size)))
        pieces = [g for g in gone if len(g)]
        out_removed = pd.concat(pieces) if len(pieces) > 1 else \
            pieces[0] if pieces else added.iloc[:0]
        return Delta.rows(kept, out_removed, None if in_order else self.rows.frame())

    def _held_among_oldest(self, removed: pd.DataFrame) -> int:
        """How many of the input's oldest rows, now removed, this window holds."""
        if self._by_time:
            cutoff = self._cutoff()
            # The window holds every input row newer than the cutoff, in input order.
            return 0 if cutoff is None else int((removed.index > cutoff).sum())
        # A count window holds the newest rows of the input: a suffix of it.
        return max(0, len(removed) - (self.n_in - len(self.rows)))

    def _possibly_held(self, removed: pd.DataFrame) -> pd.DataFrame:
        cutoff = self._cutoff() if self._by_time else None
        return removed if cutoff is None else removed[removed.index > cutoff]

    def _admit_by_time(self, added: pd.DataFrame,
                       gone: list[pd.DataFrame]) -> tuple[pd.DataFrame, bool]:
        """Expire held rows by the newest timestamp, then keep the new rows still inside."""
        check_time_index(added, f"window: {format_duration(self.size)}")
        if len(added):
            top = added.index.max()
            if top is not pd.NaT and (self.newest is None or top > self.newest):
                self.newest = top
        cutoff = self._cutoff()
        if cutoff is None:
            return added.iloc[:0], True
        in_order = True
        if len(self.rows):
            if self.ordered:
                gone.append(self.rows.pop_front(self._expired_front(cutoff)))
            else:
                mask = np.asarray(self.rows.frame().index <= cutoff)
                in_order = is_prefix(mask)
                gone.append(self.rows.pop_front(int(mask.sum())) if in_order
                            else self.rows.delete(mask))
                self.ordered = self.rows.frame().index.is_monotonic_increasing
        kept = added[np.asarray(added.index > cutoff)] if len(added) else added
        if len(kept):
            last = self.rows.last_index()
            if not kept.index.is_monotonic_increasing or (last is not None and
                                                          kept.index[0] < last):
                self.ordered = False
            self.rows.append(kept)
        return kept, in_order

    def _expired_front(self, cutoff: pd.Timestamp) -> int:
        """Rows at or before ``cutoff`` when the held index is sorted: a front run."""
        n = 0
        for chunk in self.rows.chunks():
            if chunk.index[-1] <= cutoff:
                n += len(chunk)
                continue
            n += int(chunk.index.searchsorted(cutoff, side="right"))
            break
        return n

    def _whole(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self._by_time:
            check_time_index(frame, f"window: {format_duration(self.size)}")
            out = frame[np.asarray(frame.index > frame.index.max() - self.size)] \
                if len(frame) else frame
            self.newest = frame.index.max() if len(frame) else None
            self.ordered = out.index.is_monotonic_increasing
        else:
            out = frame.iloc[-self.size:]
        self.rows.replace(out)
        self.n_in = len(frame)
        return out


def register(registry: Registry) -> None:
    registry.add("step", "window", WindowSpec, WindowStep,
                 "Keep the last N rows, or the rows of the last span of time.")
