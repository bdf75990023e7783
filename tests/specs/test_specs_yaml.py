"""The YAML loader: plain data only, positions kept, and no way to make it run or explode."""
from __future__ import annotations

import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest

import livedash
from livedash.settings import Settings
from livedash.spec.loading import check
from livedash.yamlio import MAX_CHARS, MAX_DEPTH, UNREADABLE, load_yaml


def laughs(levels: int, width: int) -> str:
    lines = ['lol0: &lol0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def merges(levels: int) -> str:
    lines = ["m0: &m0 {a: 1, b: 2, c: 3, d: 4}"]
    for i in range(1, levels + 1):
        keys = ", ".join(f"k{j}: *m{i - 1}" for j in range(10))
        lines.append(f"m{i}: &m{i} {{<<: *m{i - 1}, {keys}}}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [laughs(9, 10), laughs(30, 10), laughs(200, 2), merges(12)],
                         ids=["billion", "1e30", "2**200", "merges"])
def test_alias_bombs_are_refused_at_once(text: str) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        loaded = load_yaml(text, "bomb.yaml")
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    [error] = loaded.errors
    assert error.code in {"alias-bomb", "too-deep"} and loaded.data is None
    assert elapsed < 1.0, elapsed
    assert peak < 20_000_000, peak


def test_an_alias_inside_itself() -> None:
    [error] = load_yaml("a: &a [1, *a]\n", "loop.yaml").errors
    assert error.format() == ("loop.yaml:1:4: error[alias-loop]: a: the alias *a is used "
                              "inside the value it names, so it never ends\n"
                              "  hint: write the value out instead of *a")


@pytest.mark.parametrize("text", [
    "x: " + "[" * 100_000,
    "x: " + "[" * 50_000 + "]" * 50_000,
    "".join(" " * i + "- \n" for i in range(0, 400, 2)),
    "".join(" " * i + f"k{i}:\n" for i in range(0, 400, 2)),
], ids=["unclosed", "closed", "block-lists", "block-maps"])
def test_deep_nesting_is_refused_without_recursion_errors(text: str) -> None:
    start = time.perf_counter()
    [error] = load_yaml(text).errors
    assert error.code == "too-deep" and f"{MAX_DEPTH} levels" in error.message
    assert time.perf_counter() - start < 2.0


def test_too_big() -> None:
    [error] = load_yaml("#" * (MAX_CHARS + 1), "big.yaml").errors
    assert (error.code, error.line, error.col) == ("too-big", 1, 1)


def test_plain_data_only() -> None:
    """Keys as written; no timestamps; no base-60 numbers (YAML 1.1 reads 1:30 as 90)."""
    text = textwrap.dedent("""\
        on: yes
        1: 2024-01-01
        null: ~
        "quoted": 1.5
        'sp ace': [0x10, 1_000, .inf, 1:30]
        """)
    loaded = load_yaml(text)
    assert loaded.errors == []
    assert loaded.data == {"on": True, "1": "2024-01-01", "null": None, "quoted": 1.5,
                           "sp ace": [16, 1000, float("inf"), "1:30"]}


def test_merge_keys() -> None:
    text = textwrap.dedent("""\
        base: &base {interval: 1s, type: sine, k: 2}
        more: &more {k: 3, noise: 0}
        fast:
          <<: [*more, *base]
          interval: 50ms
        """)
    loaded = load_yaml(text)
    assert loaded.errors == []
    assert loaded.data["fast"] == {"interval": "50ms", "k": 3, "noise": 0, "type": "sine"}
    assert loaded.positions.of_key(("fast", "interval")) == (5, 3)
    assert loaded.positions.of_key(("fast", "type")) == (1, 28)  # where the anchor says it


def test_positions() -> None:
    loaded = load_yaml("sources:\n  walk:\n    type: sine\n    tags: [a, b]\n")
    positions = loaded.positions
    assert positions.of_key(("sources", "walk", "type")) == (3, 5)
    assert positions.of_value(("sources", "walk", "type")) == (3, 11)
    assert positions.of_value(("sources", "walk", "tags", 1)) == (4, 15)
    assert positions.of_value(("sources", "walk", "nothere", 3)) == (3, 5)


def test_unreadable_values_are_marked() -> None:
    loaded = load_yaml("a: !!python/name:os.system\nb: !!float x\n")
    assert loaded.data == {"a": UNREADABLE, "b": UNREADABLE}
    assert [e.code for e in loaded.errors] == ["yaml-tag", "yaml-value"]


def test_no_tag_ever_runs(tmp_path: Path) -> None:
    marker = tmp_path / "hacked"
    payloads = [
        f'!!python/object/apply:os.system ["touch {marker}"]',
        f'!!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
        "!!python/name:os.system",
        f'!!python/object/apply:builtins.exec ["open(\'{marker}\', \'w\')"]',
    ]
    for payload in payloads:
        dashboard = tmp_path / "d.yaml"
        dashboard.write_text(f"sources:\n  s: {payload}\nviews: {{}}\n")
        errors = livedash.validate(dashboard)
        assert [e.code for e in errors] == ["yaml-tag"]
        assert not marker.exists()


def test_callbacks_are_never_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "loud.py").write_text(f"open({str(marker)!r}, 'w').write('yes')\n"
                                      "def read(last, now):\n    return {{'a': 1}}\n")
    (tmp_path / "d.yaml").write_text("sources:\n  s: {type: periodic, callback: 'loud:read'}\n"
                                     "views:\n  s: {data: s, kind: table}\n")
    monkeypatch.chdir(tmp_path)
    from livedash.commands import validate
    assert validate.main(["d.yaml"]) == 0
    plan, errors = check(tmp_path / "d.yaml", settings=Settings())
    assert plan is not None and errors == []
    assert not marker.exists()
    assert not any("loud" in name for name in sys.modules)
