"""The callback modules beside the example dashboards: market, lab and system_probe."""
from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from sourceticks import T0, ticks

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", DASHBOARDS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_market_trades_are_in_order_within_the_tick() -> None:
    market = load("market")
    frames = [market.ticks(last, now, seed=3) for last, now in ticks("500ms", 40)]
    trades = pd.concat(frames)
    assert trades.index.is_monotonic_increasing
    assert set(trades["symbol"]) == {"ACME", "GLOBEX", "INITECH"}
    assert trades.dtypes.astype(str).to_dict() == {"symbol": "str", "price": "float64",
                                                   "volume": "int64"}
    per_second = len(trades) / 20 / 3
    assert 3 < per_second < 5
    for (last, now), frame in zip(ticks("500ms", 40), frames):
        assert ((frame.index > last) & (frame.index <= now)).all()


def test_market_repeats_with_a_seed_and_sometimes_closes_flat() -> None:
    a, b = load("market"), load("market")
    run = [a.ticks(last, now, seed=3) for last, now in ticks("1s", 600)]
    again = [b.ticks(last, now, seed=3) for last, now in ticks("1s", 600)]
    pd.testing.assert_frame_equal(pd.concat(run), pd.concat(again))
    trades = pd.concat(run)
    candles = trades.groupby("symbol").resample("1min")["price"].ohlc().dropna()
    assert (candles["close"] > candles["open"]).any()
    assert (candles["close"] < candles["open"]).any()
    assert (candles["close"] == candles["open"]).any()


def test_market_with_no_trades_gives_the_columns() -> None:
    empty = load("market").ticks(T0, T0)
    assert empty.empty and list(empty.columns) == ["symbol", "price", "volume"]


def test_lab_reads_each_sensor_every_100ms_without_gaps_or_repeats() -> None:
    lab = load("lab")
    start = T0 + pd.Timedelta("37ms")
    edges = [start + pd.Timedelta(ms, "ms") for ms in (0, 480, 1010, 1500, 2030)]
    readings = pd.concat([lab.read_sensors(a, b, sensors=3, seed=1)
                          for a, b in itertools.pairwise(edges)])
    assert readings.dtypes.astype(str).to_dict() == {
        "sensor": "str", "room": "str", "temperature": "float64", "humidity": "float64"}
    for _, rows in readings.groupby("sensor"):
        steps = rows.index.to_series().diff().dropna()
        assert (steps == pd.Timedelta("100ms")).all()
        assert len(rows) == 20
    assert set(readings["sensor"]) == {"B12-1", "B12-2", "B12-3"}


def test_lab_sends_a_fault_code_now_and_then() -> None:
    lab = load("lab")
    readings = lab.read_sensors(T0, T0 + pd.Timedelta("10min"), seed=2)
    share = (readings["temperature"] == lab.FAULT).mean()
    assert 0.005 < share < 0.02
    valid = readings[readings["temperature"] > -50]
    assert valid["temperature"].between(15, 30).all()
    assert valid["humidity"].between(30, 55).all()


def write_proc(root: Path, uptime: float, cpu: list[int], rx: int, tx: int) -> None:
    (root / "net").mkdir(parents=True, exist_ok=True)
    (root / "uptime").write_text(f"{uptime} 0.0\n")
    (root / "stat").write_text("cpu  " + " ".join(map(str, cpu)) + "\ncpu0 1 2 3\n")
    (root / "meminfo").write_text("MemTotal:       8000000 kB\nMemFree:        1000000 kB\n"
                                  "MemAvailable:   6000000 kB\n")
    (root / "loadavg").write_text("0.50 0.40 0.30 1/100 123\n")
    (root / "net" / "dev").write_text(
        "Inter-|   Receive |  Transmit\n face |bytes packets|bytes packets\n"
        f"    lo: 999 1 0 0 0 0 0 0 999 1 0 0 0 0 0 0\n"
        f"  eth0: {rx} 5 0 0 0 0 0 0 {tx} 3 0 0 0 0 0 0\n")


def test_system_probe_rates_from_a_fake_proc(tmp_path: Path) -> None:
    probe = load("system_probe")
    proc = str(tmp_path)
    # since boot (100 s): 25 % busy, 1000 B/s in, 500 B/s out
    write_proc(tmp_path, 100.0, [200, 0, 50, 700, 50, 0, 0, 0, 0, 0], 100_000, 50_000)
    first = probe.cpu_memory(T0, T0, proc=proc)
    assert first == {"cpu_percent": 25.0, "memory_percent": 25.0, "memory_used_gib": 1.91,
                     "load_1min": 0.5}
    assert probe.network(T0, T0, proc=proc) == [
        {"interface": "eth0", "rx_bytes_per_s": 1000.0, "tx_bytes_per_s": 500.0}]
    # two seconds later: 100 busy ticks of 200, 4000 B and 1000 B more
    write_proc(tmp_path, 102.0, [280, 0, 70, 780, 70, 0, 0, 0, 0, 0], 104_000, 51_000)
    assert probe.cpu_memory(T0, T0, proc=proc)["cpu_percent"] == 50.0
    assert probe.network(T0, T0, proc=proc, loopback=True) == [
        {"interface": "eth0", "rx_bytes_per_s": 2000.0, "tx_bytes_per_s": 500.0},
        {"interface": "lo", "rx_bytes_per_s": 0.0, "tx_bytes_per_s": 0.0}]


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="reads Linux's /proc")
def test_system_probe_on_this_machine() -> None:
    probe = load("system_probe")
    reading = probe.cpu_memory(T0, T0)
    assert 0 <= reading["cpu_percent"] <= 100 and 0 < reading["memory_percent"] < 100
    assert all(np.isfinite(r["rx_bytes_per_s"]) for r in probe.network(T0, T0))
