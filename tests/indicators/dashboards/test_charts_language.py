"""The charts speak the page's language (issue 13): on English pages district names from name_en, axis titles and
units in English (CNY 100 million, %, enterprises), hover texts and status words in English, ASCII punctuation; on
Chinese pages the same figures stay Chinese. Pure chart functions, their figure JSON read as the browser gets it."""
import re
from datetime import date
from types import SimpleNamespace

import pandas as pd
from django.utils import translation

from indicators.dashboards import charts, verdicts

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
FULL_WIDTH = re.compile(r"[（）；：，。]")

DISTRICTS = pd.DataFrame({
    "code": ["shizhong", "qianwei", "gaoxin"], "name": ["市中区", "犍为县", "高新区"],
    "name_en": ["Shizhong District", "Qianwei County", "Leshan High-tech Zone"],
    "value": [1.0, 161.0, None], "completion": [0.45, 1.2, None], "light": ["red", "green", None],
    "status": ["limited", "achieved", "cannot_assess"]})
GEO = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": "shizhong", "name": "市中区"},
     "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}},
    {"type": "Feature", "properties": {"code": "qianwei", "name": "犍为县"},
     "geometry": {"type": "Polygon", "coordinates": [[[2, 0], [2, 2], [4, 2], [4, 0], [2, 0]]]}},
    {"type": "Feature", "properties": {"code": "ebian", "name": "峨边彝族自治县"},
     "geometry": {"type": "Polygon", "coordinates": [[[5, 5], [5, 6], [6, 6], [6, 5], [5, 5]]]}}]}
NAMES_EN = {"shizhong": "Shizhong District", "qianwei": "Qianwei County", "ebian": "Ebian Yi Autonomous County",
            "gaoxin": "Leshan High-tech Zone"}
POINTS = {"gaoxin": {"lon": 0.5, "lat": 0.55, "name": "高新区"}}
# a plan whose statistical series this indicator continues, drawn as its own line named after it
EARLIER = SimpleNamespace(name="乐山市“十四五”现代服务业发展规划", start_year=2021, end_year=2025)


def _districts():
    """The frame as the selectors give it: status words in the page's language, from the verdicts."""
    return DISTRICTS.assign(status_label=[verdicts.status_label(s) for s in DISTRICTS["status"]])


def _indicator_chart(unit, labels, note):
    history = pd.DataFrame({"year": [2015, 2020], "value": [454.94, 890.02]})
    periods = pd.DataFrame({
        "year": [2021, 2021, 2022], "quarter": [3, 4, 1], "label": labels, "value": [700.0, 960.0, 240.0],
        "annual_value": [958.0, 960.0, 1040.0], "is_provisional": [True, False, True],
        "target_value": [None, None, None], "demo": [False, False, True]})
    return charts.indicator_chart(
        history, periods, unit=unit, measure="flow", baseline_year=2020, baseline_value=890.02, target_year=2025,
        target_value=1300.0, cagr_required=0.0787, latest={"t": 2021.25, "annual_value": 1040.0,
                                                           "projection": 1250.0, "cagr_actual": 0.05},
        baseline_note=note, earlier_plans=[(EARLIER, pd.DataFrame({"year": [2022, 2023], "value": [1.0, 2.0]}))])


def _every_figure(lang):
    with translation.override(lang):
        english = lang == "en"
        labels = ["Q3 2021", "2021", "Q1 2022"] if english else ["2021年第三季度", "2021年", "2022年第一季度"]
        frame = _districts()
        scorecard = pd.DataFrame({
            "district_code": ["shizhong", "qianwei"], "district_name": ["市中区", "犍为县"],
            "district_name_en": ["Shizhong District", "Qianwei County"], "rank": [2, 1], "indicator_number": [1, 1],
            "indicator_name": ["Value added of services" if english else "服务业增加值"] * 2,
            "light": ["red", "green"], "status_label": list(frame["status_label"][:2]), "completion": [0.45, 1.2]})
        projects = pd.DataFrame({"district": ["市中区", "犍为县"],
                                 "district_en": ["Shizhong District", "Qianwei County"],
                                 "status_label": ["under construction" if english else "在建"] * 2, "count": [2, 1]})
        money = pd.DataFrame({"project": ["P"], "planned": [10.0], "completed": [4.0], "light": ["red"]})
        return {
            "indicator": _indicator_chart("亿元", labels, "from the 2020 demo figure 5.10%" if english
                                          else "按2020年演示数据 5.10% 计算"),
            "bars_completion": charts.district_bars(frame, time_share=0.6, unit="家", decimals=0),
            "bars_value": charts.district_bars(frame, metric="value", unit="家", decimals=0),
            "scorecard": charts.scorecard_heatmap(scorecard),
            "map_light": charts.choropleth(frame, GEO, color_by="light", unit="家", decimals=0, points=POINTS,
                                           names=NAMES_EN if english else None),
            "map_value": charts.choropleth(frame, GEO, color_by="value", unit="亿元", points=POINTS,
                                           names=NAMES_EN if english else None),
            "projects": charts.projects_by_district(projects),
            "investment": charts.investment_bars(money),
            "timeline": charts.project_timeline(pd.DataFrame({
                "project": ["P"], "title": ["T"], "due_date": [date(2023, 1, 1)], "done_date": [None]}),
                today=date(2025, 1, 1)),
        }


