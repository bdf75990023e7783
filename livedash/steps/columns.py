"""Column look-ups whose failure tells the analyst which columns there are."""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from ..rows import Rows


class ColumnNotFound(KeyError):
    """A step names a column its input does not have."""

    def __str__(self) -> str:
        # KeyError's own __str__ shows the repr of the message, quotes and all.
        return str(self.args[0])


def require(frame: "pd.DataFrame | Rows", names: Iterable[str], where: str) -> None:
    """Raise :class:`ColumnNotFound` for the first of ``names`` missing from ``frame``."""
    columns = [str(c) for c in frame.columns]
    for name in names:
        if name not in frame.columns:
            close = difflib.get_close_matches(str(name), columns, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            listing = ", ".join(columns) if columns else "none"
            raise ColumnNotFound(f"{where} uses column {name!r}, which the data does not have "
                                 f"(columns: {listing}){hint}")
