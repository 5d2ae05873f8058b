"""Chart functions are pure (DataFrame in, Plotly figure out): traces, values, light colours with icons and words,
and every user-typed text escaped so that a name like <script> is shown, never run."""
import json
from datetime import date

import pandas as pd
import pytest
from django.utils import translation

from indicators.dashboards import charts

EVIL = '<script>alert("x")</script>'


def _trace(fig, name_part):
    return next(t for t in fig.data if t.name and name_part in t.name)


def _flat(fig) -> str:
    return fig.to_json()


def test_sparkline_draws_points_in_order_coloured_by_light():
    points = pd.DataFrame({"x": [2021.0, 2020.0, 2022.75], "y": [960.0, 890.02, 1100.0],
                           "label": ["2021年", "2020年（基期）", "2022年第三季度"], "provisional": [False, False, True]})
    fig = charts.sparkline(points, unit="亿元", light="red")
    line, last = fig.data
    assert list(line.y) == [890.02, 960.0, 1100.0]
    assert line.line.color == charts.LIGHT_COLOURS["red"]
    assert "1,100.00 亿元" in line.hovertext[-1]
    assert last.marker.color == "#ffffff"  # the newest point is provisional: hollow
    assert charts.sparkline(points.iloc[0:0], unit="亿元").data == ()


def test_indicator_chart_flow_has_history_quarters_annual_path_target_and_projection():
    history = pd.DataFrame({"year": [2015, 2020], "value": [454.94, 890.02]})
    periods = pd.DataFrame({
        "year": [2021, 2021, 2021, 2021, 2022], "quarter": [1, 2, 3, 4, 1],
        "label": ["q1", "q2", "q3", "2021", "2022q1"], "value": [220.0, 450.0, 700.0, 960.0, 240.0],
        "annual_value": [950.0, 955.0, 958.0, 960.0, 1040.0], "is_provisional": [True, True, True, False, True],
        "target_value": [1300.0] * 5})
    latest = {"t": 2022.0, "annual_value": 1040.0, "projection": 1300.0, "cagr_actual": 0.0767}
    fig = charts.indicator_chart(history, periods, unit="亿元", measure="flow", baseline_year=2020,
                                 baseline_value=890.02, target_year=2025, target_value=1300.0,
                                 cagr_required=0.0787, latest=latest)
    names = [t.name for t in fig.data]
    assert any("2015" in n for n in names)
    # a time axis labelled in the middle of each year: every figure stands over its own year
    assert fig.layout.xaxis.type == "date" and fig.layout.xaxis.ticklabelmode == "period"
    bars = next(t for t in fig.data if t.type == "bar")
    assert list(bars.y) == [220.0, 450.0, 700.0, 960.0, 240.0]
    # each quarter's bar in the middle of its quarter: 2021 Q1 stands over 2021, never over 2020
    assert list(bars.x) == ["2021-02-15", "2021-05-15", "2021-08-15", "2021-11-15", "2022-02-15"]
    annual = _trace(fig, "全年值")
    assert list(annual.x) == ["2021-11-15"] and list(annual.y) == [960.0]  # with its fourth quarter
    history_line = _trace(fig, "2015")
    assert list(history_line.x) == ["2015-11-15", "2020-11-15"]
    path = _trace(fig, "路径")
    assert path.x[0] == "2020-11-15" and path.y[0] == pytest.approx(890.02)
    assert path.x[-1] == "2025-11-15" and path.y[-1] == pytest.approx(890.02 * 1.0787 ** 5)
    target = next(t for t in fig.data if t.name == "目标")
    assert list(target.x) == ["2025-11-15"] and list(target.y) == [1300.0]
    projection = _trace(fig, "预测")
    assert projection.x[0] == "2022-11-15" and projection.y[0] == 1040.0
    assert projection.y[-1] == pytest.approx(1040.0 * 1.0767 ** 3)


def test_quarters_of_a_stock_stand_in_their_own_quarter_and_a_final_figure_has_no_projection():
    periods = pd.DataFrame({"year": [2020, 2020, 2025], "quarter": [1, 4, 4], "label": ["a", "b", "c"],
                            "value": [10.0, 12.0, 30.0], "annual_value": [10.0, 12.0, 30.0],
                            "is_provisional": [False] * 3, "target_value": [35.0] * 3})
    fig = charts.indicator_chart(None, periods, unit="户", measure="stock", baseline_year=2020, baseline_value=12.0,
                                 target_year=2025, target_value=35.0, cagr_required=0.239,
                                 latest={"t": 2025.0, "annual_value": 30.0, "projection": 30.0, "is_final": True})
    line = _trace(fig, "季末值")
    assert list(line.x) == ["2020-02-15", "2020-11-15", "2025-11-15"]  # t = 2019.25, 2020.0, 2025.0
    assert not any("预测" in (t.name or "") for t in fig.data)
    assert charts.time_date(2019.25) == "2020-02-15" and charts.time_date(2022.5) == "2023-05-15"  # Q1 2020, Q2 2023


