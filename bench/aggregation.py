"""Benchmark 4: pipeline step throughput against streamz and a pandas recompute.

Every step kind runs after a window, as a dashboard pipeline would
(``[window, <step>]``): a 10,000-row window, and a 60 s window over rows 6 ms apart
(10,000 rows too). Rows arrive in batches of 10, 100 and 1,000 and go through a livedash
runtime ``Node`` (the steps plus the rows it keeps, as in a server). Peers:

* streamz: ``sdf.window(n=...)`` / ``window(value='60s')`` with its own aggregations
  (``.full()``, ``.groupby(key).value.mean()``, ``.value.mean()``), ``sdf.rolling``,
  and ``window.apply(func)`` where streamz has no such step (filter, select, derive,
  resample);
* pandas: keep the window as a frame and recompute the step on all of it per batch.

Beside them, for ``window``, ``aggregate``, ``rolling`` and ``resample``, a floor
(:mod:`bench.floor`): the step written out by hand for this benchmark's data alone,
which shows whether "10 x streamz" is within this machine's reach at all.

Each contender starts from the same full window (12,000 rows fed in 1,000-row chunks,
or 10,000-row chunks for the keep-up window; pandas simply starts from the frame), then
takes untimed batches until the rows it was filled with have left the window (or twice
its timed budget has passed), then as many timed batches as fit in the budget. Only the
update calls are timed, and they are timed in the steady state: a window filled in large
chunks holds fewer, larger pieces than one fed batch by batch, and both livedash and
streamz keep a window as the pieces it was fed in. Each contender pays for releasing the
batches it is given: a batch's last reference outside the contender goes inside its
timed call, so one that keeps no reference (pandas, the floor) frees it there, and one
that keeps it in its window (livedash, streamz) frees it inside a later call, when the
rows leave. The final results of the three are compared.

The keep-up check: a 60 s window with rows 0.1 ms apart (10,000 rows/s, 600,000 rows
in the window), 10-row batches, must process at least 10,000 rows/s.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from .config import Config
from .floor import KINDS as FLOORED, Floor
from .report import Check, Table, figure, median, ratios

KEYS = np.array([f"k{i}" for i in range(8)], dtype=object)
FILL_CHUNK = 1000
WARM_BATCHES = 3


@dataclass(frozen=True)
class Window:
    label: str
    spec: Any               # the livedash ``window`` step value
    rows: int               # rows in a full window
    spacing_ms: float       # time between rows

    @property
    def by_time(self) -> bool:
        return isinstance(self.spec, str)

    def cut(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The window of ``frame``, as livedash defines it."""
        if self.by_time:
            return frame[frame.index > frame.index.max() - pd.Timedelta(self.spec)]
        return frame.iloc[-self.rows:]


COUNT = Window("10,000 rows", 10000, 10000, 6.0)
TIME = Window("60 s", "60s", 10000, 6.0)
KEEP_UP = Window("60 s at 10,000 rows/s", "60s", 600000, 0.1)


def rows(start: int, n: int, spacing_ms: float) -> pd.DataFrame:
    """Rows ``start`` .. ``start + n`` of an endless stream: a key among 8, a value."""
    offsets = (np.arange(start, start + n) * spacing_ms * 1e6).astype("int64")
    index = pd.DatetimeIndex(np.datetime64("2026-01-01T00:00:00", "ns") + offsets.astype(
        "timedelta64[ns]"), name="time")
    i = np.arange(start, start + n)
    # a function of the row number alone, so any cut into batches gives the same rows
    value = np.sin(i / 50.0) + ((i * 2654435761) % 4294967296) / 4294967296.0 - 0.5
    return pd.DataFrame({"key": KEYS[i % len(KEYS)], "value": value}, index=index)


# -- the steps: livedash spec, streamz pipeline, pandas recompute ---------------------------
StreamzPipeline = Callable[[Any, Any], Any]  # (windowed sdf, whole sdf) -> streamz stream


@dataclass(frozen=True)
class Kind:
    name: str
    step: dict[str, Any] | None             # the step after the window (None: window alone)
    streamz: StreamzPipeline
    pandas: Callable[[pd.DataFrame], Any]    # window frame -> result
    streamz_label: str


