"""This machine's CPU, memory and network, read from Linux's ``/proc`` for ``system.yaml``.

Two livedash ``periodic`` callbacks, with no dependency beyond pandas:

* ``cpu_memory`` returns one record: ``cpu_percent`` (busy share of all CPUs since the
  previous reading), ``memory_percent`` (used, i.e. not available, share of RAM),
  ``memory_used_gib`` and ``load_1min``;
* ``network`` returns one record per interface: ``interface``, ``rx_bytes_per_s`` and
  ``tx_bytes_per_s`` since the previous reading.

CPU and network counters only ever grow, so a rate needs the previous reading; it is
kept in this module, per ``/proc`` directory. The first reading is the average since
boot. ``proc`` points at another directory laid out like ``/proc`` (used by the tests).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

_PREVIOUS: dict[tuple[str, str], tuple[float, dict[str, float]]] = {}


def _uptime(proc: Path) -> float:
    return float((proc / "uptime").read_text().split()[0])


def _rates(kind: str, proc: Path, counters: dict[str, float]) -> dict[str, float]:
    """Change per second of each counter since the previous call (or since boot)."""
    now = _uptime(proc)
    then, before = _PREVIOUS.get((kind, str(proc)), (0.0, {}))
    _PREVIOUS[(kind, str(proc))] = (now, counters)
    span = max(now - then, 1e-9)
    # a counter that appears later (a new interface) starts from its first reading
    return {name: max(value - before.get(name, value if before else 0.0), 0.0) / span
            for name, value in counters.items()}


def _cpu(proc: Path) -> dict[str, float]:
    fields = [float(v) for v in (proc / "stat").read_text().splitlines()[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle + iowait; guest time is already in user and nice
    return {"busy": sum(fields) - idle, "total": sum(fields)}


def _meminfo(proc: Path) -> dict[str, float]:
    out = {}
    for line in (proc / "meminfo").read_text().splitlines():
        name, _, rest = line.partition(":")
        out[name] = float(rest.split()[0]) * 1024  # kB
    return out


def cpu_memory(last: pd.Timestamp, now: pd.Timestamp, proc: str = "/proc"
               ) -> dict[str, float]:
    """One record: ``cpu_percent``, ``memory_percent``, ``memory_used_gib``, ``load_1min``.

    Parameters
    ----------
    last, now : pd.Timestamp
        The previous call's time and this one's (passed by livedash; not needed here).
    proc : str
        Where ``/proc`` is.
    """
    root = Path(proc)
    cpu = _rates("cpu", root, _cpu(root))
    memory = _meminfo(root)
    used = memory["MemTotal"] - memory.get("MemAvailable", memory["MemFree"])
    return {
        "cpu_percent": round(100.0 * cpu["busy"] / cpu["total"], 1) if cpu["total"] else 0.0,
        "memory_percent": round(100.0 * used / memory["MemTotal"], 1),
        "memory_used_gib": round(used / 2**30, 2),
        "load_1min": float((root / "loadavg").read_text().split()[0]),
    }


def network(last: pd.Timestamp, now: pd.Timestamp, proc: str = "/proc",
            loopback: bool = False) -> list[dict[str, object]]:
    """One record per network interface: ``interface``, ``rx_bytes_per_s``,
    ``tx_bytes_per_s``.

    Parameters
    ----------
    last, now : pd.Timestamp
        The previous call's time and this one's (passed by livedash; not needed here).
    proc : str
        Where ``/proc`` is.
    loopback : bool
        Include ``lo``.
    """
    root = Path(proc)
    counters = {}
    for line in (root / "net" / "dev").read_text().splitlines()[2:]:
        name, _, rest = line.partition(":")
        name, values = name.strip(), rest.split()
        if name == "lo" and not loopback:
            continue
        counters[f"{name} rx"] = float(values[0])
        counters[f"{name} tx"] = float(values[8])
    rates = _rates("net", root, counters)
    interfaces = sorted({key.rsplit(" ", 1)[0] for key in counters})
    return [{"interface": name, "rx_bytes_per_s": round(rates[f"{name} rx"], 1),
             "tx_bytes_per_s": round(rates[f"{name} tx"], 1)} for name in interfaces]
