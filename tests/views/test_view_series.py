"""Time-series charts stream only new rows, and hold exactly what pandas says they should."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from bokeh.models import DataRange1d, Range1d, Step, VArea
from view_pages import message_bytes, rows, visible

from livedash.delta import Delta

SERIES = ["line", "scatter", "points", "step", "area"]


def feed(page, chunks):
    for chunk in chunks:
        page.view.apply(Delta.rows(chunk))


def check_tail(page, data: pd.DataFrame, backlog: int, y: str | list[str] = "a") -> None:
    """Every layer draws the rows of its group (or y column) among the last ``backlog``
    (``by`` groups sharing one source: among the last ``backlog`` x groups), in order."""
    layers = page.view.built.layers
    ys = [y] * len(layers) if isinstance(y, str) else y
    for layer, column in zip(layers, ys, strict=True):
        sharing = sum(other.source is layer.source for other in layers)
        part = data.tail(backlog * sharing) if sharing > 1 else data
        for col, value in layer.match.items():
            part = part[part[col] == value]
        want = part.tail(backlog) if sharing == 1 else part
        got = visible(layer.renderer)
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


@pytest.mark.parametrize("by", [None, "sensor"])
def test_sessions_of_a_chart_read_a_ticks_rows_once(page, monkeypatch, by):
    """Every session streams the new rows into its own sources, but the columns of those
    rows are read from the data once per tick, not once per viewer."""
    from livedash.views import layers

    reads: list[tuple[int, str]] = []
    real = layers.values

    def counted(frame, column, index):
        reads.append((id(frame), column))
        return real(frame, column, index)
    monkeypatch.setattr(layers, "values", counted)
    data = rows(0, 40)
    pages = [page(data, kind="line", y="a", by=by, backlog=30) for _ in range(3)]
    for chunk in (rows(40, 10), rows(50, 7)):
        delta = Delta.rows(chunk, data.iloc[:len(chunk)])  # one delta, as the runtime shares
        data = pd.concat([data.iloc[len(chunk):], chunk])
        reads.clear()
        for p in pages:
            p.take()
            p.view.apply(delta)
            events = p.take()
            assert {type(e).__name__ for e in events} == {"ColumnsStreamedEvent"}
            assert sum(len(e.data["a"]) for e in events) == len(chunk)
        assert len(reads) == len(set(reads)), reads  # each column of each frame read once
        assert {(id(delta.added), "a"), (id(delta.added), "time")} <= set(reads)
    for p in pages:
        check_tail(p, data, backlog=30)


def test_area_and_step_use_streamable_glyphs(page):
    area = page(rows(0, 20), kind="area", y="a")
    assert isinstance(area.view.built.figure.renderers[0].glyph, VArea)
    step = page(rows(0, 20), kind="step", y="a", options={"where": "post"})
    glyph = step.view.built.figure.renderers[0].glyph
    assert isinstance(glyph, Step) and glyph.mode == "after"
    # one source row per data row, not HoloViews' two interpolated points per row
    assert len(step.view.built.layers[0].source.data["a"]) == 20


@pytest.mark.parametrize("kind", [*SERIES, "bar"])
def test_charts_paint_on_a_2d_canvas_not_webgl(page, kind):
    # WebGL without a GPU runs in software and paints a tick in twice the time
    assert page(rows(0, 20), kind=kind, y="a").view.built.figure.output_backend == "canvas"


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


@pytest.mark.parametrize("kind, rollovers", [
    ("line", [30]),  # the groups share one source: it keeps the 30 rows upstream
    ("area", [10, 10, 10]),  # a source per group: each keeps its 10
])
def test_window_removal_per_group(page, kind, rollovers):
    data = rows(0, 30)
    p = page(data, kind=kind, y="a", by="sensor", backlog=1000)
    new = rows(30, 6)
    p.view.apply(Delta.rows(new, data.iloc[:6]))  # two rows of each sensor leave
    data = pd.concat([data.iloc[6:], new])
    assert [e.rollover for e in p.take()] == rollovers
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


def test_an_update_is_no_larger_than_raw_bokehs_stream(page):
    """10 new rows into a 1,000-row line: the message is the one ``cds.stream`` of the
    same rows would send, no byte more."""
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
    assert ours <= message_bytes(raw_events)


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


@pytest.mark.parametrize("kind", ["line", "scatter", "points", "step"])
def test_by_groups_get_one_stream_of_exactly_the_new_rows(page, kind):
    """The groups share one source, each renderer filtered to its group in the browser: a
    tick is one stream, not one per group, and it is not larger than raw Bokeh's."""
    from bokeh.document import Document
    from bokeh.models import ColumnDataSource, GroupFilter

    p = page(rows(0, 300), kind=kind, y="a", by="sensor", backlog=100)
    layers = p.view.built.layers
    assert len({id(layer.source) for layer in layers}) == 1
    assert [(f.column_name, f.group) for f in (layer.renderer.view.filter for layer in layers)
            if isinstance(f, GroupFilter)] == [("sensor", layer.match["sensor"])
                                               for layer in layers]
    data = rows(0, 300)
    for start, n in ((300, 10), (310, 1), (311, 7)):
        chunk = rows(start, n)
        p.view.apply(Delta.rows(chunk))
        data = pd.concat([data, chunk])
        events = p.take()
        (event,) = events
        assert type(event).__name__ == "ColumnsStreamedEvent" and event.rollover == 300
        assert np.array_equal(event.data["time"], chunk.index.to_numpy())
        assert np.array_equal(event.data["a"], chunk["a"].to_numpy())
        assert list(event.data["sensor"]) == list(chunk["sensor"])
        check_tail(p, data, 100)
    doc, raw_events = Document(), []
    raw = ColumnDataSource({"time": data.index.to_numpy()[-300:], "a": data["a"].to_numpy()[-300:],
                            "sensor": data["sensor"].to_numpy(dtype=object)[-300:]})
    doc.add_root(raw)
    doc.on_change(raw_events.append)
    chunk = rows(318, 10)
    raw.stream({"time": chunk.index.to_numpy(), "a": chunk["a"].to_numpy(),
                "sensor": chunk["sensor"].to_numpy(dtype=object)}, rollover=300)
    p.view.apply(Delta.rows(chunk))
    assert p.wire_bytes(p.take()) <= 1.5 * message_bytes(raw_events)


