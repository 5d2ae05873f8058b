"""Targets outside 专栏6 judged by the engine's maths; the key-enterprise register entered by counties in bulk and
summarised in the quarterly 通报."""
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from districts.models import District
from projects.maths import project_light, target_assessment
from projects.models import EnterpriseFigure, RegisterEnterprise, TrackedTarget, TrackedTargetValue


def test_target_assessment_doubling_from_109_and_province_assigned():
    # 109 (2020) → 218 (2025); 2023: 160 → C = 51/109 = 0.468 vs τ = 0.6; CAGR_a 13.6% vs required 14.9% → R 0.914
    a = target_assessment(kind="level", value=160, year=2023, baseline=109, baseline_year=2020, target=218,
                          target_year=2025, assigned=None, plan_base_year=2020)
    assert a["status"] == "acceleration_needed" and a["light"] == "yellow"
    assert round(a["completion"], 3) == 0.468
    a = target_assessment(kind="level", value=230, year=2024, baseline=109, baseline_year=2020, target=218,
                          target_year=2025, assigned=None, plan_base_year=2020)
    assert a["status"] == "achieved" and a["light"] == "green"
    none = target_assessment(kind="assigned", value=4, year=2023, baseline=3, baseline_year=2020, target=None,
                             target_year=2025, assigned=None, plan_base_year=2020)
    assert none["status"] == "cannot_assess" and none["reason"] == "no_assigned_amount" and none["light"] is None
    done = target_assessment(kind="assigned", value=5, year=2023, baseline=3, baseline_year=2020, target=None,
                             target_year=2025, assigned=5, plan_base_year=2020)
    assert done["status"] == "achieved"


def test_project_light_on_its_own_years_and_milestones():
    from datetime import date

    # 2023-12-31, project 2022—2025: τ = 2/4 = 0.5; 3 of 10 → 0.3 ≥ 0.5 − 0.30 → yellow
    light = project_light(planned=10, completed=3, milestones=[], base_year=2020, end_year=2025,
                          today=date(2023, 12, 31), start_year=2022, finish_year=2025)
    assert round(light["time_share"], 3) == 0.5 and light["light"] == "yellow"
    # a milestone due and not done: 0 of 1 done vs 1 of 1 due → red, the worse of the two
    light = project_light(planned=10, completed=3, milestones=[(date(2023, 6, 30), None)], base_year=2020,
                          end_year=2025, today=date(2023, 12, 31), start_year=2022, finish_year=2025)
    assert light["milestone_light"] == "red" and light["light"] == "red"
    # no planned investment given: no investment light, nothing invented
    assert project_light(planned=None, completed=None, milestones=[], base_year=2020, end_year=2025,
                         today=date(2023, 12, 31))["light"] is None


@pytest.mark.django_db
def test_officials_enter_target_values_and_assigned_amounts_the_page_follows(plan_work, official, staff_shizhong,
                                                                            client):
    url = reverse("projects:targets")
    client.force_login(official)
    page = client.get(url).content.decode()
    assert "218家" in page and "109家（2020年）" in page and page.count("未下达") >= 3
    high_tech = TrackedTarget.objects.get(code="high-tech-enterprises")
    enter = reverse("projects:target_enter", args=[high_tech.pk])
    r = client.post(enter, {"action": "value", "year": "2023", "value": "一百六", "note": "", "reason": ""},
                    follow=True)
    assert "无法识别为数字" in r.content.decode() and "一百六" in r.content.decode()
    assert not TrackedTargetValue.objects.exists()
    client.post(enter, {"action": "value", "year": "2023", "value": "160", "note": "市科技局", "reason": ""})
    r = client.post(enter, {"action": "value", "year": "2023", "value": "161", "note": "", "reason": ""}, follow=True)
    assert "请说明原因" in r.content.decode()
    client.post(enter, {"action": "value", "year": "2023", "value": "161", "note": "", "reason": "复核更正"})
    value = TrackedTargetValue.objects.get()
    assert value.value == 161 and value.history.first().history_change_reason == "复核更正"
    page = client.get(url).content.decode()
    row = page[page.index('data-target="high-tech-enterprises"'):][:2000]
    assert "161家（2023年）" in row and "需加快" in row
    counties = TrackedTarget.objects.get(code="strong-counties")
    client.post(reverse("projects:target_enter", args=[counties.pk]),
                {"action": "assign", "assigned": "5", "note": "省服务业发展领导小组通知"})
    client.post(reverse("projects:target_enter", args=[counties.pk]),
                {"action": "value", "year": "2024", "value": "5", "note": "", "reason": ""})
    page = client.get(url).content.decode()
    row = page[page.index('data-target="strong-counties"'):][:2000]
    assert "5个（省下达）" in row and "已达标" in row
    client.force_login(staff_shizhong)
    assert client.post(enter, {"action": "value", "year": "2024", "value": "1"}).status_code == 403


