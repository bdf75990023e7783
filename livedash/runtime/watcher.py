"""Notices when dashboard files are saved (``livedash serve --autoreload``)."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class FileWatcher:
    """Polls the files it is given twice a second and calls ``on_change(path)``.

    Polling a handful of files costs nothing measurable and needs no extra dependency;
    it also sees editors that save by replacing the file.
    """

    def __init__(self, on_change: Callable[[Path], None], interval: float = 0.5):
        self.on_change = on_change
        self.interval = interval
        self._stamps: dict[Path, tuple[int, int] | None] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, path: Path) -> None:
        with self._lock:
            if path not in self._stamps:
                self._stamps[path] = _stamp(path)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="livedash:watcher",
                                                daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                items = list(self._stamps.items())
            for path, old in items:
                new = _stamp(path)
                if new != old:
                    with self._lock:
                        self._stamps[path] = new
                    if new is not None:
                        try:
                            self.on_change(path)
                        except Exception:  # a bad reload must not kill the watcher
                            import logging
                            logging.getLogger("livedash").exception("reload of %s failed", path)

    def stop(self) -> None:
        self._stop.set()
