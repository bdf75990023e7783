"""Callbacks named ``"module:function"``: checked without importing, loaded at start-up.

A callback's module must be allowed by the operator (``allowed_modules`` in
``config/livedash.yaml``), or be a ``.py`` file (or a package) beside the dashboard file.
Validation only reads the name and looks for the file: it never imports anything.

Modules beside the dashboard are loaded from their file under a private name, one per
directory (so ``lab.py`` beside two dashboards in two directories are two modules, and a
file called ``random.py`` does not replace the standard library's). The directory is
appended to ``sys.path`` so the module can import its siblings; siblings are imported
under their plain names, and are therefore shared by every dashboard in the process.
"""
from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.util
import inspect
import keyword
import re
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from ..settings import Settings

_REFERENCE = re.compile(r"^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):([A-Za-z_]\w*)$", re.ASCII)
_IMPORT_LOCK = threading.Lock()  # exec_module is not covered by the import system's locks
CONFIG = "config/livedash.yaml"


class CallbackError(ImportError):
    """A callback that cannot be loaded: refused, or its module or function is missing."""


def split(reference: str) -> tuple[str, str]:
    """``"pkg.mod:func"`` as ``("pkg.mod", "func")``; ``ValueError`` says how to write it."""
    match = _REFERENCE.match(reference)
    if not match or any(keyword.iskeyword(part) for part in re.split(r"[.:]", reference)):
        raise ValueError(f"{reference!r} is not a callback: write \"module:function\", e.g. "
                         "\"lab:read_sensors\" for read_sensors() in lab.py beside the "
                         "dashboard")
    return match.group(1), match.group(2)


def beside(module: str, base_dir: Path | None) -> Path | None:
    """The file of ``module`` in ``base_dir`` (a package wins over a module), or None."""
    if base_dir is None:
        return None
    parts = module.split(".")
    top = base_dir / parts[0]
    if len(parts) > 1 and not (top / "__init__.py").is_file():
        return None
    path = base_dir.joinpath(*parts)
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def refusal(module: str) -> str:
    """Why ``module`` may not be used, and the two ways to allow it."""
    return (f"module {module!r} is not allowed for callbacks: add {module!r} to "
            f"allowed_modules in {CONFIG}, or put the function in a .py file beside the "
            "dashboard")


def check(reference: str, settings: Settings, base_dir: Path | None) -> str:
    """Validate ``reference`` without importing it; ``ValueError`` explains a refusal."""
    module, _ = split(reference)
    if beside(module, base_dir) is None and not settings.allows(module):
        raise ValueError(refusal(module))
    return reference


def _allows(allowed_modules: tuple[str, ...], module: str) -> bool:
    # SourceContext may list packages as "pkg." as well as the settings' "pkg.*"
    patterns = tuple(m + "*" if m.endswith(".") else m for m in allowed_modules)
    return Settings(allowed_modules=patterns).allows(module)


def _import_beside(module: str, base_dir: Path) -> ModuleType:
    base = base_dir.resolve()
    if str(base) not in sys.path:
        sys.path.append(str(base))  # appended: a sibling never shadows the standard library
    parts = module.split(".")
    alias = f"_livedash_{hashlib.sha1(str(base).encode()).hexdigest()[:10]}_{parts[0]}"
    with _IMPORT_LOCK:
        top = sys.modules.get(alias)
        if top is None:
            package = base / parts[0] / "__init__.py"
            if package.is_file():
                spec = importlib.util.spec_from_file_location(
                    alias, package, submodule_search_locations=[str(package.parent)])
            else:
                spec = importlib.util.spec_from_file_location(alias, base / f"{parts[0]}.py")
            assert spec is not None and spec.loader is not None
            top = importlib.util.module_from_spec(spec)
            sys.modules[alias] = top
            try:
                spec.loader.exec_module(top)
            except BaseException:
                del sys.modules[alias]
                raise
    if len(parts) == 1:
        return top
    return importlib.import_module(".".join([alias, *parts[1:]]))


def load(reference: str, base_dir: Path | None,
         allowed_modules: tuple[str, ...]) -> Callable[..., Any]:
    """Import the module of ``reference`` and return its function.

    Raises
    ------
    CallbackError
        When the module is not allowed, cannot be imported, or has no such function.
    """
    try:
        module, name = split(reference)
    except ValueError as exc:
        raise CallbackError(str(exc)) from None
    try:
        if base_dir is not None and beside(module, base_dir) is not None:
            loaded = _import_beside(module, base_dir)
        elif _allows(allowed_modules, module):
            loaded = importlib.import_module(module)
        else:
            raise CallbackError(refusal(module))
    except CallbackError:
        raise
    except Exception as exc:
        missing = isinstance(exc, ModuleNotFoundError) and exc.name is not None and \
            (module == exc.name or module.startswith(exc.name + "."))
        if missing:  # the module itself, not something it imports
            raise CallbackError(f"module {module!r} cannot be found ({exc}): install it, or "
                                "put it in a .py file beside the dashboard") from exc
        raise CallbackError(f"importing module {module!r} failed: "
                            f"{type(exc).__name__}: {exc}") from exc
    function = getattr(loaded, name, None)
    if function is None:
        names = [n for n in dir(loaded) if not n.startswith("_")
                 and callable(getattr(loaded, n))]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f": did you mean {close[0]!r}?" if close else ""
        raise CallbackError(f"module {module!r} has no function {name!r}{hint}")
    if not callable(function):
        raise CallbackError(f"{reference!r} is {type(function).__name__}, not a function")
    return function


def check_call(function: Callable[..., Any], reference: str,
               kwargs: Mapping[str, Any]) -> None:
    """Raise :class:`CallbackError` unless ``function(last=, now=, **kwargs)`` binds."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return  # some built-ins have no signature: let the first call tell
    try:
        signature.bind(last=None, now=None, **kwargs)
    except TypeError as exc:
        name = reference.split(":")[1]
        call = ", ".join(f"{k}=..." for k in ["last", "now", *kwargs])
        wanted = ", ".join(["last", "now", *kwargs])
        raise CallbackError(f"callback {reference!r} cannot be called as {name}({call}): "
                            f"{exc}; define it as def {name}({wanted})") from None
