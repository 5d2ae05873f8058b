"""The review report as .docx, its reads and its views (issue 8).

The document is read back with python-docx: title, summary, the table (16 indicators + header, lights as
symbol and word), one chart per lagging indicator (inline pictures drawn by kaleido through Debian's chromium),
the paragraphs and the revisions. The reads take a fixed number of queries; access follows districts.access.
"""
import json
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from indicators.reviews.docx import build_docx, png_available
from indicators.reviews.selectors import review_data
from indicators.reviews.views import review_for
from tests.conftest import require

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
    assert first == ["1", "服务业增加值", "890.02亿元（2020年）", "1300.00亿元", "1152.40亿元（公布）", "2024年", "64.0%",
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
    assert len(data.rows) > 1000
    assert len(small.captured_queries) == len(large.captured_queries) == 8
    with CaptureQueriesContext(connection) as district:
        review_data(plan, scope="emeishan", year=2024, quarter=4)
    assert len(district.captured_queries) == 7


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
