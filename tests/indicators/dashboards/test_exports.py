"""Downloads people can use: the indicator and district CSVs and the review xlsx carry headers in the page's
language, numbers rounded as the pages show them (empty, never nan), statuses and lights in words, local times,
and text cells that a spreadsheet cannot run as formulas."""
import csv
import io
import re
from datetime import datetime, timezone

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from districts.models import District
from indicators.dashboards import exports
from indicators.models import Indicator, Progress
from tests.indicators.dashboards.test_verdicts import COMPUTED, progress_row

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"^-?\d+(\.\d{1,2})?$")
PERCENT = re.compile(r"^-?\d+\.\d%$")
WORDS = {"已达标", "已完成", "进度正常", "需加快", "基本完成", "进展有限", "倒退", "未完成", "无法评估"}


@pytest.fixture(autouse=True)
def no_cached_pages():
    cache.clear()


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def with_demo(plan, official, client):
    from indicators.loaders import demo

    demo.demo_load(plan=plan, indicator_numbers=[1, 3, 13], district_codes=["shizhong", "emeishan"])
    client.force_login(official)
    return client


def test_indicator_csv_headers_numbers_words_and_local_times(with_demo):
    lines = read_csv(with_demo.get(reverse("indicator_csv", args=[3])))
    header, rows = lines[0], [dict(zip(lines[0], line)) for line in lines[1:]]
    assert header[:8] == ["序号", "指标", "县（市、区）", "年份", "季度", "期别", "单位", "填报值"]
    assert {"状态", "灯号", "完成进度", "基期值来源", "计算时间", "与目标差距"} <= set(header)
    assert len(rows) == Progress.objects.filter(indicator__number=3, basis="latest").count()
    text = "\n".join(",".join(line) for line in lines)
    assert "nan" not in text and "None" not in text and "cannot_assess" not in text and "achieved" not in text
    for r in rows:
        for key in ("填报值", "评估值", "基期值", "目标值"):
            assert r[key] == "" or NUMBER.match(r[key]), (key, r[key])
        # a projection keeps up to two more decimals only where fewer would show it equal to the target it misses
        assert r["预计目标年"] == "" or re.match(r"^-?\d+(\.\d{1,4})?$", r["预计目标年"]), r["预计目标年"]
        for key in ("完成进度", "时间进度", "实际年均增速", "目标所需年均增速", "尚需年均增速"):
            assert r[key] == "" or PERCENT.match(r[key]), (key, r[key])
        assert r["状态"] in WORDS and r["灯号"] in {"绿灯", "黄灯", "红灯", "无灯"}
        assert re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", r["计算时间"])
    city = next(r for r in rows if r["县（市、区）"] == "全市" and r["期别"] == "2023年第四季度")
    stored = Progress.objects.get(indicator__number=3, scope="city", basis="latest", year=2023, quarter=4)
    assert city["评估值"] == f"{stored.annual_value:.2f}" and city["数据性质"] == "演示"
    # the number column holds 30.00; the source says what the plan printed: 约30% (issue 13)
    assert city["基期值来源"] == "规划（约30%）" and city["基期值"] == "30.00"
    # likewise the target: 40.00 in the number column, 40%左右 as the plan prints it, for the city and for each
    # district held to the city's share
    assert (city["目标值"], city["目标（按规划原文）"]) == ("40.00", "40%左右")
    held = [r for r in rows if r["县（市、区）"] != "全市" and r["目标值"]]
    assert held and {(r["目标值"], r["目标（按规划原文）"]) for r in held} == {("40.00", "40%左右")}
    assert all(r["目标（按规划原文）"] == "" for r in rows if not r["目标值"])
    from django.utils import timezone as tz
    assert city["计算时间"] == tz.localtime(stored.computed_at).strftime("%Y-%m-%d %H:%M")
    base = next(r for r in rows if r["县（市、区）"] == "全市" and r["期别"] == "2020年第四季度")
    assert base["状态"] == "无法评估" and base["灯号"] == "无灯"  # the base year itself: no verdict, no light