def test_indicator_chart_rate_draws_flat_target_and_qualitative_draws_assigned_amounts():
    periods = pd.DataFrame({"year": [2021, 2022], "quarter": [4, 4], "label": ["2021", "2022"], "value": [8.0, 6.0],
                            "annual_value": [8.0, 6.99], "is_provisional": [False, False],
                            "target_value": [8.0, 8.0]})
    fig = charts.indicator_chart(None, periods, unit="%", measure="rate", baseline_year=2020, target_year=2025,
                                 target_value=8.0, latest={"t": 2022.0, "annual_value": 6.99, "projection": 6.99})
    target = _trace(fig, "目标（年均增速）")
    assert list(target.x) == ["2020-11-15", "2025-11-15"] and list(target.y) == [8.0, 8.0]
    qual = charts.indicator_chart(None, periods.assign(target_value=[7.5, 6.5]), unit="亿元",
                                  measure="qualitative", target_year=2025)
    assert [t.type for t in qual.data] == ["bar", "scatter"]
    assert list(qual.data[0].x) == ["2021-07-01", "2022-07-01"]  # a year's amount in the middle of its year
    assert list(qual.data[1].y) == [7.5, 6.5]


def test_district_bars_sorted_best_first_with_light_colour_icon_and_word():
    df = pd.DataFrame({"code": ["a", "b", "c", "d"], "name": ["甲", "乙", EVIL, "丁"],
                       "value": [10.0, 20.0, 30.0, None], "completion": [0.2, 0.9, 0.55, None],
                       "light": ["red", "green", "yellow", None]})
    fig = charts.district_bars(df, time_share=0.6, unit="亿元")
    bar = fig.data[0]
    assert list(bar.x) == pytest.approx([90.0, 55.0, 20.0, 0.0])
    assert bar.y[0] == "乙" and bar.y[1] == "&lt;script&gt;alert(\"x\")&lt;/script&gt;"
    assert list(bar.marker.color) == [charts.LIGHT_COLOURS[k] for k in ("green", "yellow", "red", "none")]
    assert bar.text[0].startswith("● 绿灯") and bar.text[2].startswith("■ 红灯") and bar.text[3].startswith("○")
    worded = charts.district_bars(df.assign(status_label=["进展有限", "已达标", "需加快", "无法评估"]), unit="亿元")
    assert worded.data[0].text[0].startswith("● 绿灯 已达标")  # the light beside its status word
    assert fig.layout.shapes[0].x0 == pytest.approx(60.0)  # the time share line
    assert "<script>" not in _flat(fig)


def test_scorecard_heatmap_rows_by_rank_cells_by_light():
    df = pd.DataFrame({
        "district_code": ["a", "a", "b", "b"], "district_name": ["甲", "甲", EVIL, EVIL], "rank": [2, 2, 1, 1],
        "indicator_number": [1, 3, 1, 3], "indicator_name": ["一", "三", "一", "三"],
        "light": ["red", "yellow", "green", None], "status_label": ["s"] * 4, "completion": [0.1, 0.4, 0.9, None]})
    fig = charts.scorecard_heatmap(df, highlight="a")
    heat = fig.data[0]
    assert list(heat.x) == ["1", "3"]
    assert heat.y[0].startswith("1. &lt;script") and heat.y[1] == "▶ 2. 甲"
    assert [list(r) for r in heat.z] == [[3, 0], [1, 2]]  # green=3 … no light=0
    assert heat.text[0][0].startswith("●") and heat.text[1][1].startswith("▲")
    assert "<script>" not in _flat(fig)
    assert charts.scorecard_heatmap(df.iloc[0:0]).layout.annotations  # says there is nothing to show


GEO = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": "a", "name": "甲"},
     "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}},
    {"type": "Feature", "properties": {"code": "b", "name": "乙"},
     "geometry": {"type": "MultiPolygon", "coordinates": [[[[2, 0], [2, 2], [4, 2], [4, 0], [2, 0]]],
                                                          [[[5, 5], [5, 5.1], [5.1, 5.1], [5, 5]]]]}}]}


def test_choropleth_by_light_with_marked_point_and_escaped_names():
    df = pd.DataFrame({"code": ["a", "p"], "name": [EVIL, "高新区"], "value": [5.0, 7.0], "completion": [0.5, 1.1],
                       "light": ["yellow", "green"]})
    points = {"p": {"lon": 0.5, "lat": 0.55, "name": "高新区"}}
    fig = charts.choropleth(df, GEO, color_by="light", unit="亿元", points=points)
    grey, coloured, labels, point = fig.data
    assert list(grey.locations) == ["b"]  # no data: drawn grey, never omitted
    assert list(coloured.locations) == ["a"] and list(coloured.z) == [2]  # yellow
    assert coloured.featureidkey == "properties.code"
    assert point.type == "scattergeo" and list(point.marker.color) == [3] and "绿灯" in point.text[0]
    label_a = list(labels.text).index(next(t for t in labels.text if "script" in t))
    assert labels.lat[label_a] == pytest.approx(0.5 + 0.08)  # moved clear of the marked point
    assert "<script>" not in _flat(fig)
    by_value = charts.choropleth(df, GEO, color_by="value", unit="亿元", points=points)
    assert list(by_value.data[1].z) == [5.0]


