from __future__ import annotations

import random as stdlib_random
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sourceticks import T0, error_of, source_registry

from livedash.errors import RowsRejected
from livedash.plugins import SourceContext
from livedash.settings import Settings
from livedash.sources.callbacks import CallbackError
from livedash.sources.periodic import Periodic, PeriodicSpec, make
from livedash.spec.loading import check

NOW = T0 + pd.Timedelta("1s")
REFUSED = ("module 'os' is not allowed for callbacks: add 'os' to allowed_modules in "
           "config/livedash.yaml, or put the function in a .py file beside the dashboard")

LAB = '''
import pandas as pd
import helpers

def records(last, now, room="B12"):
    return [{"sensor": "s1", "room": room, "t": helpers.BASE},
            {"sensor": "s2", "room": room, "t": helpers.BASE + 1}]

def record(last, now):
    return {"x": 1.5}

def timed(last, now):
    return pd.DataFrame({"time": [last, now], "x": [1, 2]})

def indexed(last, now):
    return pd.DataFrame({"x": [1.0]}, index=pd.DatetimeIndex([last], name="when"))

def by_sensor(last, now):
    return pd.DataFrame({"t": [1.0, 2.0]}, index=pd.Index(["a", "b"], name="sensor"))

def nothing(last, now):
    return None

def number(last, now):
    return 5

def nested(last, now):
    return {"x": [1, 2]}

def no_times():
    return {}

COUNT = 3
'''


@pytest.fixture(autouse=True)
def _no_leftovers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Starting a source extends sys.path and sys.modules: undo that after each test."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("_livedash_") or name in {"helpers", "feeds_pkg",
                                                     "feeds_pkg.feed"}:
            del sys.modules[name]


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """A dashboard directory with lab.py and the sibling it imports."""
    (tmp_path / "lab.py").write_text(LAB)
    (tmp_path / "helpers.py").write_text("BASE = 20.0\n")
    return tmp_path


def spec(callback: str, base_dir: Path | None = None, settings: Settings | None = None,
         **kwargs: object) -> PeriodicSpec:
    return PeriodicSpec.model_validate(
        {"type": "periodic", "callback": callback, "kwargs": kwargs},
        context={"settings": settings or Settings(), "base_dir": base_dir})


def source(callback: str, base_dir: Path, **kwargs: object) -> Periodic:
    return make(spec(callback, base_dir, **kwargs), SourceContext("s", base_dir))


# -- validation ------------------------------------------------------------------------

def test_a_module_beside_the_dashboard_is_allowed(lab: Path) -> None:
    assert spec("lab:records", lab).callback == "lab:records"


def test_a_package_beside_the_dashboard_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "feed.py").write_text("def read(last, now):\n    return {'a': 1}\n")
    assert spec("pkg.feed:read", tmp_path).callback == "pkg.feed:read"
    assert spec("pkg:read", tmp_path)  # the package itself


@pytest.mark.parametrize(("allowed", "callback"), [
    (("mypkg.lab",), "mypkg.lab:read"),
    (("mypkg.*",), "mypkg.sub.lab:read"),
    (("mypkg.*",), "mypkg:read"),
])
def test_modules_the_settings_allow(allowed: tuple[str, ...], callback: str) -> None:
    assert spec(callback, None, Settings(allowed_modules=allowed)).callback == callback


@pytest.mark.parametrize(("allowed", "callback", "module"), [
    ((), "os:getcwd", "os"),
    (("mypkg.lab",), "mypkg.other:read", "mypkg.other"),
    (("mypkg.*",), "mypkgx:read", "mypkgx"),
])
def test_other_modules_are_refused(lab: Path, allowed: tuple[str, ...], callback: str,
                                   module: str) -> None:
    body = {"type": "periodic", "callback": callback}
    context = {"settings": Settings(allowed_modules=allowed), "base_dir": lab}
    assert error_of(PeriodicSpec, body, context) == (
        ("callback",), REFUSED.replace("'os'", repr(module)))


def test_without_a_context_nothing_is_allowed() -> None:
    assert error_of(PeriodicSpec, {"type": "periodic", "callback": "os:getcwd"}) == (
        ("callback",), REFUSED)


