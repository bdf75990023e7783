"""The sources of every example in dashboards/: valid, startable, and steady in shape.

Views and steps are tested with them elsewhere; here each dashboard's sources are
validated with the repository's settings, started, and polled with hand-driven time.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sourceticks import source_registry, ticks

from livedash.plugins import SourceContext
from livedash.settings import Settings
from livedash.sources.shape import ShapeGuard

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = ROOT / "dashboards"
FILES = sorted(DASHBOARDS.glob("*.yaml"))
EXPECTED = {"noisy_cosine", "random_walk", "sensors", "stocks", "system", "training"}


@pytest.fixture(autouse=True)
def _restore_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))


def test_the_examples_are_all_here() -> None:
    assert {f.stem for f in FILES} >= EXPECTED


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_sources_are_valid_start_and_keep_their_shape(path: Path) -> None:
    data = yaml.safe_load(path.read_text())
    assert data["title"] and data["description"]
    settings = Settings.load(ROOT / "config" / "livedash.yaml")
    registry = source_registry()
    if any(s["type"] == "periodic" and s["callback"].startswith("system_probe:")
           for s in data["sources"].values()) and not Path("/proc/stat").exists():
        pytest.skip("reads Linux's /proc")
    for name, body in data["sources"].items():
        info = registry.get("source", body["type"])
        assert info is not None, name
        spec = info.spec.model_validate(body, context={"settings": settings,
                                                       "base_dir": DASHBOARDS})
        source = info.factory(spec, SourceContext(name, DASHBOARDS, settings.allowed_modules))
        guard = ShapeGuard()
        interval = str(spec.interval)
        for last, now in ticks(interval, 5):
            frame = source.poll(last, now)
            assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "time"
            if source.whole:
                assert len(frame) > 0
                continue
            guard.check(frame)
            if path.stem != "system":  # the probe stamps its rows with `now`, as given
                assert ((frame.index > last) & (frame.index <= now)).all(), name
        assert guard.columns or source.whole, f"{name} never produced a row"
        source.close()
