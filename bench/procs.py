"""Server processes under test: livedash and the peer apps, on free ports, pinned to a core.

The server gets the first CPU and the benchmark's clients (and Chromium) the others, so
that the viewers' own work does not show up as server time and does not slow it down.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


_AVAILABLE = sorted(os.sched_getaffinity(0))  # before this process pins itself


def cpus() -> tuple[set[int], set[int]]:
    """(server CPUs, client CPUs); both all CPUs when there is only one."""
    if len(_AVAILABLE) < 2 or not PIN:
        return set(_AVAILABLE), set(_AVAILABLE)
    return {_AVAILABLE[0]}, set(_AVAILABLE[1:])


PIN = True


def pin_clients() -> None:
    """Run this process (the viewers, and any Chromium it starts) off the server's CPU."""
    os.sched_setaffinity(0, cpus()[1])


def unpin() -> None:
    """Let this process (and what it starts next) run on every CPU."""
    os.sched_setaffinity(0, set(_AVAILABLE))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class ServerProc:
    """One server process: ``app`` is the path viewers load, ``status`` the JSON endpoint."""

    name: str
    cmd: list[str]
    app: str
    status_path: str
    port: int
    cwd: Path = ROOT
    proc: subprocess.Popen[bytes] | None = None
    log: Any = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ServerProc":
        self.log = tempfile.NamedTemporaryFile("w+", prefix=f"bench-{self.name}-",
                                               suffix=".log", delete=False)
        server_cpus = cpus()[0]

        def pin() -> None:
            os.sched_setaffinity(0, server_cpus)
        env = {**os.environ, "TZ": "UTC", "PYTHONPATH": str(ROOT), "BOKEH_RESOURCES": "server",
               **self.env}
        self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env, preexec_fn=pin,
                                     start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 90) -> "ServerProc":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.output()}")
            try:
                if get(self.url + self.status_path, timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start:\n{self.output()}")

    def output(self, tail: int | None = 4000) -> str:
        """The server's log so far (its last ``tail`` characters)."""
        if self.log is None:
            return ""
        self.log.flush()
        text = Path(self.log.name).read_text()
        return text if tail is None else text[-tail:]

    def status(self, debug: bool = False) -> dict[str, Any]:
        status, body = get(self.url + self.status_path + ("?debug=1" if debug else ""),
                           timeout=30)
        if status != 200:
            raise RuntimeError(f"{self.name} status {status}: {body[:200]!r}")
        return json.loads(body)

    def sessions(self) -> int:
        """Sessions the server still holds (livedash: pages open; peers: subscribers)."""
        status = self.status()
        if "dashboards" in status:
            return sum(int(d.get("sessions", 0)) for d in status["dashboards"].values())
        return int(status["subscribers"])

    def wait_sessions(self, count: int = 0, timeout: float = 30) -> bool:
        """Wait until the server holds ``count`` sessions (closed ones are expired)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sessions() <= count:
                return True
            time.sleep(0.25)
        return False

    @property
    def ps(self) -> psutil.Process:
        assert self.proc is not None
        return psutil.Process(self.proc.pid)

    def cpu(self) -> float:
        """CPU seconds (user + system, every thread) used by the server so far."""
        times = self.ps.cpu_times()
        return times.user + times.system

    def rss(self) -> int:
        return int(self.ps.memory_info().rss)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        if self.log is not None:
            self.log.close()
            Path(self.log.name).unlink(missing_ok=True)
            self.log = None


def livedash(name: str, files: list[Path], app: str, cwd: Path,
             session_lifetime_ms: int = 1000) -> ServerProc:
    port = free_port()
    cmd = [str(BIN / "livedash"), "serve", *map(str, files), "--port", str(port),
           "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}",
           "--check-unused-sessions", "500",
           "--unused-session-lifetime", str(session_lifetime_ms)]
    return ServerProc(name, cmd, app, "/livedash/status", port, cwd=cwd)


def peer(name: str, module: str, app: str, interval: float, backlog: int,
         session_lifetime_ms: int = 1000) -> ServerProc:
    port = free_port()
    cmd = [sys.executable, "-m", f"bench.apps.{module}", "--port", str(port),
           "--interval", str(interval), "--backlog", str(backlog),
           "--check-unused-sessions", "500",
           "--unused-session-lifetime", str(session_lifetime_ms)]
    return ServerProc(name, cmd, app, "/bench/status", port)


def raw(interval: float, backlog: int, session_lifetime_ms: int = 1000) -> ServerProc:
    return peer("raw Bokeh", "raw_stream", "/raw", interval, backlog, session_lifetime_ms)


def hvplot(interval: float, backlog: int, session_lifetime_ms: int = 1000) -> ServerProc:
    return peer("hvPlot Buffer", "hvplot_buffer", "/hvplot", interval, backlog,
                session_lifetime_ms)


def start_all(servers: list[ServerProc]) -> list[ServerProc]:
    """Start every server at once (they load in parallel), then wait for each."""
    for server in servers:
        server.start()
    try:
        for server in servers:
            server.wait_ready()
    except Exception:
        stop_all(servers)
        raise
    return servers


def stop_all(servers: list[ServerProc]) -> None:
    for server in servers:
        server.stop()