def test_a_subdirectory_without_init_is_not_beside(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "feed.py").write_text("")
    body = {"type": "periodic", "callback": "plain.feed:read"}
    assert error_of(PeriodicSpec, body, {"settings": Settings(), "base_dir": tmp_path})[1] \
        .startswith("module 'plain.feed' is not allowed")


@pytest.mark.parametrize("callback", ["lab.read", "lab:", ":read", "lab:read()",
                                      "1lab:read", "lab:class", "lab:read:more", "lab: read"])
def test_callback_syntax(callback: str) -> None:
    body = {"type": "periodic", "callback": callback}
    assert error_of(PeriodicSpec, body) == (("callback",), (
        f"{callback!r} is not a callback: write \"module:function\", e.g. "
        "\"lab:read_sensors\" for read_sensors() in lab.py beside the dashboard"))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"now": 1}, ("'now' cannot be given in kwargs: livedash passes the times of the "
     "previous and this call as last= and now=")),
    ({"last": 1, "now": 2}, ("'last' and 'now' cannot be given in kwargs: livedash passes "
     "the times of the previous and this call as last= and now=")),
    ({"room-no": 1}, ("'room-no' is not a keyword argument name: use letters, digits and _ "
     "(not starting with a digit)")),
])
def test_kwargs_that_cannot_be_passed(lab: Path, kwargs: dict, message: str) -> None:
    body = {"type": "periodic", "callback": "lab:records", "kwargs": kwargs}
    assert error_of(PeriodicSpec, body, {"settings": Settings(), "base_dir": lab}) == (
        ("kwargs",), message)


def test_validation_never_imports(tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "loud.py").write_text(textwrap.dedent(f"""
        from pathlib import Path
        Path({str(marker)!r}).write_text("yes")
        def read(last, now):
            return {{"a": 1}}
    """))
    dashboard = tmp_path / "d.yaml"
    dashboard.write_text("sources:\n  s: {type: periodic, callback: 'loud:read'}\n"
                         "views: {}\n")
    plan, errors = check(dashboard, settings=Settings(), registry=source_registry())
    assert [e for e in errors if e.severity == "error"] == [] and plan is not None
    assert not marker.exists()
    assert not any(name.endswith("_loud") for name in sys.modules)
    make(plan.sources["s"], SourceContext("s", tmp_path))
    assert marker.read_text() == "yes"


def test_the_refusal_in_a_dashboard_file(tmp_path: Path) -> None:
    dashboard = tmp_path / "d.yaml"
    dashboard.write_text("sources:\n  s:\n    type: periodic\n    callback: os:getcwd\n"
                         "views: {}\n")
    _, errors = check(dashboard, settings=Settings(), registry=source_registry())
    [error] = [e for e in errors if e.severity == "error"]
    assert (error.line, error.col, error.key_path, error.message) == (
        4, 15, "sources.s.callback", REFUSED)


# -- running ---------------------------------------------------------------------------

def test_records_with_kwargs_and_a_sibling_import(lab: Path) -> None:
    frame = source("lab:records", lab, room="C3").poll(T0, NOW)
    assert frame.to_dict("list") == {"sensor": ["s1", "s2"], "room": ["C3", "C3"],
                                     "t": [20.0, 21.0]}
    assert frame.index.tolist() == [NOW, NOW] and frame.index.name == "time"


@pytest.mark.parametrize(("callback", "index", "columns"), [
    ("lab:record", [NOW], ["x"]),
    ("lab:timed", [T0, NOW], ["x"]),
    ("lab:indexed", [T0], ["x"]),
    ("lab:by_sensor", [NOW, NOW], ["sensor", "t"]),
    ("lab:nothing", [], []),
])
def test_what_a_callback_may_return(lab: Path, callback: str, index: list,
                                    columns: list) -> None:
    frame = source(callback, lab).poll(T0, NOW)
    assert frame.index.tolist() == index and frame.index.name == "time"
    assert list(frame.columns) == columns