def _resample(df: pd.DataFrame) -> pd.DataFrame:
    return df[["value"]].resample("1s").mean().dropna()


KINDS = [
    Kind("window", None, lambda w, s: w.full(), lambda d: d, "window.full()"),
    Kind("filter", {"filter": "value > 0"}, lambda w, s: w.apply(lambda d: d[d.value > 0]),
         lambda d: d[d.value > 0], "window.apply"),
    Kind("select", {"select": ["value"]}, lambda w, s: w.apply(lambda d: d[["value"]]),
         lambda d: d[["value"]], "window.apply"),
    Kind("derive", {"derive": {"double": "value * 2 + 1"}},
         lambda w, s: w.apply(lambda d: d.assign(double=d.value * 2 + 1)),
         lambda d: d.assign(double=d.value * 2 + 1), "window.apply"),
    Kind("groupby", {"groupby": {"by": "key", "agg": {"value": "mean"}}},
         lambda w, s: w.groupby("key")["value"].mean(),
         lambda d: d.groupby("key", sort=True).value.mean(), "window.groupby().mean()"),
    Kind("aggregate", {"aggregate": {"value": "mean"}}, lambda w, s: w["value"].mean(),
         lambda d: d.value.mean(), "window.value.mean()"),
    Kind("rolling", {"rolling": {"window": 100, "agg": {"value": "mean"}}},
         lambda w, s: s["value"].rolling(100).mean(),
         lambda d: d.value.rolling(100).mean(), "sdf.rolling(100)"),
    Kind("resample", {"resample": {"every": "1s", "agg": {"value": "mean"}}},
         lambda w, s: w.apply(_resample), _resample, "window.apply"),
]


# -- contenders ---------------------------------------------------------------------------
class Livedash:
    """A runtime node with ``[window, step]``, fed as a source feeds its pipelines."""

    name = "livedash"

    def __init__(self, kind: Kind, window: Window):
        from livedash.registry import default_registry
        from livedash.runtime.node import Node
        registry = default_registry()
        steps = []
        for step in ([{"window": window.spec}] + ([kind.step] if kind.step else [])):
            (name, value), = step.items()
            info = registry.get("step", name)
            assert info is not None
            steps.append(info.factory(info.spec.model_validate(value)))
        self.node = Node("bench", threading.RLock(), steps, limit=None)
        from livedash.delta import Delta
        self._rows = Delta.rows

    def feed(self, batch: pd.DataFrame) -> None:
        self.node.feed(self._rows(batch))
        if self.node.error:
            raise RuntimeError(self.node.error)

    def result(self) -> Any:
        return self.node.result()


class Streamz:
    name = "streamz"

    def __init__(self, kind: Kind, window: Window):
        from streamz import Stream
        from streamz.dataframe import DataFrame
        self.source = Stream()
        sdf = DataFrame(self.source, example=rows(0, 0, window.spacing_ms))
        windowed = sdf.window(value=window.spec) if window.by_time else sdf.window(n=window.rows)
        self.last: list[Any] = [None]
        self.out = kind.streamz(windowed, sdf)
        self.sink = self.out.stream.sink(self._keep)

    def _keep(self, value: Any) -> None:
        self.last[0] = value

    def feed(self, batch: pd.DataFrame) -> None:
        self.source.emit(batch)

    def result(self) -> Any:
        return self.last[0]

    def close(self) -> None:
        self.sink.destroy()  # streamz keeps sinks in a module-level set (FIELD-NOTES)


class Pandas:
    name = "pandas"

    def __init__(self, kind: Kind, window: Window):
        self.kind, self.window = kind, window
        self.frame: pd.DataFrame | None = None
        self.last: Any = None

    def fill(self, frame: pd.DataFrame) -> None:
        """Start from a full window: nothing else is kept between batches."""
        self.frame = self.window.cut(frame)

    def feed(self, batch: pd.DataFrame) -> None:
        frame = batch if self.frame is None else pd.concat([self.frame, batch])
        self.frame = self.window.cut(frame)
        self.last = self.kind.pandas(self.frame)

    def result(self) -> Any:
        return self.last


CONTENDERS = (Livedash, Streamz, Pandas)


def contenders(kind: Kind) -> tuple[type, ...]:
    """Who runs for ``kind``: the three, and the hand-written floor where there is one."""
    return CONTENDERS + ((Floor,) if kind.name in FLOORED else ())


