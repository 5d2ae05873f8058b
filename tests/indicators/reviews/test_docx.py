"""The review report as .docx, its reads and its views (issue 8).

The document is read back with python-docx: title, summary, the table (16 indicators + header, lights as
symbol and word), one chart per lagging indicator (inline pictures drawn by kaleido through Debian's chromium),
the paragraphs and the revisions. The reads take a fixed number of queries; access follows districts.access.

Issue 13: the final review (2025) on the page and in the .docx, in Chinese and English (worked example 5 on the
demo data: 基本完成, 96.3%, 差48.44亿元; no 需加快 or 预计达到 anywhere); the mid-term review shows 未给出 for the
baselines the plan does not give; the document is A4 with the margins and fonts of 公文 (or the named fallback this
machine has), read back from the file.
"""
import json
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from docx.oxml.ns import qn

from districts.models import District
from indicators.reviews.docx import (
    DocxFonts,
    build_docx,
    choose_fonts,
    installed_fonts,
    png_available,
)
from indicators.reviews.report import build_review
from indicators.reviews.selectors import ReviewData, review_data
from indicators.reviews.views import review_for
from tests.conftest import require
from tests.indicators.reviews.test_texts import FINAL_CASES, FORBIDDEN_AT_THE_END

PUBLISHED = Path(__file__).resolve().parents[3] / "fixtures" / "published_figures.json"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
pytestmark = pytest.mark.django_db


def published(plan):
    from indicators.loaders.published import published_load
    from indicators.progress.services import progress_recompute

    published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    progress_recompute(plan=plan)


def demo(plan):
    from indicators.loaders.demo import demo_load

    published(plan)
    demo_load(plan=plan)


def read(content: bytes) -> Document:
    return Document(BytesIO(content))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def every_text(doc) -> list[str]:
    """Paragraphs and every table cell."""
    return texts(doc) + [c.text for t in doc.tables for r in t.rows for c in r.cells]


def east_asian_font(style) -> str | None:
    rfonts = style.element.rPr.find(qn("w:rFonts"))
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


# the final review's sentence of worked example 5, on the demo data (whose 2025 figure is 1251.56 亿元); the target as
# the plan prints it
EXAMPLE5_ZH = ("2025年，全市服务业增加值完成1251.56亿元（演示），为目标（1300亿元）的96.3%，差48.44亿元，基本完成规划目标。"
               "评估结论：基本完成（黄灯）。")
EXAMPLE5_EN = ("In 2025, value added of the services sector in Leshan reached 1,251.56 CNY 100 million (demo), 96.3% of "
               "the target (1300 CNY 100 million), 48.44 CNY 100 million short; target largely achieved. "
               "Assessment: largely achieved (yellow light).")


def test_the_docx_holds_summary_table_charts_and_paragraphs(plan):
    require(png_available(), "kaleido or chromium missing: the charts cannot be drawn")
    demo(plan)
    review, data = review_for(plan, scope="city", year=2024, quarter=4, lang="zh")
    lagging = review.lagging
    assert lagging, "the demo data has lagging indicators"
    doc = read(build_docx(review, data, title="乐山市“十四五”现代服务业发展规划实施情况2024年度评估报告"))

    paragraphs = texts(doc)
    assert paragraphs[0] == "乐山市“十四五”现代服务业发展规划实施情况2024年度评估报告"
    assert "评估范围：全市" in paragraphs and "数据截至：2024年底（年度评估）" in paragraphs
    assert review.summary in paragraphs
    assert any("演示数据" in p for p in paragraphs)  # demo data is never passed off as official

    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert len(table.rows) == 17  # 16 indicators + header
    assert [c.text for c in table.rows[0].cells] == ["序号", "指标", "基期值", "目标值", "本期值", "数据期", "完成目标进度",
                                                    "时间进度", "评估结论", "灯号"]
    first = [c.text for c in table.rows[1].cells]
    assert first == ["1", "服务业增加值", "890.02亿元（2020年）", "1300亿元", "1152.40亿元（公布）", "2024年", "64.0%",
                     "80.0%", "需加快", "▲ 黄灯"]
    lights = {row.cells[-1].text for row in table.rows[1:]}
    assert lights <= {"● 绿灯", "▲ 黄灯", "■ 红灯", "○ 无灯"}  # symbol and word, not colour alone
    # the plan gives no baseline for 9 and 11–15: 未给出, never the demo figure that stood in; each demo figure marked
    for row in table.rows[1:]:
        number, baseline, value = row.cells[0].text, row.cells[2].text, row.cells[4].text
        if number in ("9", "11", "12", "13", "14", "15"):
            assert baseline == "未给出" and value.endswith("（演示）"), number
    note = next(p for p in paragraphs if p.startswith("注："))
    assert "标“公布”的数据来源：乐山市统计局《2024年乐山市国民经济和社会发展统计公报》" in note and "标“演示”的为演示数据" in note
    assert "数据来源：乐山市统计局《2024年乐山市国民经济和社会发展统计公报》。" in paragraphs
    assert "数据来源：演示数据（程序生成，非官方统计）。" in paragraphs
    assert not any("http" in p or "hongheiku" in p for p in paragraphs)  # no address of a repost

    assert len(doc.inline_shapes) == len(lagging)
    captions = [p for p in paragraphs if p.startswith("图")]
    assert len(captions) == len(lagging) and captions[0].startswith("图1　服务业增加值")
    for p in review.paragraphs:
        assert p.title in paragraphs and p.text in paragraphs
    assert paragraphs[-1] == "本期无数据修订。"