def test_district_csv_in_english_has_english_headers(with_demo):
    with_demo.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    header = read_csv(with_demo.get(reverse("district_csv", args=["shizhong"])))[0]
    assert header[:3] == ["No.", "Indicator", "District"] and "Status" in header and "Light" in header


def test_final_rows_export_words_and_shortfall_and_no_projection(plan, official, client):
    progress_row(1, status="largely_achieved", light="green", value=1251.56, annual_value=1251.56,
                 baseline_year=2020, baseline_value=890.02, target_value=1300.0, t=2025.0, completion=0.882,
                 time_share=1.0, projection=1251.56, still_needed=0.0, inputs={"baseline_source": "indicator"})
    client.force_login(official)
    lines = read_csv(client.get(reverse("indicator_csv", args=[1])))
    row = dict(zip(lines[0], lines[1]))
    assert (row["状态"], row["灯号"]) == ("基本完成", "黄灯")
    assert row["与目标差距"] == "差 48.44 亿元，达到目标的 96.3%"
    assert row["预计目标年"] == "" and row["尚需年均增速"] == ""
    assert row["完成进度"] == "88.2%" and row["评估值"] == "1251.56" and row["计算时间"] == "2026-12-02 14:05"


def test_text_cells_are_escaped_against_formulas_numbers_never(plan, official, client):
    from openpyxl import load_workbook

    District.objects.filter(code="shizhong").update(name='=HYPERLINK("http://x","点我")')
    Indicator.objects.filter(number=1).update(name="+SUM(A1)")
    progress_row(1, "shizhong", status="deterioration", value=-3.5, annual_value=-3.5, baseline_year=2020,
                 baseline_value=2.0, target_value=4.0, t=2024.0, completion=-2.75, time_share=0.8,
                 inputs={"source": "district", "baseline_source": "observed"}, year=2024)
    progress_row(1, status="deterioration", value=-0.004, annual_value=-0.004, baseline_year=2020,
                 baseline_value=890.02, target_value=1300.0, t=2024.0, completion=-2.17, time_share=0.8,
                 inputs={"baseline_source": "indicator"}, year=2024)
    client.force_login(official)
    lines = read_csv(client.get(reverse("district_csv", args=["shizhong"])))
    row = dict(zip(lines[0], lines[1]))
    assert row["县（市、区）"] == '\'=HYPERLINK("http://x","点我")' and row["指标"] == "'+SUM(A1)"
    assert row["填报值"] == "-3.50" and row["完成进度"] == "-275.0%"  # numbers as numbers
    city = dict(zip(lines[0], read_csv(client.get(reverse("indicator_csv", args=[1])))[1]))
    assert city["填报值"] == "-0.00" or city["填报值"] == "0.00"
    assert exports.safe_text("@cmd") == "'@cmd" and exports.safe_text("-1 (文字)") == "'-1 (文字)"
    assert exports.safe_text("正常") == "正常"
    book = load_workbook(io.BytesIO(client.get(reverse("report_xlsx", args=[2024])).content))
    first = book.worksheets[0][4]
    assert first[1].value == "'+SUM(A1)" and first[1].data_type == "s"
    assert all(c.data_type != "f" for row in book.worksheets[0].iter_rows() for c in row)
    assert all(c.data_type != "f" for row in book.worksheets[1].iter_rows() for c in row)


