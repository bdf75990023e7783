from __future__ import annotations

import pandas as pd
import pytest
from sourceticks import T0, error_of, poll_all

from livedash.plugins import SourceContext
from livedash.sources.matrix import MatrixSpec, make


def matrix(**params: object) -> object:
    return make(MatrixSpec.model_validate({"type": "matrix", **params}), SourceContext("m"))


def test_long_form_one_row_per_cell_replaced_whole() -> None:
    source = matrix(rows=["l1", "l2"], columns=3, seed=0)
    assert source.whole is True
    frame = source.poll(T0 - pd.Timedelta("1s"), T0)
    assert frame.dtypes.astype(str).to_dict() == {"step": "int64", "row": "str",
                                                  "column": "str", "value": "float64"}
    assert list(zip(frame["row"], frame["column"])) == [
        ("l1", "col1"), ("l1", "col2"), ("l1", "col3"),
        ("l2", "col1"), ("l2", "col2"), ("l2", "col3")]
    assert frame.index.name == "time" and set(frame.index) == {T0}
    assert frame["step"].tolist() == [0] * 6


def test_default_names() -> None:
    spec = MatrixSpec.model_validate({"type": "matrix"})
    assert spec.rows == ("row1", "row2", "row3", "row4")
    assert spec.columns == ("col1", "col2", "col3")


def test_values_converge_toward_targets_with_noise() -> None:
    frames = poll_all(matrix(rows=3, columns=3, rate=0.1, noise=0.01, seed=4), "1s", 200)
    assert [f["step"].iat[0] for f in frames[:3]] == [0, 1, 2]
    first, late, last = (frames[k]["value"].to_numpy() for k in (0, 150, -1))
    assert ((first >= 0) & (first < 0.2)).all()
    assert ((last > 0.4) & (last < 1.1)).all()
    assert abs(late - last).max() < 0.1                      # settled
    assert (frames[-2]["value"].to_numpy() != last).all()    # but still noisy


def test_a_seed_repeats_the_matrices() -> None:
    a = pd.concat(poll_all(matrix(seed=9), "1s", 5))
    b = pd.concat(poll_all(matrix(seed=9), "1s", 5))
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(("body", "loc", "message"), [
    ({"rows": 0}, ("rows",), ("0 rows is out of range: give between 1 and 1000, or a list "
     "of names such as [layer1, layer2, output]")),
    ({"rows": "many"}, ("rows",), ("expected a number of rows (e.g. 4) or a list of their "
     "names (e.g. [layer1, layer2, output]), got 'many'")),
    ({"columns": ["a", "a"]}, ("columns",), ("column name 'a' appears twice: give each "
     "column a different name")),
    ({"rows": 500, "columns": 500}, ("columns",), ("500 rows by 500 columns make 250000 "
     "cells, more than 100000: use fewer rows or columns")),
    ({"rate": 0}, ("rate",), ("rate must be above 0 and at most 1, got 0: write the fraction "
     "of the way to the target covered per step, e.g. 0.05")),
    ({"noise": -1}, ("noise",), ("noise must be 0 or more, got -1: write the standard "
     "deviation of the noise, e.g. 0.02, or 0 for none")),
])
def test_bad_parameters_say_what_to_write(body: dict, loc: tuple, message: str) -> None:
    assert error_of(MatrixSpec, {"type": "matrix", **body}) == (loc, message)
