"""The Python API: ``livedash.load`` and ``livedash.validate``."""
from __future__ import annotations

from .errors import SpecError, SpecInvalid
from .spec.loading import Spec, check


def validate(spec: Spec) -> list[SpecError]:
    """Every error and warning in ``spec`` (a path or a dict); empty when valid."""
    return check(spec)[1]


class Dashboard:  # replaced by the runtime-backed class
    pass


def load(spec: Spec):
    plan, errors = check(spec)
    if plan is None:
        raise SpecInvalid(errors)
    return plan