def test_review_xlsx_headers_words_and_local_time(plan, official, client):
    from openpyxl import load_workbook

    from indicators.models import RecomputeRun

    progress_row(1, status="not_achieved", light="green", value=1200.0, annual_value=1200.0, baseline_year=2020,
                 baseline_value=890.02, target_value=1300.0, t=2025.0, completion=0.756, time_share=1.0,
                 inputs={"baseline_source": "indicator"})
    progress_row(9, status="acceleration_needed", value=5.84, annual_value=5.84, baseline_year=2020,
                 baseline_value=5.10, target_value=6.0, t=2025.0, completion=0.82, time_share=1.0,
                 inputs={"baseline_source": "observed"})
    RecomputeRun.objects.create(plan=plan, started_at=COMPUTED, finished_at=datetime(2026, 12, 2, 6, 5, 30,
                                                                                     tzinfo=timezone.utc))
    client.force_login(official)
    book = load_workbook(io.BytesIO(client.get(reverse("report_xlsx", args=[2025])).content))
    sheet = book.worksheets[0]
    assert "进度计算于 2026-12-02 14:05" in sheet["A1"].value
    header = [c.value for c in sheet[3]]
    assert header[:5] == ["序号", "指标", "单位", "基期值", "2025年预测值（目标）"]
    assert header[10:13] == ["灯号", "状态", "与目标差距"]
    rows = {r[0].value: [c.value for c in r] for r in sheet.iter_rows(min_row=4)}
    assert [n for n in rows] == list(range(1, 17))  # 专栏6's order
    assert rows[1][10:13] == ["■ 红灯", "未完成", "差 100.00 亿元，达到目标的 92.3%"]
    assert rows[1][3] == "890.02亿元（2020年）" and rows[1][4] == "1300亿元"
    assert rows[9][3].startswith("规划未给出；按2020年数据 5.10%")
    assert rows[2][11] == "无法评估" and rows[2][10] == "○ 无灯"
    assert "cannot_assess" not in str(rows) and "nan" not in str(rows)


# ---------------------------------------------------------------- each export's header row in the other language
# (issue 13: one language at a time; the tests above read the indicator CSV and the review in Chinese, the district
# CSV in English)

def test_indicator_csv_in_english_and_district_csv_in_chinese(with_demo):
    header = read_csv(with_demo.get(reverse("district_csv", args=["shizhong"])))[0]
    assert header[:8] == ["序号", "指标", "县（市、区）", "年份", "季度", "期别", "单位", "填报值"]
    with_demo.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    lines = read_csv(with_demo.get(reverse("indicator_csv", args=[1])))
    assert lines[0][:8] == ["No.", "Indicator", "District", "Year", "Quarter", "Period", "Unit", "Reported value"]
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert not [h for h in lines[0] if cjk.search(h)]
    row = dict(zip(lines[0], lines[1]))
    assert row["Unit"] == "CNY 100 million" and row["Period"] == "Q1 2020", row
    assert not cjk.search(row["Status"] + row["Light"] + row["Kind of figure"]), row


def test_review_xlsx_in_english(plan, official, client):
    from openpyxl import load_workbook

    progress_row(1, status="not_achieved", light="red", value=1200.0, annual_value=1200.0, baseline_year=2020,
                 baseline_value=890.02, target_value=1300.0, t=2025.0, completion=0.756, time_share=1.0,
                 inputs={"baseline_source": "indicator"})
    client.force_login(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    book = load_workbook(io.BytesIO(client.get(reverse("report_xlsx", args=[2025])).content))
    assert book.sheetnames[:2] == ["2025 review", "District lights"]
    header = [c.value for c in book.worksheets[0][3]]
    assert header[:5] == ["No.", "Indicator", "Unit", "Baseline", "2025 expected value (target)"]
    assert header[10:13] == ["Light", "Status", "Gap to the target"]
    assert not [h for h in header if re.search(r"[\u4e00-\u9fff]", h)]
    assert [c.value for c in book["District lights"][1]][:2] == ["Rank", "District"]
    first = [c.value for c in book.worksheets[0][4]]
    assert first[0] == 1 and first[2] == "CNY 100 million" and first[11] == "Not achieved", first


def test_english_downloads_hold_no_chinese_word(with_demo):
    """Names of the plan, the indicators and the districts, units, words: all English on an English page."""
    from openpyxl import load_workbook

    cjk = re.compile(r"[\u4e00-\u9fff]")
    with_demo.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (reverse("indicator_csv", args=[1]), reverse("district_csv", args=["shizhong"])):
        lines = read_csv(with_demo.get(url))
        assert len(lines) > 1 and not [v for line in lines for v in line if cjk.search(v)], url
    for year in (2023, 2025):
        book = load_workbook(io.BytesIO(with_demo.get(reverse("report_xlsx", args=[year])).content))
        chinese = [(ws.title, c.coordinate, c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                   if isinstance(c.value, str) and cjk.search(c.value)]
        assert not chinese, chinese
        assert book["District lights"].max_row > 1