def test_the_docx_in_english_and_without_a_chart_renderer_still_opens(plan):
    published(plan)
    review, data = review_for(plan, scope="city", year=2024, quarter=4, lang="en")
    assert [p.number for p in review.lagging] == [1]
    doc = read(build_docx(review, data, title="Annual review 2024", pngs=[None]))
    paragraphs = texts(doc)
    assert review.summary in paragraphs
    assert len(doc.tables[0].rows) == 17
    assert doc.tables[0].rows[1].cells[-1].text == "▲ yellow light"
    assert len(doc.inline_shapes) == 0
    assert "(Chart not drawn: the server needs kaleido and a Chromium browser.)" in paragraphs


def test_the_docx_reports_revisions(plan):
    from indicators.loaders.published import published_version_record
    from indicators.models import Observation
    from indicators.progress.services import progress_recompute

    published(plan)
    obs = Observation.objects.get(indicator__number=1, district=None, year=2024, quarter=4)
    published_version_record(observation=obs, value=Decimal("1140.00"), kind="verified", source_title="核实数（示例）")
    progress_recompute(plan=plan)
    review, data = review_for(plan, scope="city", year=2024, quarter=4, lang="zh")
    doc = read(build_docx(review, data, title="t", pngs=[None] * len(review.lagging)))
    assert texts(doc)[-1] == (
        "全市服务业增加值2024年数据由1152.40亿元（初步核算，乐山市统计局《2024年乐山市国民经济和社会发展统计公报》）修订为"
        "1140.00亿元（最终核实，核实数（示例）），调减12.40亿元（1.1%）；完成目标进度由64.0%（按初次公布数）调整为61.0%。")


def test_review_reads_take_a_fixed_number_of_queries(plan):
    published(plan)
    with CaptureQueriesContext(connection) as small:
        review_data(plan, scope="city", year=2024, quarter=4)
    from indicators.loaders.demo import demo_load

    demo_load(plan=plan)
    with CaptureQueriesContext(connection) as large:
        data = review_data(plan, scope="city", year=2024, quarter=4)
    # over a thousand stored rows up to the period; the review reads the city's and each district's newest
    from indicators.models import Progress

    assert Progress.objects.filter(year__lte=2024).count() > 1000
    assert len(data.rows) == len({(r["indicator_id"], r["scope"], r["year"], r["quarter"]) for r in data.rows})
    assert {r["scope"] for r in data.rows} == {"city", *District.objects.values_list("code", flat=True)}
    assert len(small.captured_queries) == len(large.captured_queries) == 10
    with CaptureQueriesContext(connection) as district:
        review_data(plan, scope="emeishan", year=2024, quarter=4)
    assert len(district.captured_queries) == 8


# ------------------------------------------------------------------------------------------------ views


def login(client, user):
    client.force_login(user)  # django-axes needs a request to authenticate; the browser test logs in for real