# -- measuring ----------------------------------------------------------------------------
@dataclass
class Run:
    rate: float        # rows per second
    result: Any
    fed: int           # rows fed in all, fill included


def measure(cls: type, kind: Kind, window: Window, batch: int, budget: float,
            fill: int) -> Run:
    contender = cls(kind, window)
    try:
        start = 0
        if hasattr(contender, "fill"):
            contender.fill(rows(0, fill, window.spacing_ms))
            start = fill
        while start < fill:
            n = min(max(FILL_CHUNK, fill // 60), fill - start)
            contender.feed(rows(start, n, window.spacing_ms))
            start += n
        timed_from = start = _warm(contender, window, batch, start, 2 * budget)
        spent, done = 0.0, 0
        while spent < budget or done < 3:
            pool = [rows(start + i * batch, batch, window.spacing_ms) for i in range(
                max(1, min(200, 20000 // batch)))]
            pool.reverse()
            while pool:
                # popped inside the timed call: a contender that keeps no reference to the
                # batch pays for releasing it there, as one that keeps it pays later
                began = time.perf_counter()
                contender.feed(pool.pop())
                spent += time.perf_counter() - began
                done += 1
                if spent >= budget and done >= 3:
                    break
            start = timed_from + done * batch
        return Run(done * batch / spent, contender.result(), start)
    finally:
        close = getattr(contender, "close", None)
        if close is not None:
            close()


def _warm(contender: Any, window: Window, batch: int, start: int, limit: float) -> int:
    """Untimed batches until the rows filled in chunks have left the window (at least
    ``WARM_BATCHES``, for at most ``limit`` seconds); the next row's number."""
    began = time.perf_counter()
    for done in range(max(WARM_BATCHES, math.ceil(window.rows / batch))):
        if done >= WARM_BATCHES and time.perf_counter() - began > limit:
            break
        contender.feed(rows(start, batch, window.spacing_ms))
        start += batch
    return start


# -- checking -----------------------------------------------------------------------------
def expected(kind: Kind, window: Window, fed: int) -> Any:
    """pandas on every row fed, cut to the window: the reference result."""
    frame = window.cut(rows(0, fed, window.spacing_ms))
    return kind.pandas(frame)


def same(kind: Kind, got: Any, want: Any) -> bool:
    """``got`` (in its contender's shape) equals the reference ``want``."""
    if got is None:
        return False
    if kind.name == "groupby":
        if isinstance(got, pd.DataFrame):
            got = got.set_index("key")["value"]
        return series_equal(got.sort_index(), want)
    if kind.name == "aggregate":
        value = float(got["value"].iloc[0]) if isinstance(got, pd.DataFrame) else float(got)
        return math.isclose(value, float(want), rel_tol=1e-9)
    if kind.name == "rolling":
        if isinstance(got, pd.DataFrame):
            got = got["value"]
        # each row's value as of its arrival: compare the rows every contender computed
        # from a full 100-row history (streamz emits only the last batch)
        n = min(len(got), len(want) - 99)
        return n > 0 and series_equal(got.iloc[-n:], want.iloc[-n:])
    frame = got if isinstance(got, pd.DataFrame) else got.to_frame()
    if list(map(str, frame.columns)) != list(map(str, want.columns)):
        return False
    return all(series_equal(frame[c], want[c]) for c in want.columns)


def series_equal(a: pd.Series, b: pd.Series) -> bool:
    """Same index and values (floats to 1e-9 relative, NaN equal to NaN); fast on
    600,000 rows, where ``pandas.testing`` takes seconds."""
    if len(a) != len(b) or not np.array_equal(np.asarray(a.index), np.asarray(b.index)):
        return False
    x, y = a.to_numpy(), b.to_numpy()
    if x.dtype.kind in "fiu" and y.dtype.kind in "fiu":
        return bool(np.allclose(x.astype(float), y.astype(float), rtol=1e-9, atol=1e-12,
                                equal_nan=True))
    return bool((x.astype(object) == y.astype(object)).all())


# -- the benchmark ------------------------------------------------------------------------
def _table(title: str, note: str) -> Table:
    return Table(title, ["step, batch", "livedash rows/s", "streamz rows/s", "pandas rows/s",
                         "x streamz", "x pandas", "equal", "floor rows/s", "floor / 10 x streamz",
                         "target", "result"], note=note)


FLOOR_NOTE = ("floor: the step written out by hand for this data alone (bench/floor.py); "
              "floor / 10 x streamz < 1: even the floor misses the target")


def run(cfg: Config) -> list[Table]:
    kinds = [k for k in KINDS if cfg.agg_kinds is None or k.name in cfg.agg_kinds]
    configs = [(window, kind, batch) for window in (COUNT, TIME) for kind in kinds
               for batch in cfg.batches]
    keep_kinds = [k for k in KINDS if cfg.keep_up_kinds is None or k.name in cfg.keep_up_kinds]
    keep_up = [(KEEP_UP, kind, 10) for kind in keep_kinds]
    rates: dict[tuple[str, str, int, str], list[float]] = {}
    equal: dict[tuple[str, str, int], bool] = {}
    floor_equal: dict[tuple[str, str, int], bool] = {}
    for round_ in range(cfg.rounds):
        for window, kind, batch in configs + keep_up:
            fill = window.rows + 2000
            everyone = contenders(kind)
            turn = round_ % len(everyone)
            got: dict[str, Run] = {}
            for cls in everyone[turn:] + everyone[:turn]:
                budget = cfg.agg_budget * (2 if window is KEEP_UP else 1)
                got[cls.name] = measure(cls, kind, window, batch, budget, fill)
                rates.setdefault((window.label, kind.name, batch, cls.name), []).append(
                    got[cls.name].rate)
            if round_ == 0:
                right = {name: same(kind, run.result, expected(kind, window, run.fed))
                         for name, run in got.items()}
                equal[(window.label, kind.name, batch)] = all(
                    ok for name, ok in right.items() if name != "floor")
                floor_equal[(window.label, kind.name, batch)] = right.get("floor", False)
    tables = []
    for window in (COUNT, TIME):
        table = _table(f"4. aggregation throughput, [window: {window.spec}, step], "
                       f"{window.label} in the window ({cfg.rounds} round(s))",
                       note="streamz peer per step: " + ", ".join(
                           f"{k.name}: {k.streamz_label}" for k in kinds) + "\n" + FLOOR_NOTE)
        for kind in kinds:
            for batch in cfg.batches:
                _row(table, rates, equal, floor_equal, window, kind, batch, keep_up=False)
        tables.append(table)
    table = _table("4b. keep-up: a 60 s window at 10,000 rows/s (600,000 rows held), "
                   "10-row batches", note="target: livedash >= 10,000 rows/s\n" + FLOOR_NOTE)
    for kind in keep_kinds:
        _row(table, rates, equal, floor_equal, KEEP_UP, kind, 10, keep_up=True)
    tables.append(table)
    return tables


def _row(table: Table, rates: dict[tuple[str, str, int, str], list[float]],
         equal: dict[tuple[str, str, int], bool], floor_equal: dict[tuple[str, str, int], bool],
         window: Window, kind: Kind, batch: int, keep_up: bool) -> None:
    key = (window.label, kind.name, batch)
    ours = rates[(*key, "livedash")]
    theirs = rates[(*key, "streamz")]
    recompute = rates[(*key, "pandas")]
    floor = rates.get((*key, "floor"), [])
    x_streamz, x_pandas = ratios(ours, theirs), ratios(ours, recompute)
    ok = equal[key]
    if not floor:
        floor_cells = ["-", "-"]
    elif not floor_equal[key]:
        floor_cells = ["NOT EQUAL", "-"]
    else:
        floor_cells = [figure(floor), figure(ratios(floor, [10 * t for t in theirs]))]
    if keep_up:
        check = Check(">= 10,000 rows/s, equal", median(ours) >= 10000 and ok)
    else:
        check = Check(">= 10 x streamz, >= 3 x pandas, equal",
                      median(x_streamz) >= 10 and median(x_pandas) >= 3 and ok)
    table.add([f"{kind.name} {batch}", figure(ours), figure(theirs), figure(recompute),
               figure(x_streamz), figure(x_pandas), "yes" if ok else "NO", *floor_cells],
              check, livedash=ours, streamz=theirs, pandas=recompute, floor=floor)
