"""``periodic``: call a Python function every interval, as streamz's ``PeriodicDataFrame``.

The function is called as ``function(last=<pd.Timestamp>, now=<pd.Timestamp>, **kwargs)``
with the time of the previous call and of this one, and returns the new rows:

* a DataFrame: a ``DatetimeIndex`` is kept as the row times; otherwise a ``time`` column
  gives them, or else every row gets ``now`` (a named index, e.g. ``sensor``, becomes a
  column first);
* a mapping of column to value: one row at ``now`` (or at its ``time`` value);
* a list of such mappings: one row each, all with the same keys;
* ``None``: no new rows.

Validation checks the ``"module:function"`` name and that the module is allowed (see
:mod:`livedash.sources.callbacks`) without importing it; the module is imported when
the dashboard starts.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import Field, ValidationInfo, field_validator

from ..errors import RowsRejected
from ..plugins import SourceContext
from ..registry import Registry
from ..settings import Settings
from ..spec.models import SourceSpec
from . import callbacks
from .records import as_frame, stamped
from .timestamps import TIME


class PeriodicSpec(SourceSpec):
    """Rows returned by a Python function called every ``interval``."""

    type: Literal["periodic"] = "periodic"
    """``periodic``."""
    callback: str
    """The function, as ``"module:function"``. The module is a ``.py`` file (or a package)
    beside the dashboard file, or one the operator lists under ``allowed_modules`` in
    ``config/livedash.yaml``. It is called with ``last=`` and ``now=`` (the times of the
    previous and this call, as ``pd.Timestamp``) and ``kwargs``, and returns a DataFrame,
    a record (a mapping of column to value) or a list of records."""
    kwargs: dict[str, Any] = Field(default_factory=dict)
    """Keyword arguments passed to the function on every call, besides ``last`` and
    ``now``."""

    @field_validator("callback")
    @classmethod
    def _allowed(cls, value: str, info: ValidationInfo) -> str:
        context = info.context or {}
        settings = context.get("settings") or Settings()
        base_dir: Path | None = context.get("base_dir")
        return callbacks.check(value, settings, base_dir)

    @field_validator("kwargs")
    @classmethod
    def _no_clash(cls, value: dict[str, Any]) -> dict[str, Any]:
        taken = [key for key in ("last", "now") if key in value]
        if taken:
            raise ValueError(f"{' and '.join(map(repr, taken))} cannot be given in kwargs: "
                             "livedash passes the times of the previous and this call as "
                             "last= and now=")
        bad = [key for key in value if not key.isidentifier()]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a keyword argument name: use letters, "
                             "digits and _ (not starting with a digit)")
        return value


class Periodic:
    """A running ``periodic`` source: calls its function at every poll.

    Parameters
    ----------
    spec : PeriodicSpec
        The validated parameters.
    function : callable
        The loaded callback.
    """

    whole = False

    def __init__(self, spec: PeriodicSpec, function: Callable[..., Any]) -> None:
        self.spec = spec
        self.function = function

    def poll(self, last: pd.Timestamp, now: pd.Timestamp) -> pd.DataFrame:
        """The rows the function returns for ``(last, now]``, indexed by ``time``."""
        result = self.function(last=last, now=now, **self.spec.kwargs)
        if result is None:
            return pd.DataFrame(index=pd.DatetimeIndex([], name=TIME))
        try:
            return stamped(as_frame(result), now)
        except RowsRejected as exc:
            raise RowsRejected(f"callback {self.spec.callback!r}: {exc}") from None

    def close(self) -> None:
        """Nothing to release; the module stays imported."""


def make(spec: PeriodicSpec, ctx: SourceContext) -> Periodic:
    """Import the callback (see :func:`livedash.sources.callbacks.load`) and check that it
    takes ``last``, ``now`` and the kwargs."""
    function = callbacks.load(spec.callback, ctx.base_dir, ctx.allowed_modules)
    callbacks.check_call(function, spec.callback, spec.kwargs)
    return Periodic(spec, function)


def register(registry: Registry) -> None:
    """Add the ``periodic`` source type."""
    registry.add("source", "periodic", PeriodicSpec, make,
                 "rows from a Python function called every interval (streamz "
                 "PeriodicDataFrame): callback \"module:function\", kwargs")