def test_by_groups_keep_backlog_times_groups_rows(page):
    """One source keeps the last backlog x groups rows of all groups: a busy group shows
    more rows than a quiet one, every group the same recent span, and nothing is resent."""
    data = rows(0, 30)
    p = page(data, kind="line", y="a", by="sensor", backlog=5)
    assert len(visible(p.view.built.layers[0].renderer)["a"]) == 5  # 15 rows, 5 per sensor
    for start in range(30, 60, 6):
        busy = rows(start, 6).assign(sensor=["s1"] * 5 + ["s2"])
        p.view.apply(Delta.rows(busy))
        data = pd.concat([data, busy])
        assert [(type(e).__name__, e.rollover) for e in p.take()] == \
            [("ColumnsStreamedEvent", 15)]
    check_tail(p, data, 5)
    shown = {layer.match["sensor"]: len(visible(layer.renderer)["a"])
             for layer in p.view.built.layers}
    assert shown == {"s1": 12, "s2": 3, "s3": 0}  # the last 15 rows: s3 has none left


def test_by_line_tooltips_read_the_hovered_point(page):
    """BokehJS reads a filtered Line's hovered row from the whole source at the index
    within its group, so the tooltips name the point itself and the renderer's group."""
    from bokeh.models import HoverTool

    line = page(rows(0, 9), kind="line", y="a", by="sensor").view.built
    (tool,) = line.figure.select(HoverTool)
    assert tool.tooltips == [("sensor", "$name"), ("time", "$snap_x{%F %T}"), ("a", "$snap_y")]
    assert dict(tool.formatters) == {"$snap_x": "datetime"} and tool.line_policy == "nearest"
    assert [layer.renderer.name for layer in line.layers] == ["s1", "s2", "s3"]
    numbered = page(rows(0, 9).assign(n=np.arange(9) % 2 + 0.5), kind="line", y="a", by="n")
    assert [layer.renderer.name for layer in numbered.view.built.layers] == ["0.500", "1.500"]
    markers = page(rows(0, 9), kind="scatter", y="a", by="sensor").view.built
    (tool,) = markers.figure.select(HoverTool)  # markers convert the index: left as drawn
    assert tool.tooltips[0] == ("sensor", "@{sensor}")


def test_shared_lines_do_not_log_bokeh_validation_errors(page, caplog):
    """Bokeh's E-1024 (filters on connected glyphs, a BokehJS 2 limit) is not logged for
    livedash's lines, and still is for any other."""
    from bokeh.document import Document
    from bokeh.models import CDSView, ColumnDataSource, GroupFilter
    from bokeh.plotting import figure as bokeh_figure

    p = page(rows(0, 9), kind="line", y="a", by="sensor")
    with caplog.at_level("ERROR", logger="bokeh.core.validation.check"):
        p.doc.validate()
    assert "E-1024" not in caplog.text
    other = bokeh_figure()
    other.line("x", "y", source=ColumnDataSource({"x": [1, 2], "y": [1, 2], "g": ["a", "a"]}),
               view=CDSView(filter=GroupFilter(column_name="g", group="a")))
    doc = Document()
    doc.add_root(other)
    with caplog.at_level("ERROR", logger="bokeh.core.validation.check"):
        doc.validate()
    assert "E-1024" in caplog.text


def test_by_groups_of_two_columns(page):
    """Markers filter on both columns; a line whose tooltips name two groups keeps a
    source per group (its tooltips cannot be read from the point)."""
    from bokeh.models import IntersectionFilter

    data = rows(0, 12).assign(kind=np.arange(12) % 2)
    markers = page(data, kind="scatter", y="a", by=["sensor", "kind"])
    layers = markers.view.built.layers
    assert len(layers) == 6 and len({id(layer.source) for layer in layers}) == 1
    assert all(isinstance(layer.renderer.view.filter, IntersectionFilter) for layer in layers)
    chunk = rows(12, 6).assign(kind=np.arange(12, 18) % 2)
    markers.view.apply(Delta.rows(chunk))
    assert markers.kinds() == ["ColumnsStreamedEvent"]
    check_tail(markers, pd.concat([data, chunk]), 1000)
    lines = page(data, kind="line", y="a", by=["sensor", "kind"])
    assert len({id(layer.source) for layer in lines.view.built.layers}) == 6
    lines.view.apply(Delta.rows(chunk))
    assert set(lines.kinds()) == {"ColumnsStreamedEvent"}
    check_tail(lines, pd.concat([data, chunk]), 1000)
