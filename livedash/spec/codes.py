"""Every code ``livedash validate`` reports, with its meaning (for docs and tests)."""
from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    severity: str
    meaning: str


CODES: dict[str, Code] = {
    # Reading the file
    "no-file": Code("error", "The file does not exist (`livedash.validate` only: on the "
                    "command line a missing path is a usage error, exit 2)."),
    "unreadable": Code("error", "The file cannot be read, or is not UTF-8 text."),
    "too-big": Code("error", "The file is longer than a million characters."),
    "empty-file": Code("error", "The file holds nothing, only comments, or only `null`."),
    "yaml-syntax": Code("error", "The text is not valid YAML (indentation, quotes, tabs, "
                        "brackets)."),
    "yaml-tag": Code("error", "A YAML tag such as `!!python/object` or `!include`: files "
                     "hold plain data only."),
    "yaml-value": Code("error", "A value YAML cannot read, such as `!!int abc`, or a `<<` "
                       "merge of something that is not a mapping."),
    "duplicate-key": Code("error", "The same key twice in one mapping (or a deprecated key "
                          "beside its new name)."),
    "bad-key": Code("error", "A key that is a list, a mapping or a tagged value."),
    "alias-bomb": Code("error", "Aliases (`*name`) that expand to more than 100000 values "
                       "(a \"billion laughs\"); refused before anything is built."),
    "alias-loop": Code("error", "An alias used inside the value it names."),
    "too-deep": Code("error", "Lists and mappings nested more than 64 levels deep."),
    # The shape of the dashboard
    "unknown-key": Code("error", "A key that does not belong here (often a typo)."),
    "missing-key": Code("error", "A required key is missing; reported at the mapping that "
                        "lacks it."),
    "wrong-type": Code("error", "A value of the wrong type: text where a number is "
                       "expected, a list where a mapping is expected, ..."),
    "bad-value": Code("error", "A value of the right type that is not allowed: out of "
                      "range, not one of the choices, an expression that is not allowed, "
                      "an unknown aggregation function, ..."),
    "bad-duration": Code("error", "A duration, interval or window that is not a positive "
                         "number with a unit (250ms, 1s, 5min, 2h, 7d), or a row count that "
                         "is not positive."),
    "bad-callback": Code("error", "A callback that is not written `module:function`, or "
                         "whose module is neither beside the dashboard nor allowed in "
                         "config/livedash.yaml."),
    "unknown-type": Code("error", "A source `type` that no installed package provides."),
    "unknown-kind": Code("error", "A view `kind` that no installed package provides."),
    "unknown-step": Code("error", "A pipeline step that no installed package provides."),
    "bad-step": Code("error", "A step that is not a mapping with exactly one key, its "
                     "kind."),
    # Names and references
    "undefined": Code("error", "A reference to a source, pipeline or view that is not "
                      "defined."),
    "duplicate-name": Code("error", "A pipeline with the name of a source: `data:` and "
                           "`source:` could not tell them apart."),
    "cycle": Code("error", "Pipelines that read from each other in a circle."),
    # Warnings (`--strict` makes them errors)
    "deprecated": Code("warning", "An old spelling that still works; the hint gives the "
                       "new one."),
    "unused-source": Code("warning", "A source that no pipeline or view reads."),
    "unused-pipeline": Code("warning", "A pipeline that no view or other pipeline reads."),
    "unused-view": Code("warning", "A view that the layout leaves out, so it is never "
                        "shown."),
    # Never expected
    "internal": Code("error", "A check failed unexpectedly: a bug in livedash or in the "
                     "package that provides the type; please report it."),
}
