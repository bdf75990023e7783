"""Time-series charts stream only new rows, and hold exactly what pandas says they should."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from bokeh.models import DataRange1d, Range1d, Step, VArea
from view_pages import message_bytes, rows

from livedash.delta import Delta

SERIES = ["line", "scatter", "points", "step", "area"]


def feed(page, chunks):
    for chunk in chunks:
        page.view.apply(Delta.rows(chunk))


def check_tail(page, data: pd.DataFrame, backlog: int, y: str | list[str] = "a") -> None:
    """Every layer holds the last ``backlog`` rows of its group (or y column), in order."""
    ys = [y] * len(page.view.built.layers) if isinstance(y, str) else y
    for layer, column in zip(page.view.built.layers, ys, strict=True):
        part = data
        for col, value in layer.match.items():
            part = part[part[col] == value]
        want = part.tail(backlog)
        got = layer.source.data
        assert np.array_equal(np.asarray(got[column], dtype=float), want[column].to_numpy())
        assert np.array_equal(np.asarray(got["time"]), want.index.to_numpy())


@pytest.mark.parametrize("by", [None, "sensor"])
@pytest.mark.parametrize("kind", SERIES)
def test_series_streams_only_new_rows(page, kind, by):
    p = page(rows(0, 40), kind=kind, y="a", by=by, backlog=30)
    assert p.view.built.streams
    chunks = [rows(40, 10), rows(50, 7), rows(57, 13)]
    for chunk in chunks:
        p.view.apply(Delta.rows(chunk))
        events = p.take()
        assert {type(e).__name__ for e in events} == {"ColumnsStreamedEvent"}
        assert sum(len(e.data["a"]) for e in events) == len(chunk)  # just the new rows
    check_tail(p, pd.concat([rows(0, 40), *chunks]), backlog=30)


def test_area_and_step_use_streamable_glyphs(page):
    area = page(rows(0, 20), kind="area", y="a")
    assert isinstance(area.view.built.figure.renderers[0].glyph, VArea)
    step = page(rows(0, 20), kind="step", y="a", options={"where": "post"})
    glyph = step.view.built.figure.renderers[0].glyph
    assert isinstance(glyph, Step) and glyph.mode == "after"
    # one source row per data row, not HoloViews' two interpolated points per row
    assert len(step.view.built.layers[0].source.data["a"]) == 20


def test_stacked_areas_stream_their_sums(page):
    p = page(rows(0, 20), kind="area", y=["a", "b"], options={"stacked": True}, backlog=25)
    assert p.view.built.streams
    feed(p, [rows(20, 10)])
    assert set(p.kinds()) == {"ColumnsStreamedEvent"}
    data = pd.concat([rows(0, 20), rows(20, 10)]).tail(25)
    top = p.view.built.layers[1].source.data
    assert np.allclose(top["b"], data["a"] + data["b"])
    assert np.allclose(top["Baseline"], data["a"])


def test_several_y_columns_stream_each_line(page):
    p = page(rows(0, 20), kind="line", y=["a", "b"], backlog=100)
    feed(p, [rows(20, 5)])
    assert p.kinds() == ["ColumnsStreamedEvent"] * 2
    check_tail(p, pd.concat([rows(0, 20), rows(20, 5)]), 100, y=["a", "b"])


def test_window_removal_rolls_over_exactly(page):
    """An upstream window of 30 rows: each tick adds 10 and drops the 10 oldest."""
    data = rows(0, 30)
    p = page(data, kind="line", y="a", backlog=1000)
    for start in (30, 40, 50):
        new = rows(start, 10)
        p.view.apply(Delta.rows(new, data.iloc[:10]))
        data = pd.concat([data.iloc[10:], new])
        (event,) = p.take()
        assert type(event).__name__ == "ColumnsStreamedEvent" and event.rollover == 30
    check_tail(p, data, 1000)


def test_window_removal_per_group(page):
    data = rows(0, 30)
    p = page(data, kind="line", y="a", by="sensor", backlog=1000)
    new = rows(30, 6)
    p.view.apply(Delta.rows(new, data.iloc[:6]))  # two rows of each sensor leave
    data = pd.concat([data.iloc[6:], new])
    assert {e.rollover for e in p.take()} == {10}
    check_tail(p, data, 1000)


def test_shrinking_never_streams_a_smaller_rollover(page):
    """BokehJS cannot shrink typed arrays through stream: a few stale rows are kept,
    more than that are resent."""
    data = rows(0, 100)
    p = page(data, kind="line", y="a")
    new = rows(100, 2)
    p.view.apply(Delta.rows(new, data.iloc[:4]))  # 98 rows upstream, within slack
    (event,) = p.take()
    assert type(event).__name__ == "ColumnsStreamedEvent" and event.rollover >= 100
    data = pd.concat([data.iloc[4:], new])
    p.view.apply(Delta.rows(rows(102, 0), data.iloc[:40]))  # 58 left: resend them
    data = data.iloc[40:]
    assert p.kinds() == ["ColumnDataChangedEvent"]
    check_tail(p, data, 1000)


def test_result_replaces_data(page):
    """A late row left the middle: the delta carries the complete result."""
    data = rows(0, 20)
    p = page(data, kind="line", y="a", backlog=15)
    result = pd.concat([data.drop(data.index[5]), rows(20, 3)])
    p.view.apply(Delta.rows(rows(20, 3), data.iloc[5:6], result=result))
    check_tail(p, result, 15)


def test_whole_results_patch_a_time_series(page):
    data = rows(0, 20)
    p = page(data, kind="line", y="a", whole=True)
    changed = data.copy()
    changed.iloc[-1, 0] = 42.0
    p.view.apply(Delta.whole(pd.concat([changed, rows(20, 1)])))
    assert p.kinds() == ["ColumnsPatchedEvent", "ColumnsStreamedEvent"]
    assert p.view.built.layers[0].source.data["a"][-2] == 42.0


def test_new_group_redraws_once_then_streams(page):
    p = page(rows(0, 6), kind="line", y="a", by="sensor")
    first = p.view.built.figure
    newcomer = rows(6, 3).assign(sensor=["s1", "s2", "s4"])
    p.view.apply(Delta.rows(newcomer))
    assert p.view.built.figure is not first and p.view.panel.object is p.view.built.figure
    assert len(p.view.built.layers) == 4
    p.take()
    p.view.apply(Delta.rows(rows(9, 3).assign(sensor=["s4", "s4", "s1"])))
    assert set(p.kinds()) == {"ColumnsStreamedEvent"}


def test_rows_without_a_group_are_left_out_not_redrawn(page):
    p = page(rows(0, 6), kind="line", y="a", by="sensor")
    first = p.view.built.figure
    p.view.apply(Delta.rows(rows(6, 3).assign(sensor=["s1", None, "s2"])))
    assert p.view.built.figure is first
    assert set(p.kinds()) == {"ColumnsStreamedEvent"}


def test_empty_frame_waits_then_draws(page):
    p = page(pd.DataFrame(), kind="line", y="a", by="sensor")
    assert p.view.built is None and "Waiting for data" in p.view.panel.object.text
    p.view.apply(Delta.rows(rows(0, 6)))
    assert p.view.panel.object is p.view.built.figure
    p.take()
    p.view.apply(Delta.rows(rows(6, 3)))
    assert set(p.kinds()) == {"ColumnsStreamedEvent"}
    check_tail(p, pd.concat([rows(0, 6), rows(6, 3)]), 1000)


def test_odd_data_does_not_raise(page):
    p = page(rows(0, 10), kind="line", y="a")
    p.view.apply(Delta.rows(rows(10, 0)))
    assert p.events == []
    nan = rows(10, 3)
    nan["a"] = np.nan
    p.view.apply(Delta.rows(nan))
    assert np.isnan(p.view.built.layers[0].source.data["a"][-1])
    p.take()
    p.view.apply(Delta.rows(rows(13, 2).drop(columns="a")))  # a column missing: gaps
    assert p.kinds() == ["ColumnsStreamedEvent"]
    assert np.isnan(p.view.built.layers[0].source.data["a"][-2:]).all()


def test_a_stray_string_in_a_number_column_does_not_stop_the_chart(page):
    p = page(rows(0, 10), kind="line", y="a")
    p.view.apply(Delta.rows(rows(10, 2).astype({"a": object}).assign(a=["x", 1.0])))
    p.view.apply(Delta.rows(rows(12, 2)))
    assert set(p.kinds()) == {"ColumnsStreamedEvent"}
    got = p.view.built.layers[0].source.data["a"]
    assert got.dtype == float and np.isnan(got[-4]) and got[-3] == 1.0  # a gap, then on


def test_ranges_follow_data_unless_fixed(page):
    free = page(rows(0, 10), kind="line", y="a").view.built.figure
    assert isinstance(free.x_range, DataRange1d) and isinstance(free.y_range, DataRange1d)
    fixed = page(rows(0, 10), kind="line", y="a", options={"ylim": [-5, 5]}).view.built.figure
    assert isinstance(fixed.y_range, Range1d) and (fixed.y_range.start, fixed.y_range.end) \
        == (-5, 5)


def test_dark_theme(page):
    """Dark outside a dark template too: the document's (light) theme does not win."""
    fig = page(rows(0, 10), kind="line", y="a", theme="dark").view.built.figure
    assert fig.background_fill_color == "#2b3035"
    assert fig.xaxis[0].major_label_text_color == "#E0E0E0"
    assert page(rows(0, 10), kind="line", y="a").view.built.figure.background_fill_color \
        == "#ffffff"


