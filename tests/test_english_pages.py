"""English pages read English throughout (issue 13, the fresh-eye review): the targets outside 专栏6 by their English
names and units (161 enterprises), the header names the user's unit in English, one English word per status on
every page, a legend that lists every status that can appear, the review's title naming the plan once, and
singular units for one. The Chinese pages stay as they were."""
import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from indicators.dashboards import verdicts
from indicators.figures import formatting
from indicators.progress import maths
from tests.conftest import ROOT

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _client(user, lang) -> Client:
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": lang, "next": "/"})
    return client


def _text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", page)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def plan_work(plan):
    from projects.loaders import load_plan_work

    load_plan_work(json.loads((ROOT / "fixtures" / "leshan_14th_fyp_work.json").read_text(encoding="utf-8")))
    return plan


# ------------------------------------------------------------------------------------------------ targets page


def test_targets_page_in_english_names_targets_and_units_in_english(plan_work, official):
    from projects.models import TrackedTarget, TrackedTargetValue

    high_tech = TrackedTarget.objects.get(plan=plan_work, code="high-tech-enterprises")
    TrackedTargetValue.objects.create(target=high_tech, year=2023, value=Decimal("161"))
    business = TrackedTarget.objects.get(plan=plan_work, code="new-business-district")
    TrackedTargetValue.objects.create(target=business, year=2024, value=Decimal("1"))
    page = _client(official, "en").get(reverse("projects:targets")).content.decode()
    raw = dict(re.findall(r'<tr data-target="([\w-]+)">(.*?)</tr>', page, re.S))
    # each row's cells before its source (the plan's own sentence, quoted as printed)
    rows = {code: _text(row.split('<blockquote class="source">')[0]) for code, row in raw.items()}
    assert len(rows) == 8
    high = rows["high-tech-enterprises"]
    assert "National high-tech enterprises (total)" in high
    assert "161 enterprises (2023)" in high and "109 enterprises (2020)" in high
    assert "218 enterprises (double the 2020 number, 2025)" in high
    assert "1 business district (2024)" in rows["new-business-district"]
    assert "10 platforms (2025)" in rows["rd-platforms"]
    for code, cells in rows.items():
        assert not CJK.search(cells), (code, cells)
        assert not re.search(r"[（）；：，。]", cells), (code, cells)
    # in Chinese as before
    page = _client(official, "zh-hans").get(reverse("projects:targets")).content.decode()
    high = _text(dict(re.findall(r'<tr data-target="([\w-]+)">(.*?)</tr>', page, re.S))["high-tech-enterprises"])
    assert "国家级高新技术企业总量" in high and "161家（2023年）" in high and "218家（较2020年翻一番，2025年）" in high


# ------------------------------------------------------------------------------------------------ header


def test_header_names_the_users_unit_in_english(plan, departments, make_user, dept_commerce, staff_shizhong):
    from districts.models import Department

    official = make_user("fgw_official", "official")
    official.first_name = "市发改委"
    official.save()
    fgw = Department.objects.get(name="市发改委")
    label = re.compile(r'data-testid="user-label">([^<]*)<')
    assert label.search(_client(official, "zh-hans").get("/").content.decode()).group(1) == "市发改委"
    assert label.search(_client(official, "en").get("/").content.decode()).group(1) == fgw.name_en
    commerce = Department.objects.get(code="commerce")
    dept_commerce.first_name = "市商务局填报员"
    dept_commerce.save()
    page = _client(dept_commerce, "en").get(reverse("tasks:department", args=["commerce"])).content.decode()
    assert label.search(page).group(1) == commerce.name_en
    staff_shizhong.first_name = "市中区填报员"
    staff_shizhong.save()
    page = _client(staff_shizhong, "en").get(reverse("districts:detail", args=["shizhong"])).content.decode()
    assert label.search(page).group(1) == "Shizhong District"
    page = _client(staff_shizhong, "zh-hans").get(reverse("districts:detail", args=["shizhong"])).content.decode()
    assert label.search(page).group(1) == "市中区填报员"


# ------------------------------------------------------------------------------------------------ status words