@pytest.mark.parametrize(("callback", "message"), [
    ("lab:number", ("callback 'lab:number': expected a DataFrame, a record (a mapping of "
     "column to value) or a list of records, got int")),
    ("lab:nested", ("callback 'lab:nested': row 1, column 'x': expected a single value, "
     "got a list")),
])
def test_what_a_callback_may_not_return(lab: Path, callback: str, message: str) -> None:
    with pytest.raises(RowsRejected) as info:
        source(callback, lab).poll(T0, NOW)
    assert str(info.value) == message


@pytest.mark.parametrize(("callback", "kwargs", "message"), [
    ("lab:recods", {}, "module 'lab' has no function 'recods': did you mean 'records'?"),
    ("lab:COUNT", {}, "'lab:COUNT' is int, not a function"),
    ("lab:no_times", {}, ("callback 'lab:no_times' cannot be called as no_times(last=..., "
     "now=...): got an unexpected keyword argument 'last'; define it as "
     "def no_times(last, now)")),
    ("lab:record", {"room": "B"}, ("callback 'lab:record' cannot be called as "
     "record(last=..., now=..., room=...): got an unexpected keyword argument 'room'; "
     "define it as def record(last, now, room)")),
    ("os:getcwd", {}, REFUSED),
])
def test_start_up_failures_are_clear(lab: Path, callback: str, kwargs: dict,
                                     message: str) -> None:
    unchecked = PeriodicSpec.model_construct(callback=callback, kwargs=kwargs)
    with pytest.raises(CallbackError) as info:
        make(unchecked, SourceContext("s", lab))
    assert str(info.value) == message


def test_a_module_that_fails_to_import(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise RuntimeError('no sensor attached')\n")
    with pytest.raises(CallbackError) as info:
        source("broken:read", tmp_path)
    assert str(info.value) == ("importing module 'broken' failed: RuntimeError: no sensor "
                               "attached")


def test_a_module_whose_own_import_is_missing(tmp_path: Path) -> None:
    (tmp_path / "needy.py").write_text("import no_such_dependency\n")
    with pytest.raises(CallbackError) as info:
        source("needy:read", tmp_path)
    assert str(info.value) == ("importing module 'needy' failed: ModuleNotFoundError: No "
                               "module named 'no_such_dependency'")


def test_an_allowed_module_that_is_not_installed(tmp_path: Path) -> None:
    unchecked = PeriodicSpec.model_construct(callback="no_such_mod:read", kwargs={})
    with pytest.raises(CallbackError) as info:
        make(unchecked, SourceContext("s", tmp_path, allowed_modules=("no_such_mod",)))
    assert str(info.value) == ("module 'no_such_mod' cannot be found (No module named "
                               "'no_such_mod'): install it, or put it in a .py file beside "
                               "the dashboard")


@pytest.mark.parametrize("allowed", ["feeds_pkg.*", "feeds_pkg."])
def test_an_allowed_installed_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     allowed: str) -> None:
    (tmp_path / "feeds_pkg").mkdir()
    (tmp_path / "feeds_pkg" / "__init__.py").write_text("")
    (tmp_path / "feeds_pkg" / "feed.py").write_text("def read(last, now):\n"
                                                    "    return {'a': 1.0}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    unchecked = PeriodicSpec.model_construct(callback="feeds_pkg.feed:read", kwargs={})
    made = make(unchecked, SourceContext("s", None, allowed_modules=(allowed,)))
    assert made.poll(T0, NOW)["a"].tolist() == [1.0]


def test_a_file_named_like_the_standard_library_does_not_replace_it(tmp_path: Path) -> None:
    (tmp_path / "random.py").write_text("def read(last, now):\n    return {'a': 1.0}\n")
    assert source("random:read", tmp_path).poll(T0, NOW)["a"].tolist() == [1.0]
    assert sys.modules["random"] is stdlib_random


def test_same_named_modules_in_two_directories_stay_apart(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "feed.py").write_text(
            f"def read(last, now):\n    return {{'dir': {name!r}}}\n")
    got = [source("feed:read", tmp_path / name).poll(T0, NOW)["dir"].iat[0]
           for name in ("one", "two")]
    assert got == ["one", "two"]
