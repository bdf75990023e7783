"""``resample``: one row per time bucket (and per group, with ``by``).

Examples
--------
``- resample: {every: 1min, agg: {price: ohlc, volume: sum}, by: symbol}`` gives a
DatetimeIndex of bucket starts and columns ``symbol``, ``price_open``, ``price_high``,
``price_low``, ``price_close``, ``volume``. ``agg`` is described in
:mod:`livedash.steps.aggs`; ``ohlc`` alone on one column gives ``open``, ``high``,
``low``, ``close``.

Notes
-----
Equals ``df.groupby([pd.Grouper(freq=every), *by]).agg(...)`` with empty buckets left
out, flattened column names, the bucket start as the index (named as the input's
index) and ``by`` as columns, sorted by time, then ``by``. Buckets are aligned to the
Unix epoch (pandas ``origin="epoch"``), which is pandas' default alignment whenever
``every`` divides a day (``1s``, ``5min``, ``1h``, ``1d``, ...).

Every bucket is kept: a late row updates its own bucket, however old. Buckets leave
only when their rows leave the input (put a ``window`` first to bound memory); a
bucket that left is then forgotten altogether once such buckets outnumber the others
(beyond 256 known), so a resample behind a window runs for ever in bounded memory.
The output is a whole delta; rows deltas are applied incrementally.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import field_validator, model_validator

from ..durations import format_duration
from ..spec.fields import Duration, Model
from ..rows import Rows
from .aggs import AggOhlc
from .grouped import GroupedStep
from .groupstate import Runs
from .keyspec import check_no_clash, key_names
from .keys import SMALL
from .window import check_time_index, non_decreasing

_NAT = np.iinfo(np.int64).min
BUCKET = "__bucket__"  # the bucket start while it is still a key column

if TYPE_CHECKING:
    from ..registry import Registry


class ResampleSpec(Model):
    """Aggregate rows into regular time buckets."""

    every: Duration
    """Bucket length, e.g. ``1min``."""
    agg: AggOhlc
    """A function (``mean``), a list (``[mean, max]``) for every numeric column, or a
    mapping of column to function(s) (``{price: ohlc, volume: sum}``)."""
    by: tuple[str, ...] = ()
    """A column, or a list of columns, to split each bucket by (optional)."""

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("write the bucket length and the functions, e.g. "
                             "`resample: {every: 1min, agg: mean}`")
        return value

    @field_validator("by", mode="before")
    @classmethod
    def _by(cls, value: Any) -> tuple[str, ...]:
        return () if value is None else key_names(value)

    @model_validator(mode="after")
    def _clash(self) -> ResampleSpec:
        check_no_clash(self.by, self.agg)
        return self


class ResampleStep(GroupedStep):
    """State of one ``resample`` step (see :class:`~livedash.steps.grouped.GroupedStep`)."""

    where = "resample"

    def __init__(self, spec: ResampleSpec):
        super().__init__(spec.agg, [BUCKET, *spec.by])
        self.every = spec.every
        self.by = list(spec.by)
        self.index_name: Any = None
        self.every_ns = int(pd.Timedelta(spec.every).value)
        self.label = f"resample every {format_duration(self.every)}"

    def keys(self, frame: pd.DataFrame) -> list[pd.Series]:
        check_time_index(frame, self.label)
        self.index_name = frame.index.name
        index = frame.index if isinstance(frame.index, pd.DatetimeIndex) else \
            pd.DatetimeIndex(frame.index)
        bucket = pd.Series(index.floor(self.every), index=frame.index, name=BUCKET)
        return [bucket, *(frame[name] for name in self.by)]

    def key_arrays(self, rows: Rows) -> tuple[list[Any], np.ndarray | None]:
        """The bucket start (int64 ns, UTC) and the ``by`` columns; rows without a time
        are left out."""
        check_time_index(rows, self.label)
        self.index_name = rows.index_name
        values = rows.index_array
        if not isinstance(values.dtype, pd.DatetimeTZDtype):  # floor the nanoseconds
            times = rows.index_i8
            bucket = times - np.remainder(times, self.every_ns)
        else:  # a time zone: pandas floors the local time
            floored = pd.DatetimeIndex(values).floor(self.every).as_unit("ns")
            times = bucket = floored.asi8
        missing = times == _NAT
        return [bucket, *(rows.column(name) for name in self.by)], \
            missing if missing.any() else None

    def _encode(self, rows: Rows) -> np.ndarray:
        """The bucket codes; rows in time order (the usual batch) are cut into runs of one
        bucket each by a search for the buckets' edges, and each run is looked up once."""
        codes = self._encode_in_order(rows) if not self.by and rows.n > SMALL else None
        return super()._encode(rows) if codes is None else codes

    def _encode_in_order(self, rows: Rows) -> np.ndarray | None:
        """:meth:`_encode` for rows in time order, none missing, over a few buckets (no
        time zone); None otherwise."""
        check_time_index(rows, self.label)
        if isinstance(rows.index_array.dtype, pd.DatetimeTZDtype):
            return None
        times = rows.index_i8
        first, last = int(times[0]), int(times[-1])
        every, n = self.every_ns, rows.n
        start, end = first - first % every, last - last % every  # their buckets
        runs = (end - start) // every + 1
        if first == _NAT or runs > n // 8 or not non_decreasing(times):
            return None
        self.index_name = rows.index_name
        edges = np.empty(runs + 1, dtype=np.int64)  # where each bucket's rows begin
        edges[0], edges[-1] = 0, n
        edges[1:-1] = times.searchsorted(np.arange(start + every, end + 1, every,
                                                   dtype=np.int64), side="left")
        starts, lengths = edges[:-1], edges[1:] - edges[:-1]
        buckets = range(start, end + 1, every)
        counts = lengths.tolist()
        if 0 in counts:  # buckets between the first and last with no rows
            ok = lengths > 0
            buckets = [b for b, c in zip(buckets, counts) if c]
            starts, lengths = starts[ok], lengths[ok]
        groups = self.encoder.encode_runs(list(buckets))
        self._top = self.encoder.top
        self._runs = Runs(groups, starts, lengths)
        return np.repeat(groups, lengths)

    def index(self, keys: dict[str, Any], rows: int) -> tuple[Any, Any, dict[str, Any]]:
        """Bucket starts as a numpy array of pandas' index type (the frame, if one is
        asked for, makes the DatetimeIndex)."""
        keys = dict(keys)
        buckets = np.asarray(keys.pop(BUCKET), dtype=np.int64).view("M8[ns]")
        dtype = self._dtypes.get(BUCKET)
        if isinstance(dtype, pd.DatetimeTZDtype):
            index: Any = pd.DatetimeIndex(buckets).tz_localize("UTC").tz_convert(
                dtype.tz).as_unit(dtype.unit)
            return index.rename(self.index_name), self.index_name, keys
        if dtype is not None and dtype != buckets.dtype:
            buckets = buckets.astype(dtype)
        return buckets, self.index_name, keys

    def _typed(self, name: str, values: Any) -> Any:
        return values if name == BUCKET else super()._typed(name, values)

    def input_columns(self) -> list[str]:
        return list(self.by)

    def finish(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.set_index(BUCKET)
        out.index.name = self.index_name
        return out



def register(registry: Registry) -> None:
    registry.add("step", "resample", ResampleSpec, ResampleStep,
                 "One row per time bucket (and group), with aggregated columns.")