def test_bytes_per_update_against_raw_bokeh(page):
    """Measured, not asserted: 10 new rows into a 1,000-row line."""
    from bokeh.document import Document
    from bokeh.models import ColumnDataSource

    p = page(rows(0, 1000), kind="line", y="a", backlog=1000)
    new = rows(1000, 10)
    p.view.apply(Delta.rows(new))
    ours = p.wire_bytes(p.take())
    doc, raw_events = Document(), []
    raw = ColumnDataSource({"time": rows(0, 1000).index.to_numpy(), "a": rows(0, 1000)["a"]
                            .to_numpy()})
    doc.add_root(raw)
    doc.on_change(raw_events.append)
    raw.stream({"time": new.index.to_numpy(), "a": new["a"].to_numpy()}, rollover=1000)
    base = message_bytes(raw_events)
    print(f"\nbytes per update, 10 rows into 1,000: livedash {ours} B, raw cds.stream {base} B,"
          f" ratio {ours / base:.2f}")


def test_plain_row_numbers_and_time_zones(page):
    plain = rows(0, 10).reset_index(drop=True)
    p = page(plain, kind="line", y="a")
    p.view.apply(Delta.rows(rows(10, 3).reset_index(drop=True).set_axis(range(10, 13))))
    assert list(p.view.built.layers[0].source.data["index"][-3:]) == [10, 11, 12]
    zoned = rows(0, 10).tz_localize("Europe/Berlin")
    p = page(zoned, kind="scatter", y="a")
    assert p.view.built.streams  # wall time, as HoloViews shows it
    p.view.apply(Delta.rows(rows(10, 2).tz_localize("Europe/Berlin")))
    assert p.view.built.layers[0].source.data["time"][-1] == np.datetime64("2024-01-01T00:00:11")


