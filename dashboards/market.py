"""A simulated stock exchange for ``stocks.yaml``: trades in a few symbols.

``ticks`` is a livedash ``periodic`` callback (streamz ``PeriodicDataFrame`` style): each
call returns the trades made between ``last`` and ``now``. Each symbol trades at random
moments (a Poisson process) and its price follows a geometric random walk, rounded to
``tick_size`` (5 cents by default), so now and then a one-minute candle closes where it
opened.

The current prices live in a :class:`Market` kept in this module, one per set of
arguments: every viewer of the dashboard in a server process sees the same market.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

START = {"ACME": 120.0, "GLOBEX": 45.0, "INITECH": 310.0}
"""Opening prices; any other symbol opens at 100."""


class Market:
    """The prices of ``symbols``, moved by every trade.

    Parameters
    ----------
    symbols : sequence of str
        The symbols traded.
    seed : int, optional
        Seed of the trades, for a market that repeats.
    """

    def __init__(self, symbols: Sequence[str], seed: int | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        self.prices = {symbol: START.get(symbol, 100.0) for symbol in symbols}

    def trades(self, last: pd.Timestamp, now: pd.Timestamp, rate: float,
               volatility: float, tick_size: float) -> pd.DataFrame:
        """The trades in ``(last, now]``: ``rate`` per second per symbol on average."""
        span = max((now - last).total_seconds(), 0.0)
        parts = []
        for symbol, price in self.prices.items():
            count = int(self.rng.poisson(rate * span))
            if count == 0:
                continue
            offsets = np.sort(self.rng.uniform(0.0, span, count))
            path = price * np.exp(np.cumsum(self.rng.normal(0.0, volatility, count)))
            self.prices[symbol] = float(path[-1])
            parts.append(pd.DataFrame({
                "symbol": symbol,
                "price": np.round(np.round(path / tick_size) * tick_size, 10),
                "volume": self.rng.integers(1, 20, count) * 100,
            }, index=last + pd.to_timedelta(offsets, unit="s")))
        if not parts:
            return pd.DataFrame({"symbol": pd.Series([], dtype="str"),
                                 "price": pd.Series([], dtype="float64"),
                                 "volume": pd.Series([], dtype="int64")},
                                index=pd.DatetimeIndex([], name="time"))
        frame = pd.concat(parts).sort_index(kind="stable")
        frame.index.name = "time"
        return frame


_MARKETS: dict[tuple[tuple[str, ...], int | None], Market] = {}


def ticks(last: pd.Timestamp, now: pd.Timestamp,
          symbols: Sequence[str] = ("ACME", "GLOBEX", "INITECH"),
          trades_per_second: float = 4.0, volatility: float = 0.0003,
          tick_size: float = 0.05, seed: int | None = None) -> pd.DataFrame:
    """Trades between ``last`` and ``now``: columns ``symbol``, ``price``, ``volume``.

    Parameters
    ----------
    last, now : pd.Timestamp
        The previous call's time and this one's (passed by livedash).
    symbols : sequence of str
        The symbols traded.
    trades_per_second : float
        Average trades per second per symbol.
    volatility : float
        Standard deviation of the log price change per trade.
    tick_size : float
        Prices are multiples of this.
    seed : int, optional
        Seed of the market, for a feed that repeats.
    """
    key = (tuple(symbols), seed)
    if key not in _MARKETS:
        _MARKETS[key] = Market(symbols, seed)
    return _MARKETS[key].trades(last, now, trades_per_second, volatility, tick_size)
