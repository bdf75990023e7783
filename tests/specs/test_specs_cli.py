"""``livedash validate`` as a command: exit statuses, JSON, strictness, the Python API."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from specrun import CONFIG, HERE, ROOT, relative, run

import livedash

BOMB = HERE / "invalid" / "alias_bomb.yaml"


@pytest.mark.parametrize(("args", "message"), [
    ([], "the following arguments are required: PATH"),
    (["--colour", "dashboards/"], "unrecognized arguments: --colour"),
    (["--format", "xml", "dashboards/"], "invalid choice: 'xml'"),
    (["dashboards/nothere.yaml"], "no such file or directory: dashboards/nothere.yaml"),
    (["livedash/commands"], "no .yaml or .yml files in livedash/commands"),
])
def test_usage_errors_exit_2(args: list[str], message: str, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(args, monkeypatch)
    assert status == 2 and out == ""
    assert message in err + capsys.readouterr().err


def test_help_exits_0(monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"], monkeypatch)[0] == 0
    assert "exit status: 0 valid, 1 invalid, 2 usage error" in capsys.readouterr().out


def test_a_broken_config_is_a_usage_error(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "livedash.yaml"
    config.write_text("allowed_modules: [unclosed\n")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LIVEDASH_CONFIG", str(config))
    from io import StringIO

    from livedash.commands import validate
    err = StringIO()
    assert validate.main(["dashboards/"], StringIO(), err) == 2
    assert err.getvalue().startswith("livedash validate: error: cannot read the settings: ")


def test_files_and_directories_together(monkeypatch: pytest.MonkeyPatch) -> None:
    case = relative(HERE / "invalid" / "cycle.yaml")
    status, out, err = run(["dashboards", case, case], monkeypatch)
    assert status == 1
    assert out == (HERE / "invalid" / "cycle.out").read_text()  # once, though named twice
    assert err == "2 errors in 1 of 7 files\n"


def test_json(monkeypatch: pytest.MonkeyPatch) -> None:
    case = relative(HERE / "warnings" / "deprecated.yaml")
    status, out, _ = run(["--format", "json", case], monkeypatch)
    report = json.loads(out)
    assert status == 0
    assert (report["valid"], report["files"], report["errors"], report["warnings"]) == \
        (True, [case], 0, 3)
    assert report["problems"][0] == {
        "file": case, "line": 4, "col": 11, "code": "deprecated", "severity": "warning",
        "path": "sources.walk.type", "message": "'random-walk' is an old spelling of "
        "'random_walk'", "hint": "write 'random_walk'"}
    status, out, _ = run(["--format", "json", "--strict", case], monkeypatch)
    report = json.loads(out)
    assert status == 1 and not report["valid"] and report["errors"] == 3
    assert {p["severity"] for p in report["problems"]} == {"error"}


def test_the_python_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LIVEDASH_CONFIG", CONFIG)
    [missing] = livedash.validate("dashboards/nothere.yaml")
    assert missing.format() == ("dashboards/nothere.yaml:1:1: error[no-file]: <root>: "
                                "no such file\n  hint: check the path")
    errors = livedash.validate({"sources": {"w": {"type": "random_walk", "interval": "0s"}},
                                "views": {"w": {"data": "w", "kind": "lines"}}})
    assert [e.format() for e in errors] == [
        "<dict>:1:1: error[bad-duration]: sources.w.interval: '0s' must be longer than zero",
        ("<dict>:1:1: warning[deprecated]: views.w.kind: 'lines' is an old spelling of "
         "'line'\n  hint: write 'line'")]
    assert livedash.validate("dashboards/sensors.yaml") == []


def test_deprecated_spellings_still_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    from livedash.spec.loading import check
    plan, errors = check(HERE / "warnings" / "deprecated.yaml")
    assert plan is not None and {e.severity for e in errors} == {"warning"}
    walk = plan.sources["walk"]
    assert (walk.type, str(walk.interval), plan.views["walk"].kind) == \
        ("random_walk", "0 days 00:00:00.250000", "line")


def test_a_real_process(tmp_path: Path) -> None:
    """The installed command: no traceback, the golden output, exit 1; 2 without PATH."""
    exe = Path(sys.executable).parent / "livedash"
    env = {**os.environ, "LIVEDASH_CONFIG": CONFIG}
    proc = subprocess.run([str(exe), "validate", relative(BOMB)], cwd=ROOT, env=env,
                          check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == BOMB.with_suffix(".out").read_text()
    assert proc.stderr == "1 error in 1 of 1 file\n"
    proc = subprocess.run([str(exe), "validate"], cwd=ROOT, env=env, check=False,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