def test_a_completion_map_scale_stops_at_0_and_150_percent_and_shows_an_outlier_as_it_is():
    """PROGRESS.md §3a: one outlier (犍为县 890.9%) never washes out the other districts' colours."""
    df = pd.DataFrame({"code": ["a", "b", "p"], "name": ["甲", "犍为县", "高新区"], "value": [5.0, 7.0, 1.0],
                       "completion": [0.45, 8.909, -0.2], "light": ["red", "green", "red"],
                       "status_label": ["进展有限", "已达标", "倒退"]})
    points = {"p": {"lon": 0.5, "lat": 0.55, "name": "高新区"}}
    fig = charts.choropleth(df, GEO, color_by="completion", points=points)
    coloured = next(t for t in fig.data if t.type == "choropleth" and t.showscale is not False)
    assert (coloured.zmin, coloured.zmax) == (0.0, 150.0)
    assert list(coloured.z) == pytest.approx([45.0, 890.9])  # the value kept; the colour stops at 150%
    assert "890.9%" in coloured.hovertext[1] and "已达标" in coloured.hovertext[1]
    point = fig.data[-1]
    assert (point.marker.cmin, point.marker.cmax) == (0.0, 150.0)
    labels = next(t for t in fig.data if t.type == "scattergeo" and t.mode == "text")
    assert any("890.9%" in text for text in labels.text)
    assert list(coloured.colorbar.ticktext) == ["≤0%", "50%", "100%", "≥150%"]


def test_feature_centroids_use_the_largest_ring():
    c = charts.feature_centroids(GEO)
    assert c["a"] == pytest.approx((0.5, 0.5))
    assert c["b"] == pytest.approx((3.0, 1.0))


def test_project_charts():
    counts = pd.DataFrame({"district": ["甲", "甲", EVIL], "status_label": ["在建", "建成", "在建"], "count": [2, 1, 3]})
    fig = charts.projects_by_district(counts)
    assert [t.name for t in fig.data] == ["在建", "建成"]
    assert list(fig.data[0].x) == [2, 3] and list(fig.data[1].x) == [1, 0]
    milestones = pd.DataFrame({"project": ["P", "P", "Q"], "title": ["开工", EVIL, "竣工"],
                               "due_date": [date(2023, 1, 1), date(2024, 1, 1), date(2027, 1, 1)],
                               "done_date": [date(2023, 2, 1), None, None]})
    timeline = charts.project_timeline(milestones, today=date(2025, 1, 1))
    states = {t.name: len(t.x) for t in timeline.data if t.name}
    assert states == {"已完成": 1, "未到期": 1, "已逾期": 1}
    with translation.override("en"):
        english = charts.project_timeline(milestones, today=date(2025, 1, 1))
    assert {t.name: len(t.x) for t in english.data if t.name} == {"Done": 1, "Due later": 1, "Overdue": 1}
    assert "<script>" not in _flat(timeline)
    money = pd.DataFrame({"project": ["P"], "planned": [10.0], "completed": [4.0], "light": ["red"]})
    inv = charts.investment_bars(money)
    assert list(inv.data[0].x) == [10.0] and list(inv.data[1].x) == [4.0]
    assert inv.data[1].text[0] == "■ 红灯" and inv.data[1].marker.color[0] == charts.LIGHT_COLOURS["red"]


def test_to_json_is_safe_inside_a_script_element():
    fig = charts.empty_figure("</script><script>alert(1)</script>")
    text = charts.to_json(fig)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["layout"]["annotations"][0]["text"].startswith("&lt;/script&gt;")


def test_light_badges_are_icon_and_word():
    assert charts.light_badge("green") == "● 绿灯"
    assert charts.light_badge("yellow") == "▲ 黄灯"
    assert charts.light_badge(None) == "○ 无灯"


def test_a_demo_figure_says_so_in_the_charts_hover():
    df = pd.DataFrame({"code": ["a", "b"], "name": ["甲", "乙"], "value": [10.0, 20.0], "completion": [0.2, 0.9],
                       "light": ["red", "green"], "demo": [True, False]})
    hover = charts.district_bars(df, unit="亿元").data[0].hovertext
    assert "演示" in hover[1] and "演示" not in hover[0]  # sorted best first: 乙, then 甲
    geo = charts.choropleth(df, GEO, color_by="value", unit="亿元")
    coloured = next(t for t in geo.data if t.type == "choropleth" and t.showscale is not False)
    assert "演示" in coloured.hovertext[0] and "演示" not in coloured.hovertext[1]
    points = pd.DataFrame({"x": [2020.0, 2021.0], "y": [1.0, 2.0], "label": ["a", "b"], "provisional": [False] * 2,
                           "demo": [False, True]})
    line = charts.sparkline(points).data[0]
    assert "演示" in line.hovertext[1] and "演示" not in line.hovertext[0]