def test_english_figures_have_no_chinese_and_no_full_width_punctuation():
    for name, fig in _every_figure("en").items():
        text = charts.to_json(fig)
        assert not CJK.findall(text), (name, sorted(set(re.findall(r".{0,30}[\u4e00-\u9fff]+.{0,10}", text))))
        assert not FULL_WIDTH.findall(text), (name, re.findall(r".{0,30}[（）；：，。、].{0,10}", text))


def test_english_figures_name_districts_in_english_with_english_units_and_status_words():
    figures = _every_figure("en")
    indicator = figures["indicator"]
    assert indicator.layout.yaxis.title.text == "CNY 100 million"
    assert any("1,040.00 CNY 100 million" in h for t in indicator.data for h in (t.hovertext or ()))
    assert any(t.name and t.name.startswith("approved figure of Leshan Development Plan") for t in indicator.data)
    bars = figures["bars_completion"].data[0]
    assert list(bars.y) == ["Qianwei County", "Shizhong District", "Leshan High-tech Zone"]
    assert bars.text[0].startswith("● green Target achieved") and "Limited progress" in bars.text[1]
    # one enterprise is singular, 161 plural
    assert any("<br>1 enterprise<br>" in h for h in bars.hovertext)
    assert "161 enterprises" in bars.hovertext[0]
    assert figures["bars_value"].layout.xaxis.title.text == "enterprises"
    assert figures["bars_completion"].layout.xaxis.title.text == "Completion (%)"
    heat = figures["scorecard"].data[0]
    assert list(heat.y) == ["1. Qianwei County", "2. Shizhong District"]
    light_map = figures["map_light"]
    hovers = [h for t in light_map.data for h in (t.hovertext or ())]
    assert any(h.startswith("Ebian Yi Autonomous County<br>") for h in hovers)  # no row: still its English name
    assert any(h.startswith("Leshan High-tech Zone<br>") for h in hovers)  # the marked point
    assert any(h.startswith("Shizhong District<br>1 enterprise") for h in hovers)
    # the labels on the map leave out the administrative word (the full English names ran into each other around
    # Shizhong); the hover keeps it
    labels = [t.text for t in light_map.data if t.type == "scattergeo" and t.mode == "text"][0]
    assert [label.split("<br>")[0] for label in labels] == ["Ebian", "Qianwei", "Shizhong"]
    assert [t.text[0].split("<br>")[0] for t in light_map.data
            if t.type == "scattergeo" and t.mode == "markers+text"] == ["High-tech Zone"]
    colorbars = [t.colorbar.title.text for t in figures["map_value"].data if t.type == "choropleth" and t.colorbar]
    assert "CNY 100 million" in colorbars
    assert [t.y[0] for t in figures["projects"].data] == ["Shizhong District"]
    assert figures["investment"].layout.xaxis.title.text == "CNY 100 million"


def test_chinese_figures_stay_chinese():
    figures = _every_figure("zh-hans")
    assert figures["indicator"].layout.yaxis.title.text == "亿元"
    bars = figures["bars_completion"].data[0]
    assert list(bars.y) == ["犍为县", "市中区", "高新区"]
    assert bars.text[0].startswith("● 绿灯 已达标") and "161 家" in bars.hovertext[0]
    assert figures["bars_value"].layout.xaxis.title.text == "家"
    assert list(figures["scorecard"].data[0].y) == ["1. 犍为县", "2. 市中区"]
    hovers = [h for t in figures["map_light"].data for h in (t.hovertext or ())]
    assert any(h.startswith("峨边彝族自治县<br>") for h in hovers) and any(h.startswith("高新区<br>") for h in hovers)
    labels = [t.text for t in figures["map_light"].data if t.type == "scattergeo" and t.mode == "text"][0]
    assert [label.split("<br>")[0] for label in labels] == ["峨边彝族自治县", "犍为县", "市中区"]
    assert figures["investment"].layout.xaxis.title.text == "亿元"
    assert "（按2020年演示数据 5.10% 计算）" in charts.to_json(figures["indicator"])
    for name, fig in figures.items():
        if name != "timeline":
            assert CJK.search(charts.to_json(fig)), name
