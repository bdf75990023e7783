"""Work shared by every session of a view: computed once per tick, not once per viewer.

Every browser session has its own Bokeh models, so each one applies each change itself
(FIELD-NOTES: the viewer count, not the data volume, drives server cost). What does not
depend on the session, such as the data after a change or an aggregate chart redrawn by
HoloViews (50-200 ms), is computed by the first session that needs it and found by the
others, because the runtime hands the same change objects to all of them.

Entries hold their inputs weakly, so a stale entry can never be returned for new inputs.
A result is held weakly too (it lives as long as some session holds it), or, for the
small per-tick results that no session keeps (the columns of the rows a tick added), the
last one per key is kept until the next replaces it.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

import pandas as pd

from ..delta import Delta, apply

T = TypeVar("T")


def _ref(obj: Any) -> Callable[[], Any]:
    if obj is None:
        return lambda: None
    try:
        return weakref.ref(obj)
    except TypeError:  # not weak-referenceable (an int, a tuple): small, held as it is
        return lambda: obj


class Memo:
    """The last result per key, reused while the inputs are the very same objects.

    One memo belongs to a view factory (created when the registry is filled), so it is
    shared by the sessions of a process and needs no global state.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[tuple[Callable[[], Any], ...],
                                            Callable[[], Any]]] = {}

    def get(self, key: Hashable, inputs: tuple[Any, ...], compute: Callable[[], T],
            keep: bool = False) -> T:
        """``compute()``, or its result from an earlier call with identical ``inputs``;
        ``keep``: hold this result itself (the last one for ``key``), not weakly."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None:
            refs, result = entry
            value = result()
            if value is not None and len(refs) == len(inputs) and all(
                    r() is obj for r, obj in zip(refs, inputs, strict=True)):
                return value  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._entries[key] = (tuple(_ref(obj) for obj in inputs),
                                  (lambda: value) if keep else _ref(value))
        return value

    def __len__(self) -> int:
        return len(self._entries)



def follow(memo: Memo, data: str, frame: pd.DataFrame, delta: Delta) -> pd.DataFrame:
    """The result of ``data`` after ``delta``, computed once for every session that held
    the same ``frame`` (sessions of a process see the same objects)."""
    return memo.get(("data", data), (frame, delta.added, delta.removed, delta.result),
                    lambda: apply(frame, delta))


class Follower:
    """The current result of a view's data, brought up to date only when asked.

    A streaming chart needs the whole result only to draw itself again (a new group);
    concatenating every tick would cost more than the stream itself. Changes are kept
    (at most ``LIMIT``) and applied when :meth:`current` is called: one at a time through
    the memo when the view asks every tick (so sessions share the frames), else at once.
    """

    LIMIT = 256

    def __init__(self, memo: Memo, data: str, frame: pd.DataFrame) -> None:
        self.memo, self.data, self.frame = memo, data, frame
        self.pending: list[Delta] = []

    def push(self, delta: Delta) -> None:
        self.pending.append(delta)
        if len(self.pending) >= self.LIMIT:
            self.current()

    def current(self) -> pd.DataFrame:
        """The result after every change pushed so far."""
        if len(self.pending) == 1:
            self.frame = follow(self.memo, self.data, self.frame, self.pending[0])
        elif self.pending:
            self.frame = _apply_all(self.frame, self.pending)
        self.pending.clear()
        return self.frame


def _apply_all(frame: pd.DataFrame, deltas: list[Delta]) -> pd.DataFrame:
    """:func:`livedash.delta.apply` over ``deltas``, with one concatenation."""
    for i in range(len(deltas) - 1, -1, -1):
        if deltas[i].result is not None:
            frame, deltas = cast(pd.DataFrame, deltas[i].result), deltas[i + 1:]
            break
    parts = [frame] if len(frame.columns) else []
    parts += [d.added for d in deltas if d.added is not None and len(d.added)]
    drop = sum(len(d.removed) for d in deltas if d.removed is not None)
    if not parts:
        return frame.iloc[:0]
    out = pd.concat(parts) if len(parts) > 1 else parts[0]
    return out.iloc[drop:]
