"""Rows: the columnar batches steps work on give back exactly the frames pandas would."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from livedash.delta import Delta
from livedash.rows import Rows


def sample(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame({
        "name": pd.array([f"s{i}" if i % 4 else None for i in range(n)], dtype="str"),
        "count": pd.array([i if i % 3 else None for i in range(n)], dtype="Int64"),
        "value": np.linspace(0, 1, n),
        "ok": np.arange(n) % 2 == 0,
        "kind": pd.Categorical(["a", "b"] * (n // 2)),
    }, index=pd.date_range("2026-01-01", periods=n, freq="1min", tz="Europe/Paris",
                           name="time"))


def same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want)


def test_a_frame_comes_back_as_the_same_object_until_changed() -> None:
    df = sample()
    assert Rows.of(df).frame is df
    assert Delta.rows(df).added is df


@pytest.mark.parametrize("key", [slice(0, 0), slice(1, 4), slice(-2, None), slice(0, 6)])
def test_slices_keep_every_dtype_and_the_index(key: slice) -> None:
    df = sample()
    same(Rows.of(df)[key].frame, df.iloc[key])


def test_slices_of_slices_are_made_only_when_read() -> None:
    df = sample()
    part = Rows.of(df)[1:5][1:3]
    assert len(part) == 2 and part.names == tuple(df.columns)
    same(part.frame, df.iloc[2:4])


def test_take_by_mask_and_positions_matches_pandas() -> None:
    df = sample()
    mask = np.array([True, False, True, True, False, True])
    same(Rows.of(df).take(mask).frame, df[mask])
    same(Rows.of(df).take(np.array([1, 2, 3, 4], dtype=bool).nonzero()[0]).frame,
         df.iloc[[0, 1, 2, 3]])
    same(Rows.of(df).take(np.array([4, 0, 2])).frame, df.iloc[[4, 0, 2]])
    same(Rows.of(df).take(np.zeros(6, dtype=bool)).frame, df.iloc[:0])


def test_a_run_of_rows_keeps_the_index_frequency_as_pandas_does() -> None:
    df = sample().tz_localize(None)
    got = Rows.of(df).take(np.array([False, True, True, True, False, False])).frame
    same(got, df[np.array([False, True, True, True, False, False])])
    assert got.index.freq == df.index.freq


def test_concat_matches_pandas_and_unions_changed_columns() -> None:
    df = sample()
    rows = Rows.of(df)
    same(Rows.concat([rows[0:2], rows[2:3], rows[3:6]]).frame, df)
    other = df.iloc[3:].assign(extra=1.5)
    same(Rows.concat([rows[0:3], Rows.of(other)]).frame, pd.concat([df.iloc[:3], other]))


def test_select_assign_and_columns() -> None:
    df = sample()
    rows = Rows.of(df)
    same(rows.select(["value", "name"]).frame, df[["value", "name"]])
    doubled = rows.assign("double", rows.column("value") * 2)
    same(doubled.frame, df.assign(double=df["value"] * 2))
    assert doubled.names[-1] == "double" and rows.names == tuple(df.columns)
    np.testing.assert_array_equal(rows.numeric("count"),
                                  df["count"].to_numpy(dtype=float, na_value=np.nan))
    with pytest.raises(KeyError):
        rows.column("nope")


def test_time_index_as_nanoseconds_whatever_its_unit_or_zone() -> None:
    df = sample()
    assert Rows.of(df).is_time
    np.testing.assert_array_equal(Rows.of(df).index_i8, df.index.as_unit("ns").asi8)
    coarse = df.tz_localize(None)
    coarse.index = coarse.index.as_unit("s")
    np.testing.assert_array_equal(Rows.of(coarse).index_i8, coarse.index.as_unit("ns").asi8)
    assert not Rows.of(df.reset_index(drop=True)).is_time


def test_a_range_index_stays_a_range_index() -> None:
    df = sample().reset_index(drop=True)
    same(Rows.of(df)[2:5].frame, df.iloc[2:5])
    assert isinstance(Rows.of(df)[2:5].frame.index, pd.RangeIndex)


def test_rows_from_arrays_build_their_frame() -> None:
    rows = Rows(pd.Index([3, 4], name="i"), ["a", "b"], [np.array([1.0, 2.0]),
                                                          pd.array(["x", None], dtype="str")])
    same(rows.frame, pd.DataFrame({"a": [1.0, 2.0], "b": pd.array(["x", None], dtype="str")},
                                  index=pd.Index([3, 4], name="i")))


def test_two_columns_named_alike_are_refused_with_their_name() -> None:
    df = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ValueError, match="two columns named alike \\(a\\)"):
        Rows.of(df).column("a")


def test_no_columns_no_rows() -> None:
    rows = Rows.of(pd.DataFrame())
    assert len(rows) == 0 and rows.names == ()
    assert len(Rows.concat([rows, rows]).frame) == 0


def test_many_slices_of_slices_read_fast_and_right() -> None:
    df = pd.DataFrame({"v": np.arange(100_000.0)})
    rows = Rows.of(df)
    for _ in range(20_000):  # a window dropping a few rows at a time from a big batch
        rows = rows[3:]
    same(rows.frame, df.iloc[60_000:])


def test_picks_of_picks_and_joins_match_pandas() -> None:
    df = sample(12)
    rows = Rows.of(df)
    picked = rows[2:11].take(np.array([0, 3, 4, 8]))[1:3]   # rows 5 and 6
    same(picked.frame, df.iloc[[5, 6]])
    joined = Rows.concat([rows[0:2], rows.take(np.array([7, 9])), rows[10:12]])
    same(joined.frame, df.iloc[[0, 1, 7, 9, 10, 11]])
    same(joined[1:4].select(["value", "name"]).frame, df.iloc[[1, 7, 9]][["value", "name"]])
    np.testing.assert_array_equal(joined.column("value"), df["value"].to_numpy()[[0, 1, 7, 9, 10, 11]])
    np.testing.assert_array_equal(joined.index_i8, df.index.as_unit("ns").asi8[[0, 1, 7, 9, 10, 11]])
    same(rows[::3].frame, df.iloc[::3])


def test_reading_one_column_of_dropped_rows_leaves_the_others_unread() -> None:
    df = sample(12)
    gone = Rows.of(df).take(np.array([1, 4, 6]))
    gone.column("value")
    assert gone._arrays is None and list(gone._cols) == ["value"]  # the rest: not yet
    assert len(gone.arrays) == len(df.columns)
    same(gone.frame, df.iloc[[1, 4, 6]])


def test_a_column_set_on_picked_rows_survives_further_picks() -> None:
    df = sample(12)
    picked = Rows.of(df)[2:10].assign("double", df["value"].to_numpy()[2:10] * 2)
    same(picked[1:5].take(np.array([0, 2])).frame,
         df.iloc[2:10].assign(double=df["value"].iloc[2:10] * 2).iloc[[1, 3]])
    np.testing.assert_array_equal(picked[3:4].column("double"), [df["value"].iloc[5] * 2])


@pytest.mark.parametrize("pick", [lambda r: r, lambda r: r[1:11]])
def test_a_column_replaced_on_rows_survives_picks_and_leaves_the_frame_alone(pick) -> None:
    df = sample(12)
    rows = pick(Rows.of(df))
    base = df.iloc[1:11] if len(rows) == 10 else df
    replaced = rows.assign("value", base["value"].to_numpy() * 10)
    assert replaced.names == tuple(df.columns)  # replaced in place, not added
    same(replaced[2:8].take(np.array([0, 3, 5])).frame,
         base.assign(value=base["value"] * 10).iloc[2:8].iloc[[0, 3, 5]])
    same(rows.frame, base)  # the rows it came from keep their values
    one = Rows.of(df)
    one.column("value")  # a column read from the frame, cached, then replaced
    np.testing.assert_array_equal(one.assign("value", np.zeros(12)).column("value"), 0.0)
    np.testing.assert_array_equal(one.column("value"), df["value"].to_numpy())


@pytest.mark.parametrize("make", [
    lambda df: Rows.of(df),
    lambda df: Rows.of(df)[2:9],
    lambda df: Rows.of(df)[2:9][1:5],
    lambda df: Rows.of(df)[2:9].assign("value", np.arange(7.0)),
    lambda df: Rows.concat([Rows.of(df)[0:3], Rows.of(df)[5:9]]),
    lambda df: Rows.of(df).select(["name", "value"]).take(np.array([3, 1])),
    lambda df: Rows(df.index, df.columns, [df[c].array for c in df.columns], "time"),
], ids=["frame", "slice", "slice of slice", "column set", "join", "picked", "arrays"])
def test_no_rows_of_any_rows_keep_their_columns_and_dtypes(make) -> None:
    """``none()``, what a source's delta removes every batch: its frame is the rows' own
    with no rows, whatever the rows were made from."""
    rows = make(sample(12))
    empty = rows.none()
    assert len(empty) == 0 and empty.names == rows.names
    # (an empty index's frequency is whatever pandas carried over: nothing to compare)
    pd.testing.assert_frame_equal(empty.frame, rows.frame.iloc[:0], check_freq=False)
    assert empty.none() is empty


def test_a_stamped_queue_knows_each_pieces_first_and_last_time() -> None:
    """What a time window's expiry reads instead of the pieces themselves: right after
    appends, partial and whole drops from the front, joining, deleting and replacing."""
    from livedash.steps.rowqueue import RowQueue

    def batch(start: int, n: int) -> Rows:
        index = pd.DatetimeIndex(np.datetime64("2026-01-01", "ns")
                                 + np.arange(start, start + n).astype("timedelta64[s]"))
        return Rows.of(pd.DataFrame({"v": np.arange(n, dtype=float)}, index=index))

    def check(queue: RowQueue) -> None:
        pieces = list(queue.stamped_chunks())
        assert sum(len(chunk) for chunk, _ in pieces) == len(queue)
        for chunk, stamps in pieces:
            assert stamps == (int(chunk.index_i8[0]), int(chunk.index_i8[-1]))

    queue = RowQueue(stamped=True)
    for start, n in [(0, 4), (4, 3), (7, 5)]:
        queue.append(batch(start, n))
    check(queue)
    queue.pop_front(2)   # part of the first piece
    check(queue)
    queue.pop_front(4)   # the rest of it and part of the second
    check(queue)
    queue.append(batch(12, 2))
    queue.rows()         # joined into one piece
    check(queue)
    mask = np.zeros(len(queue), dtype=bool)
    mask[[0, 3]] = True
    queue.delete(mask)
    check(queue)
    queue.replace(batch(100, 3))
    check(queue)
    assert len(queue) == 3


def test_a_stamped_queue_pops_through_a_time_as_a_count_would() -> None:
    """pop_through (a time window's expiry) takes the same rows as pop_front of the
    rows at or before the time: before the first, inside a piece, at a piece's last
    time, with equal times across pieces, the oldest piece whole and alone, beyond the
    last, and on an empty queue."""
    from livedash.steps.rowqueue import RowQueue

    def batch(seconds: list[int]) -> Rows:
        index = pd.DatetimeIndex(np.datetime64("2026-01-01", "ns")
                                 + np.array(seconds).astype("timedelta64[s]"))
        return Rows.of(pd.DataFrame({"v": np.arange(len(seconds), dtype=float)}, index=index))

    base = int(np.datetime64("2026-01-01", "ns").astype(np.int64))
    cases = [([[0, 1, 2], [2, 2, 3], [4], [5, 6, 6, 9]], [-1, 0, 1, 2, 3, 4, 6, 8, 9, 20]),
             ([[0, 1], [3, 4], [5]], [1, 2, 4]),  # the oldest piece, whole and alone
             ([[0, 1]], [1])]                      # the only piece
    for pieces, seconds in cases:
        for second in seconds:
            by_time, by_count = RowQueue(stamped=True), RowQueue(stamped=True)
            for piece in pieces:
                by_time.append(batch(piece))
                by_count.append(batch(piece))
            cutoff = base + second * 1_000_000_000
            gone = by_time.pop_through(cutoff)
            want = by_count.pop_front(sum(s <= second for p in pieces for s in p))
            same(gone.frame, want.frame)
            assert len(by_time) == len(by_count)
            same(by_time.frame(), by_count.frame())
            for chunk, stamps in by_time.stamped_chunks():
                assert stamps == (int(chunk.index_i8[0]), int(chunk.index_i8[-1]))
    empty = RowQueue(stamped=True)
    assert len(empty.pop_through(base)) == 0