def test_categorical_x_gains_new_categories(page):
    data = pd.DataFrame({"name": ["a", "b"], "v": [1.0, 2.0]})
    p = page(data, kind="scatter", x="name", y="v")
    p.view.apply(Delta.rows(pd.DataFrame({"name": ["c"], "v": [3.0]}, index=[2])))
    assert list(p.view.built.figure.x_range.factors) == ["a", "b", "c"]


def test_cpu_per_update_against_raw_bokeh(page):
    """Measured, not asserted: server time for one session to take 10 new rows into a
    1,000-row line, against raw ``cds.stream`` of the same arrays (both serialized)."""
    import time

    from bokeh.document import Document
    from bokeh.models import ColumnDataSource

    chunks = [rows(1000 + 10 * i, 10) for i in range(200)]

    def timed(apply) -> float:
        start = time.perf_counter()
        for chunk in chunks:
            apply(chunk)
        return (time.perf_counter() - start) / len(chunks) * 1e3

    deltas = {id(chunk): Delta.rows(chunk) for chunk in chunks}  # made once, for all sessions

    def ours() -> float:
        p = page(rows(0, 1000), kind="line", y="a", backlog=1000)
        return timed(lambda c: (p.view.apply(deltas[id(c)]), message_bytes(p.take())))

    def raw() -> float:
        doc, events = Document(), []
        source = ColumnDataSource({"time": rows(0, 1000).index.to_numpy(),
                                   "a": rows(0, 1000)["a"].to_numpy()})
        doc.add_root(source)
        doc.on_change(events.append)

        def step(c: pd.DataFrame) -> None:
            source.stream({"time": c.index.to_numpy(), "a": c["a"].to_numpy()}, rollover=1000)
            message_bytes(events)
            events.clear()
        return timed(step)

    mine, base = min(ours() for _ in range(3)), min(raw() for _ in range(3))
    print(f"\nserver time per session update: livedash {mine:.3f} ms, raw cds.stream "
          f"{base:.3f} ms, ratio {mine / base:.2f}")