def test_one_english_word_per_status_the_engines():
    with translation.override("en"):
        for status, word in maths.STATUS_LABELS_EN.items():
            assert verdicts.status_label(status) == word
        for status, word in maths.FINAL_STATUS_LABELS_EN.items():
            assert verdicts.status_label(status, True) == word
        assert verdicts.status_label("achieved", True) == "Achieved"  # was "completed" on the pages
        assert verdicts.status_label("achieved") == "Target achieved"
    from indicators.reviews.wording import status_label as review_label

    for status in maths.STATUSES:
        for final in (False, True):
            with translation.override("en"):
                page = verdicts.status_label(status, final)
            assert review_label(status, "en", final=final) == page, (status, final)
            with translation.override("zh-hans"):
                assert verdicts.status_label(status, final) == review_label(status, "zh", final=final)


def test_the_legend_lists_every_status_in_both_languages():
    with translation.override("zh-hans"):
        zh = verdicts.legend_text()
    assert zh == ("灯号即状态的颜色：● 绿灯 已达标、已完成、进度正常；▲ 黄灯 需加快、基本完成；"
                  "■ 红灯 进展有限、倒退、未完成；○ 无灯 无法评估。")
    with translation.override("en"):
        en = verdicts.legend_text()
    assert en == ("The light is the colour of the status: ● green Target achieved, Achieved, On track; "
                  "▲ yellow Acceleration needed, Largely achieved; ■ red Limited progress, Deterioration, "
                  "Not achieved; ○ no light Cannot assess.")
    for status in maths.STATUSES:
        with translation.override("en"):
            assert verdicts.status_label(status) in en
        with translation.override("zh-hans"):
            assert verdicts.status_label(status) in zh
    with translation.override("zh-hans"):
        assert verdicts.status_label("achieved", True) in zh  # 已完成, the plan's end


def test_the_overview_shows_the_legend(plan, official):
    page = _client(official, "zh-hans").get("/").content.decode()
    assert "已达标、已完成、进度正常" in page and "○ 无灯 无法评估" in page
    page = _client(official, "en").get("/").content.decode()
    assert "Target achieved, Achieved, On track" in page and "○ no light Cannot assess" in page


# ------------------------------------------------------------------------------------------------ plurals


def test_one_enterprise_is_singular_in_english():
    row = {"status": "not_achieved", "annual_value": 14.0, "target_value": 15.0}
    with translation.override("en"):
        assert verdicts.final_text(row, unit="家", decimals=0) == "short by 1 enterprise, 93.3% of the target"
        assert formatting.with_unit(2, "户", 0) == "2 enterprises"
        assert formatting.with_unit(1, "户", 0) == "1 enterprise"
        assert formatting.with_unit(1.5, "户", 2) == "1.50 enterprises"
        assert formatting.printed("1个") == "1"
    with translation.override("zh-hans"):
        assert verdicts.final_text(row, unit="家", decimals=0) == "差 1 家，达到目标的 93.3%"


# ------------------------------------------------------------------------------------------------ review title


def test_the_english_review_title_names_the_plan_once(plan, official):
    for lang, year in (("en", 2023), ("en", 2025), ("zh", 2023)):
        page = _client(official, "en" if lang == "en" else "zh-hans").get(
            reverse("review:page"), {"scope": "city", "year": year, "quarter": 4, "lang": lang}).content.decode()
        title = re.search(r'data-testid="review-title">([^<]*)<', page).group(1)
        if lang == "en":
            assert title.count("Plan") + title.count("plan") == 1, title
            assert title.startswith("Leshan Development Plan") and not CJK.search(title), title
        else:
            assert title == "乐山市“十四五”现代服务业发展规划实施情况中期评估报告"


# ------------------------------------------------------------------------------------------------ the final review


def test_the_english_final_review_and_docx_use_the_pages_status_words_and_ascii_punctuation(plan, official):
    from tests.indicators.reviews.test_docx import demo, every_text, read

    demo(plan)
    client = _client(official, "en")
    query = {"scope": "city", "year": 2025, "quarter": 4, "lang": "en"}
    review = client.get(reverse("review:page"), query).context["review"]
    with translation.override("en"):
        page_words = {verdicts.status_label(s, True) for s in maths.STATUSES}
    assert {p.status_label for p in review.paragraphs} <= page_words
    assert "Achieved" in page_words and "completed" not in page_words
    doc = read(client.get(reverse("review:docx"), query).content)
    table = doc.tables[0]
    words = {row.cells[8].text for row in table.rows[1:]}
    assert words <= page_words and words, words
    everything = every_text(doc)
    assert everything[0].count("Plan") == 1, everything[0]
    punctuation = [t for t in everything if re.search(r"[（）；：，。]", t)]
    assert not punctuation, punctuation[:3]
