"""Pydantic's errors mapped back onto the YAML: internal fields, unions, mapping keys."""
from __future__ import annotations

from typing import Any

import pytest
from pydantic import Field, ValidationError, model_validator

from livedash.spec.fields import Duration, Model
from livedash.spec.messages import Problem, translate


class Every(Model):
    """A step whose shorthand (`every: 5`) fills an internal field, as `window` does."""

    count: int
    """How many."""
    unit: Duration = "1s"  # type: ignore[assignment]
    """How long."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {"count": value}


class Shown(Model):
    """Union and mapping fields."""

    y: str | list[str] | None = None
    """One column or several."""
    types: dict[str, int] = Field(default_factory=dict)
    """Counts by name."""


def problems(model: type[Model], data: Any) -> list[Problem]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return translate(model, data, caught.value)


def test_an_internal_field_points_at_the_shorthand() -> None:
    assert problems(Every, "lots") == [
        Problem((), "wrong-type", "expected a whole number, got the text 'lots'")]


def test_the_long_form_points_at_its_keys() -> None:
    assert problems(Every, {"count": 1, "unit": "0s", "cuont": 2}) == [
        Problem(("unit",), "bad-duration", "'0s' must be longer than zero"),
        Problem(("cuont",), "unknown-key", "unknown key 'cuont'", "did you mean 'count'?",
                True)]
    assert problems(Every, {}) == [
        Problem((), "missing-key", "missing required key 'count'", "add `count:` (how many)",
                True)]


def test_one_error_per_union() -> None:
    assert problems(Shown, {"y": 5}) == [
        Problem(("y",), "wrong-type", "expected text or a list of text, got the number 5",
                "put it in quotes: '5'")]
    # The member that got furthest (the list) speaks, at the item.
    assert problems(Shown, {"y": ["a", 2]}) == [
        Problem(("y", 1), "wrong-type", "expected text, got the number 2",
                "put it in quotes: '2'")]


def test_mapping_values() -> None:
    assert problems(Shown, {"types": {"a": "x"}}) == [
        Problem(("types", "a"), "wrong-type", "expected a whole number, got the text 'x'")]
