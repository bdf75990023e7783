"""Instructions a batch of benchmark 4 costs, counted by valgrind's callgrind.

``python -m bench.instructions aggregate count 100`` feeds ``[window, step]`` as
benchmark 4 does, counts the machine instructions spent feeding 300 batches (callgrind
counts only between two switches, once the window is full and every row it was filled
with has left it), does the same with no batch, and prints the difference per batch.
The fed frames stay referenced until the count ends, so none is freed inside it.
Unlike a time, the count does not move with the other tenants of a shared machine, so
two versions of the code can be compared with one run each (``--root`` points at
another checkout). ``--floor`` counts the hand-written floor (:mod:`bench.floor`)
instead, for what livedash spends beyond the arithmetic. It is not a benchmark of its
own: it leaves out cache misses, which a time includes. Needs ``valgrind`` (Debian:
``apt-get install valgrind``); each count takes half a minute to a minute.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def _switch(on: bool) -> None:
    """Start or stop counting in this process (it runs under callgrind)."""
    ctl = subprocess.Popen(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
                           stdout=subprocess.DEVNULL)
    while ctl.poll() is None:
        time.sleep(0.05)


def _feed(kind_name: str, window_name: str, batch: int, batches: int, floor: bool) -> None:
    from bench import aggregation as A
    from bench.floor import Floor
    kind = next(k for k in A.KINDS if k.name == kind_name)
    window = {"count": A.COUNT, "time": A.TIME}[window_name]
    contender = (Floor if floor else A.Livedash)(kind, window)
    start = 0
    while start < window.rows + 2000:
        contender.feed(A.rows(start, 1000, window.spacing_ms))
        start += 1000
    # warmed until every row filled in 1,000-row chunks has left the window: from there on
    # its pieces are the batch's size, as in the benchmark's timed batches
    warm = window.rows // batch + 50
    pool = [A.rows(start + i * batch, batch, window.spacing_ms) for i in range(batches + warm)]
    for part in pool[:warm]:
        contender.feed(part)
    _switch(True)
    for part in pool[warm:]:
        contender.feed(part)
    _switch(False)


def count(root: Path, kind: str, window: str, batch: int, batches: int,
          floor: bool = False) -> int:
    """Instructions callgrind counted while ``batches`` batches were fed."""
    env = dict(os.environ, PYTHONPATH=str(root), LIVEDASH_COUNTING="1")
    # this file feeds, whatever the checkout: ``root`` gives livedash and bench.aggregation
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, kind, window, str(batch), "--batches", str(batches),
         *(["--floor"] if floor else [])],
        cwd=root, env=env, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode or found is None:
        raise SystemExit(f"counting failed in {root}:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", help="a step kind of benchmark 4 (window, aggregate, ...)")
    parser.add_argument("window", choices=["count", "time"],
                        help="10,000 rows or 60 s in the window")
    parser.add_argument("batch", type=int, help="rows a batch")
    parser.add_argument("--batches", type=int, default=300)
    parser.add_argument("--root", type=Path, default=HERE,
                        help="the checkout whose livedash is counted")
    parser.add_argument("--floor", action="store_true",
                        help="count the hand-written floor, not livedash")
    args = parser.parse_args()
    if args.floor:
        from bench.floor import KINDS as FLOORED
        if args.kind not in FLOORED:
            parser.error(f"the floor has no {args.kind!r}: it has {', '.join(FLOORED)}")
    if os.environ.get("LIVEDASH_COUNTING"):
        _feed(args.kind, args.window, args.batch, args.batches, args.floor)
        return
    fed = count(args.root, args.kind, args.window, args.batch, args.batches, args.floor)
    idle = count(args.root, args.kind, args.window, args.batch, 0, args.floor)
    who = "the floor" if args.floor else "livedash"
    print(f"{args.kind} {args.window} {args.batch}: {(fed - idle) / args.batches:,.0f} "
          f"instructions a batch, {who} ({args.root})")


if __name__ == "__main__":
    main()
