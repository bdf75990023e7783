"""Simulated lab sensors for ``sensors.yaml``: a reading every 100 ms from each sensor.

``read_sensors`` is a livedash ``periodic`` callback (streamz ``PeriodicDataFrame``
style): it returns the readings taken between ``last`` and ``now``. It keeps no state:
each reading is a function of its time (a slow swing per sensor) plus noise, so any
number of callers can share it. About one reading in a hundred is the fault code
-99.9 that real sensors send when they lose contact; the dashboard filters them out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

FAULT = -99.9
"""What a sensor reports when it loses contact."""


def read_sensors(last: pd.Timestamp, now: pd.Timestamp, room: str = "B12",
                 sensors: int = 4, every: str = "100ms", seed: int | None = None
                 ) -> pd.DataFrame:
    """Readings in ``(last, now]``: columns ``sensor``, ``room``, ``temperature`` (°C)
    and ``humidity`` (%), one row per sensor every ``every``.

    Parameters
    ----------
    last, now : pd.Timestamp
        The previous call's time and this one's (passed by livedash).
    room : str
        Room name written into every row.
    sensors : int
        How many sensors (named ``<room>-1``, ``<room>-2``, ...).
    every : str
        Time between two readings of a sensor.
    seed : int, optional
        Seed of the noise; with a seed the same times give the same readings.
    """
    step = pd.Timedelta(every)
    start = last.ceil(step)
    if start <= last:
        start += step
    times = pd.date_range(start, now, freq=step) if start <= now else pd.DatetimeIndex([])
    rng = np.random.default_rng(None if seed is None else [seed, now.value])
    names = [f"{room}-{k}" for k in range(1, sensors + 1)]
    seconds = times.asi8[:, None] / 1e9 if len(times) else np.empty((0, 1))
    phase = np.arange(sensors)[None, :]
    shape = (len(times), sensors)
    temperature = 21.0 + 0.5 * phase + 1.5 * np.sin(2 * np.pi * seconds / 120 + phase) \
        + rng.normal(0.0, 0.15, shape)
    humidity = 45.0 - 2.0 * phase + 4.0 * np.cos(2 * np.pi * seconds / 300 + phase) \
        + rng.normal(0.0, 0.5, shape)
    temperature[rng.random(shape) < 0.01] = FAULT
    return pd.DataFrame({
        "sensor": np.tile(names, len(times)),
        "room": room,
        "temperature": temperature.ravel().round(2),
        "humidity": humidity.ravel().round(1),
    }, index=pd.DatetimeIndex(np.repeat(times.values, sensors), name="time"))
