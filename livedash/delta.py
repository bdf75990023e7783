"""How the result of a source or pipeline changed in one tick.

Two shapes flow through livedash:

* **rows**: ``added`` and ``removed`` are set. The new result is the previous one
  without ``removed`` and with ``added`` appended at the end. When ``result`` is
  ``None`` the removed rows were exactly the first ``len(removed)`` rows of the
  previous result (the common, cheap case: views stream ``added`` and drop that many
  rows from the front). When rows left from the middle (a late row expiring from a
  time window), ``result`` holds the complete new result as well.
* **whole**: ``added`` and ``removed`` are ``None`` and ``result`` is the complete new
  result (an aggregate, a matrix). Views replace their data.

Steps read and write the parts as :class:`~livedash.rows.Rows` (``added_rows`` ...);
``added``, ``removed`` and ``result`` are the same rows as DataFrames, made on first use
and shared by everyone who asks (every session sees the very same objects).
"""
from __future__ import annotations

import pandas as pd

from .rows import Rows

Part = pd.DataFrame | Rows


def _rows(part: Part | None) -> Rows | None:
    return part if part is None or type(part) is Rows else Rows.of(part)


class Delta:
    __slots__ = ("added_rows", "removed_rows", "result_rows")

    def __init__(self, added: Part | None, removed: Part | None, result: Part | None = None):
        self.added_rows = _rows(added)
        self.removed_rows = _rows(removed)
        self.result_rows = _rows(result)

    @property
    def added(self) -> pd.DataFrame | None:
        return None if self.added_rows is None else self.added_rows.frame

    @property
    def removed(self) -> pd.DataFrame | None:
        return None if self.removed_rows is None else self.removed_rows.frame

    @property
    def result(self) -> pd.DataFrame | None:
        return None if self.result_rows is None else self.result_rows.frame

    @property
    def is_rows(self) -> bool:
        """True when the change is expressed as rows added and removed."""
        return self.added_rows is not None

    @property
    def is_prefix(self) -> bool:
        """True when removed rows were the oldest ones (views can simply roll over)."""
        return self.added_rows is not None and self.result_rows is None

    @classmethod
    def rows(cls, added: Part, removed: Part | None = None,
             result: Part | None = None) -> "Delta":
        # made field by field: a source makes one every batch
        delta = cls.__new__(cls)
        # steps pass Rows, sources frames: Rows are taken as they are, without a call
        delta.added_rows = added_rows = added if type(added) is Rows else Rows.of(added)
        delta.removed_rows = added_rows.none() if removed is None else \
            removed if type(removed) is Rows else Rows.of(removed)
        delta.result_rows = None if result is None else _rows(result)
        return delta

    @classmethod
    def whole(cls, result: Part) -> "Delta":
        delta = cls.__new__(cls)  # field by field: an aggregate makes one every batch
        delta.added_rows = delta.removed_rows = None
        delta.result_rows = _rows(result)
        return delta

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        added = self.added_rows
        if added is None:
            return False
        removed = self.removed_rows
        assert removed is not None
        return not added.n and not removed.n and self.result_rows is None

    def __repr__(self) -> str:
        if self.added_rows is None:
            return f"Delta.whole({self.result_rows!r})"
        return f"Delta(+{len(self.added_rows)}, -{len(self.removed_rows or ())}, " \
            f"result={self.result_rows!r})"


def apply(current: pd.DataFrame | None, delta: Delta) -> pd.DataFrame:
    """The result after ``delta``, given the result before it (the reference semantics).

    Tests use it to follow a step's output.
    """
    if delta.result is not None:
        return delta.result
    assert delta.added is not None and delta.removed is not None
    if current is None or len(current.columns) == 0:
        current = delta.added.iloc[:0]
    excess = len(delta.removed) - len(current)
    if excess > 0:  # coalesced deltas may remove rows that arrived within the same batch
        return delta.added.iloc[excess:]
    kept = current.iloc[len(delta.removed):]
    if len(delta.added) == 0:
        return kept
    if len(kept) == 0:
        return delta.added
    return pd.concat([kept, delta.added])