def test_officials_see_the_page_and_download_the_docx(client, official, plan):
    published(plan)
    login(client, official)
    page = client.get("/reviews/", {"scope": "city", "year": 2024, "quarter": 4, "lang": "zh"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "截至2024年底，全市服务业增加值完成1152.40亿元，为2025年目标的88.6%" in html
    assert "/reviews/report.docx?scope=city&amp;year=2024&amp;quarter=4&amp;lang=zh" in html
    response = client.get("/reviews/report.docx", {"scope": "city", "year": 2024, "quarter": 4, "lang": "zh"})
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert 'filename="review-city-2024Q4-zh.docx"' in response["Content-Disposition"]
    doc = read(response.content)
    assert doc.paragraphs[0].text == "乐山市“十四五”现代服务业发展规划实施情况2024年度评估报告"


def test_the_demo_mark_beside_the_review_is_in_the_reviews_language(client, official, plan):
    """The page in Chinese, the review in English: the mark beside the review's kind and period is in the review's
    language, as they are (it read 含演示数据 beside "Annual review · 2024")."""
    from indicators.loaders import demo

    demo.demo_load(plan=plan, indicator_numbers=[1], district_codes=["shizhong"])
    login(client, official)
    english = client.get("/reviews/", {"scope": "city", "year": 2024, "quarter": 4, "lang": "en"}).content.decode()
    assert '<strong data-testid="review-demo">Contains demo data</strong>' in english
    chinese = client.get("/reviews/", {"scope": "city", "year": 2024, "quarter": 4, "lang": "zh"}).content.decode()
    assert '<strong data-testid="review-demo">含演示数据</strong>' in chinese


def test_the_page_defaults_to_the_newest_period_and_the_users_scope(client, official, staff_emeishan, plan):
    published(plan)
    login(client, official)
    page = client.get("/reviews/")
    assert page.status_code == 200 and page.context["params"] == {"scope": "city", "year": 2024, "quarter": 4,
                                                                   "lang": "zh"}
    client.logout()
    login(client, staff_emeishan)
    page = client.get("/reviews/", {"lang": "en"})
    assert page.status_code == 200 and page.context["params"]["scope"] == "emeishan"
    assert [code for code, _name in page.context["scopes"]] == ["emeishan"]


def test_county_staff_see_only_their_own_district(client, staff_shizhong, plan):
    published(plan)
    login(client, staff_shizhong)
    assert client.get("/reviews/", {"scope": "shizhong", "year": 2024}).status_code == 200
    assert client.get("/reviews/", {"scope": "emeishan", "year": 2024}).status_code == 403
    assert client.get("/reviews/", {"scope": "city", "year": 2024}).status_code == 403
    assert client.get("/reviews/report.docx", {"scope": "emeishan", "year": 2024}).status_code == 403
    assert client.get("/reviews/report.docx", {"scope": "city"}).status_code == 403


def test_bad_queries_are_refused_and_anonymous_users_must_log_in(client, official, plan):
    assert client.get("/reviews/").status_code == 302  # LoginRequiredMiddleware
    login(client, official)
    assert client.get("/reviews/", {"scope": "nowhere"}).status_code == 404
    assert client.get("/reviews/", {"year": "abc"}).status_code == 400
    assert client.get("/reviews/", {"year": 2024, "quarter": 5}).status_code == 400
    assert client.get("/reviews/", {"year": 2031}).status_code == 400
    assert client.get("/reviews/", {"lang": "fr"}).status_code == 400


# ------------------------------------------------------------------------------------------------ the final review


def test_the_final_review_page_and_docx_read_as_officials_write_them(client, official, plan):
    demo(plan)
    login(client, official)
    query = {"scope": "city", "year": 2025, "quarter": 4, "lang": "zh"}
    page = client.get("/reviews/", query)
    assert page.status_code == 200
    html, review = page.content.decode(), page.context["review"]
    assert review.kind == "final" and page.context["title"] == "乐山市“十四五”现代服务业发展规划实施情况总结评估报告"
    assert re.match(r"截至2025年底（规划期末），全市16项目标指标中，已完成\d+项，基本完成\d+项，未完成\d+项，无法评估\d+项。",
                    review.summary)
    assert review.paragraphs[0].text == EXAMPLE5_ZH and EXAMPLE5_ZH in html
    for p in review.paragraphs:
        assert p.final and p.conclusion.startswith(("评估结论：已完成", "评估结论：基本完成", "评估结论：未完成",
                                                    "评估结论：无法评估")), p.conclusion
    assert "评估结论：已达标" not in html and not [w for w in FORBIDDEN_AT_THE_END if w in html]
    # every district ranked by the same verdicts
    assert [d.code for d in review.district_ranking] and len(review.district_ranking) == 12
    assert 'data-testid="review-ranking"' in html and "已完成" in page.context["ranking_columns"]
    assert sum(d.achieved + d.largely_achieved + d.not_achieved + d.cannot_assess for d in review.district_ranking) \
        == 12 * 13  # 13 indicators are reported by district

    response = client.get("/reviews/report.docx", query)
    assert 'filename="review-city-2025Q4-zh.docx"' in response["Content-Disposition"]
    doc = read(response.content)
    paragraphs, everything = texts(doc), every_text(doc)
    assert paragraphs[0] == "乐山市“十四五”现代服务业发展规划实施情况总结评估报告"
    assert "数据截至：2025年底（总结评估）" in paragraphs and review.summary in paragraphs and EXAMPLE5_ZH in paragraphs
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "指标", "基期值", "目标值", "完成值", "数据期", "为目标的", "差距",
                                                    "评估结论", "灯号"]
    assert [c.text for c in table.rows[1].cells] == ["1", "服务业增加值", "890.02亿元（2020年）", "1300亿元",
                                                    "1251.56亿元（演示）", "2025年", "96.3%", "48.44亿元", "基本完成",
                                                    "▲ 黄灯"]
    assert "三、各县（市、区）完成情况" in paragraphs and len(doc.tables[1].rows) == 13
    assert not [w for w in FORBIDDEN_AT_THE_END if any(w in t for t in everything)]
    assert not any("已达标" in t for t in everything)

    english = client.get("/reviews/", {**query, "lang": "en"})
    review = english.context["review"]
    assert review.paragraphs[0].text == EXAMPLE5_EN
    assert review.summary.startswith("By the end of 2025 (the end of the plan), of the 16 target indicators for "
                                     "Leshan: ")
    text = english.content.decode()
    assert not [w for w in FORBIDDEN_AT_THE_END if w in text.lower() or w in text]
    doc = read(client.get("/reviews/report.docx", {**query, "lang": "en"}).content)
    assert EXAMPLE5_EN in texts(doc)
    assert [c.text for c in doc.tables[0].rows[1].cells][4:8] == ["1,251.56 CNY 100 million (demo)", "2025", "96.3%",
                                                                  "48.44 CNY 100 million"]


def test_the_mid_term_review_never_shows_a_baseline_the_plan_does_not_give(client, official, plan):
    demo(plan)
    login(client, official)
    for lang, not_given, demo_mark, note in (("zh", "未给出", "（演示）", "（以2020年演示数据为基期）"),
                                              ("en", "not given", " (demo)", " (baseline: the 2020 demo figure)")):
        page = client.get("/reviews/", {"scope": "city", "year": 2023, "quarter": 4, "lang": lang})
        assert page.context["review"].kind == "mid_term"
        cells = {r["number"]: r["cells"] for r in page.context["table"]}
        for number in (9, 11, 12, 13, 14, 15):  # the demo figures 5.10%, 52.60%, 3.00%, 16户, 9户, 205户 stood in
            assert cells[number][2] == not_given and cells[number][4].endswith(demo_mark), cells[number]
        assert cells[1][2] == ("890.02亿元（2020年）" if lang == "zh" else "890.02 CNY 100 million (2020)")
        paragraphs = {p.number: p for p in page.context["review"].paragraphs}
        for number in (9, 12, 13, 14, 15):  # 11 (an index, city only) has its own demo figure as well
            assert note in paragraphs[number].sentence, paragraphs[number].sentence
        assert note not in paragraphs[1].sentence
        assert page.context["table_note"]
    doc = read(client.get("/reviews/report.docx", {"scope": "city", "year": 2023, "quarter": 4, "lang": "zh"}).content)
    baselines = {row.cells[0].text: row.cells[2].text for row in doc.tables[0].rows[1:]}
    assert [baselines[n] for n in ("9", "11", "12", "13", "14", "15")] == ["未给出"] * 6
    assert not any(b in baselines.values() for b in ("5.1%", "52.6%", "3.0%", "16户", "9户", "205户"))


def _example5_review(lang):
    indicator, scope, r, _zh, _en = FINAL_CASES["example5_flow_largely_achieved"]
    indicator = dict(indicator, baseline_value=890.02, baseline_year=2020)
    review = build_review([indicator], [r], scope=scope, year=2025, quarter=4, lang=lang, start_year=2021,
                          end_year=2025)
    data = ReviewData(indicators=[indicator], districts=[], rows=[r], first_rows=[], revision_groups=[])
    return review, data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_final_docx_is_a4_in_the_fonts_of_gongwen_and_reads_worked_example_5(lang):
    review, data = _example5_review(lang)
    doc = read(build_docx(review, data, title="总结评估报告", pngs=[None] * len(review.lagging)))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 2), round(section.page_height.cm, 2)) == (21.0, 29.7)
    assert [round(m.cm, 2) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                     section.right_margin)] == [3.7, 3.5, 2.8, 2.6]
    fonts = choose_fonts(installed_fonts())
    assert east_asian_font(doc.styles["Title"]) == fonts.title
    assert east_asian_font(doc.styles["Heading 1"]) == fonts.heading
    assert east_asian_font(doc.styles["Normal"]) == fonts.body
    assert doc.core_properties.comments == fonts.note()  # which fonts this machine used is recorded
    assert doc.styles["Normal"].font.size.pt == 16 and doc.styles["Title"].font.size.pt == 22  # 三号, 二号
    everything = every_text(doc)
    if lang == "zh":
        assert FINAL_CASES["example5_flow_largely_achieved"][3] in everything
        row = [c.text for c in doc.tables[0].rows[1].cells]
        assert row[-4:] == ["96.3%", "48.44亿元", "基本完成", "▲ 黄灯"]
        assert "一、总体情况" in everything and "三、未完成及基本完成指标走势图" in everything
        assert not any(w in t for t in everything for w in ("需加快", "预计达到", "需年均增长", "已达标"))
    else:
        assert FINAL_CASES["example5_flow_largely_achieved"][4] in everything
        assert [c.text for c in doc.tables[0].rows[1].cells][-4:] == [
            "96.3%", "48.44 CNY 100 million", "Largely achieved", "▲ yellow light"]
        assert not any(w in t.lower() for t in everything for w in ("acceleration", "projected", "is needed"))


