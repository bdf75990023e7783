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
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True, slots=True)
class Delta:
    added: pd.DataFrame | None
    removed: pd.DataFrame | None
    result: pd.DataFrame | None = None

    @property
    def is_rows(self) -> bool:
        """True when the change is expressed as rows added and removed."""
        return self.added is not None

    @property
    def is_prefix(self) -> bool:
        """True when removed rows were the oldest ones (views can simply roll over)."""
        return self.added is not None and self.result is None

    @classmethod
    def rows(cls, added: pd.DataFrame, removed: pd.DataFrame | None = None,
             result: pd.DataFrame | None = None) -> "Delta":
        if removed is None:
            removed = added.iloc[:0]
        return cls(added, removed, result)

    @classmethod
    def whole(cls, result: pd.DataFrame) -> "Delta":
        return cls(None, None, result)

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        if self.added is None:
            return False
        return len(self.added) == 0 and len(self.removed) == 0 and self.result is None


def apply(current: pd.DataFrame | None, delta: Delta) -> pd.DataFrame:
    """The result after ``delta``, given the result before it (the reference semantics).

    Runtime nodes keep their result with this; tests use it to follow a step's output.
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