@pytest.mark.django_db
def test_a_county_enters_its_enterprises_at_once_and_the_bulletin_sums_them(plan_work, official, staff_shizhong,
                                                                           staff_emeishan, client):
    shizhong = District.objects.get(plan=plan_work, code="shizhong")
    mine = list(RegisterEnterprise.objects.filter(plan=plan_work, sector__name="智慧物流").order_by("name")[:2])
    for e in mine:
        e.district = shizhong
        e.save()
    url = reverse("projects:register_entry", args=["shizhong", "2026-Q3"])
    client.force_login(staff_emeishan)
    assert client.get(url).status_code == 403
    client.force_login(staff_shizhong)
    page = client.get(url).content.decode()
    assert mine[0].name in page
    bad = {f"e{mine[0].pk}_revenue": "1.5", f"e{mine[0].pk}_employees": "120.5", f"e{mine[0].pk}_taxes": "30",
           f"e{mine[1].pk}_revenue": "2", f"e{mine[1].pk}_employees": "80", f"e{mine[1].pk}_taxes": "10"}
    r = client.post(url, bad)
    assert r.status_code == 400 and "应为整数" in r.content.decode() and "120.5" in r.content.decode()
    assert not EnterpriseFigure.objects.exists()
    assert client.post(url, {**bad, f"e{mine[0].pk}_employees": "120"}).status_code == 302
    assert EnterpriseFigure.objects.count() == 2
    assert client.get(reverse("projects:register_bulletin", args=["2026-Q3"])).status_code == 403
    client.force_login(official)
    page = client.get(reverse("projects:register_bulletin", args=["2026-Q3"])).content.decode()
    section = page[page.index('data-summary="district"'):]
    assert "市中区" in section and "3.50" in section and "200" in section and "40.00" in section
    assert "演示" not in page
    xlsx = client.get(reverse("projects:register_bulletin_xlsx", args=["2026-Q3"]))
    ws = load_workbook(BytesIO(xlsx.content))["按县（市、区）"]
    assert [c.value for c in ws[3]] == ["市中区", 2, 3.5, 200, 40]
    assert EnterpriseFigure.objects.get(enterprise=mine[0]).revenue == Decimal("1.5")


@pytest.mark.django_db
def test_demo_enterprises_come_only_from_load_demo_and_say_so(plan_work, official, client):
    """The services behind load_demo / clear_demo (the commands themselves recompute every indicator: slow)."""
    from projects.demo import register_demo_clear, register_demo_load

    assert not RegisterEnterprise.objects.filter(is_demo=True).exists()
    assert register_demo_load(plan=plan_work, last_year=2025) == 24 * 20
    assert register_demo_load(plan=plan_work, last_year=2025) == 0
    assert RegisterEnterprise.objects.filter(is_demo=True).count() == 24
    client.force_login(official)
    for url in (reverse("projects:register"), reverse("projects:register_bulletin", args=["2024-Q4"])):
        assert "演示" in client.get(url).content.decode()
    xlsx = load_workbook(BytesIO(client.get(reverse("projects:register_bulletin_xlsx", args=["2024-Q4"])).content))
    assert "演示" in xlsx["按赛道"]["A1"].value
    register_demo_clear(plan=plan_work)
    assert not EnterpriseFigure.objects.exists() and not RegisterEnterprise.objects.filter(is_demo=True).exists()
    assert RegisterEnterprise.objects.filter(source="专栏12").count() == 35


def test_the_register_is_offered_only_to_those_who_may_open_it(plan_work, official, staff_shizhong, dept_commerce,
                                                               client):
    """Department staff were shown a link to 服务业标杆库 that answered 403 (issue 16's walk)."""
    link = "服务业标杆库</a>"
    for user, sees in ((official, True), (staff_shizhong, True), (dept_commerce, False)):
        client.force_login(user)
        assert (link in client.get("/projects/").content.decode()) is sees, user.username
        assert client.get("/projects/register/").status_code == (200 if sees else 403), user.username


@pytest.mark.django_db
def test_bulletin_xlsx_is_in_the_page_language(plan_work, official, client):
    """Sheet names and headers in Chinese on zh and in English on en, units in the headers, figures rounded as the
    page shows them (issue 13)."""
    from django.conf import settings

    from projects.demo import register_demo_load

    register_demo_load(plan=plan_work, last_year=2025)
    client.force_login(official)
    url = reverse("projects:register_bulletin_xlsx", args=["2024-Q4"])
    zh = load_workbook(BytesIO(client.get(url).content))
    assert zh.sheetnames == ["按赛道", "按县（市、区）", "企业明细"]
    assert [c.value for c in zh["按县（市、区）"][2]] == [
        "县（市、区）", "企业数（家）", "营业收入（亿元）", "从业人员（人）", "纳税（万元）"]
    assert [c.value for c in zh["企业明细"][1]][:4] == ["企业", "赛道", "县（市、区）", "营业收入（亿元）"]
    for row in zh["按县（市、区）"].iter_rows(min_row=3, values_only=True):
        assert row[2] == round(row[2], 2) and isinstance(row[3], int)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = load_workbook(BytesIO(client.get(url).content))
    assert en.sheetnames == ["By sector", "By district", "Enterprises"]
    assert [c.value for c in en["By district"][2]] == ["District", "Enterprises", "Revenue (CNY 100 million)",
                                                      "Employees (persons)", "Taxes (CNY 10,000)"]
    assert "demo data" in en["By sector"]["A1"].value and "含演示数据" not in en["By sector"]["A1"].value
    districts = [row[0] for row in en["By district"].iter_rows(min_row=3, values_only=True)]
    assert districts and not [d for d in districts if any("\u4e00" <= ch <= "\u9fff" for ch in d)], districts
