"""A ``window`` and the step after it run as one, where a batch allows it.

A pipeline's commonest shape is a window and one step over it. Run one after the other,
each batch makes a delta between them and checks everything a general step must check;
that costs more than the arithmetic itself (a few per cent of a batch's instructions,
measured with ``python -m bench.instructions``). :func:`fuse` pairs such steps, and each
pair takes a short way for the batches that need nothing else and the general way,
through the two steps as written, for all others. Both ways read and change the very
same state (the window's rows, the aggregate's sums, the rolling's tail), so a batch can
go either way at any time and the result is exactly what the two steps give.

The short ways:

* ``window`` then ``aggregate`` of ``count``, ``sum`` or ``mean`` of numbers: new rows
  in time order (a count window: any), no rows removed upstream, no missing or infinite
  value among the rows coming or going.
* ``window`` then ``rolling`` over a row count: new rows in time order (a count window:
  any) and no rows removed upstream.
"""
from __future__ import annotations

from typing import Any

from ..delta import Delta
from .aggregate import AggregateStep
from .rolling import RollingStep
from .rowqueue import RowQueue
from .window import WindowStep


def fuse(steps: list[Any]) -> list[Any]:
    """``steps`` with each window followed by a step it can run with joined into one."""
    out: list[Any] = []
    i = 0
    while i < len(steps):
        step, after = steps[i], steps[i + 1] if i + 1 < len(steps) else None
        if type(step) is WindowStep and type(after) is AggregateStep:
            out.append(WindowAggregate(step, after))
            i += 2
        elif type(step) is WindowStep and type(after) is RollingStep and not after.by_time:
            out.append(WindowRolling(step, after))
            i += 2
        else:
            out.append(step)
            i += 1
    return out


class WindowAggregate:
    """``window`` then ``aggregate`` (see the module's notes)."""

    def __init__(self, window: WindowStep, aggregate: AggregateStep):
        self.window = window
        self.aggregate = aggregate
        self.short = 0  # batches that took the short way

    def _general(self, delta: Delta) -> Delta:
        return self.aggregate.update(self.window.update(delta))

    def update(self, delta: Delta) -> Delta:
        moved = self.window.in_order(delta)
        if moved is None:
            return self._general(delta)
        kept, gone = moved
        agg = self.aggregate
        state = agg.state
        # as GroupedStep.update's one-group way, else the aggregate's general way
        if state is None or agg.template is None or not state.shift_one(kept, gone):
            return agg.update(Delta(kept, gone))
        state.refresh()
        self.short += 1
        return Delta.whole(agg._output(state))


class WindowRolling:
    """``window`` then ``rolling`` over a row count (see the module's notes)."""

    def __init__(self, window: WindowStep, rolling: RollingStep):
        self.window = window
        self.rolling = rolling
        self.short = 0  # batches that took the short way

    def output_rows(self) -> RowQueue:
        return self.rolling.output_rows()

    def update(self, delta: Delta) -> Delta:
        rolling = self.rolling
        moved = self.window.in_order(delta) if rolling.functions is not None else None
        if moved is None:
            return rolling.update(self.window.update(delta))
        # as RollingStep.update with the window's rows delta: the oldest rows left
        kept, gone = moved
        k = gone.n
        out_gone = rolling._drop_oldest(gone) if k else None
        rolling.n_in += kept.n - k
        new = rolling._admit(kept)
        self.short += 1
        return Delta.rows(new, out_gone if out_gone is not None and out_gone.names else None)