def test_the_fonts_are_those_of_gongwen_where_installed_and_a_named_fallback_otherwise():
    assert choose_fonts({"方正小标宋简体", "黑体", "仿宋_GB2312", "WenQuanYi Micro Hei"}) == DocxFonts(
        "方正小标宋简体", "黑体", "仿宋_GB2312")
    assert choose_fonts({"黑体", "仿宋"}) == DocxFonts("黑体", "黑体", "仿宋")  # 黑体 stands in for 小标宋 in 公文 itself
    only_wqy = choose_fonts({"WenQuanYi Micro Hei", "DejaVu Sans"})
    assert only_wqy == DocxFonts("WenQuanYi Micro Hei", "WenQuanYi Micro Hei", "WenQuanYi Micro Hei",
                                 ("title", "heading", "body"))
    assert "fallback" in only_wqy.note() and "WenQuanYi Micro Hei" in only_wqy.note()
    assert choose_fonts(set()) == DocxFonts("方正小标宋简体", "黑体", "仿宋_GB2312")  # nothing known: name 公文's own
    doc = read(build_docx(*_example5_review("zh"), title="t", pngs=[None], fonts=only_wqy))
    assert {east_asian_font(doc.styles[s]) for s in ("Title", "Heading 1", "Heading 2", "Normal")} == {
        "WenQuanYi Micro Hei"}
    for name in ("Title", "Heading 1"):  # no theme font left to override the name
        rfonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsiaTheme")) is None and rfonts.get(qn("w:asciiTheme")) is None
