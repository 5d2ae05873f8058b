"""Plan pages (issue 15): the administrators' plan list, template download and upload → preview → import; the
lifecycle buttons; the pages that show a plan honour ?plan=<code> (default: the plan in force), their links carry
it, the header switches between the plans a user may see (drafts: administrators only), an example plan carries
its banner, a continuing indicator's chart runs across both plans, and the 14th plan's final review is unchanged
once the next plan is in force. County staff land on the quarter due now."""
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from districts.models import Plan
from indicators.entry import reminders
from indicators.loaders.plan_definition import parse_definition, plan_definition_import
from indicators.models import Indicator
from indicators.plans.services import plan_put_in_force
from tests.indicators.plans.books import NEW, VA, approve_city_figure, next_plan_book

pytestmark = pytest.mark.django_db
OLD = "leshan-14th-fyp-services"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAIN = re.compile(r"<main>.*</main>", re.S)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, content: bytes, name="plan.xlsx"):
    return client.post("/plans/upload/", {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


@pytest.fixture
def next_plan(plan, admin_user):
    """The 14th plan with approved city figures of indicator 1 for 2024 and 2025, and the next plan (indicator 1
    continuing it, baseline carried over) put in force."""
    approve_city_figure(plan, 1, 2024, "1152.4")
    approve_city_figure(plan, 1, 2025, "1251.56")
    definition, problems = parse_definition(next_plan_book(indicators=[VA, {
        "number": 2, "name": "入境游客人次", "unit": "万人次", "measure": "flow", "target_kind": "at_least",
        "target_value": 120, "pillar": "scale", "entry_level": "city", "frequency": "annual"}]))
    assert problems == []
    return plan_put_in_force(plan=plan_definition_import(definition=definition, user=admin_user), user=admin_user)


# ------------------------------------------------------------------------------------------ admin pages

def test_plan_pages_are_for_administrators_only(plan, admin_user, official, staff_shizhong):
    assert client_for(admin_user).get("/plans/").status_code == 200
    for user in (official, staff_shizhong):
        for url in ("/plans/", "/plans/template.xlsx", "/plans/upload/"):
            response = client_for(user).get(url)
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
    assert client_for(admin_user).post("/plans/").status_code == 405
    assert client_for(admin_user).get(f"/plans/{OLD}/in-force/").status_code == 405


def test_the_template_downloads_empty_or_with_a_plan(plan, admin_user):
    client = client_for(admin_user)
    empty = client.get("/plans/template.xlsx")
    assert empty["Content-Type"] == XLSX and 'filename="plan-definition-template.xlsx"' in empty["Content-Disposition"]
    assert load_workbook(io.BytesIO(empty.content))["指标"].max_row == 1
    filled = client.get(f"/plans/template.xlsx?plan={OLD}")
    assert load_workbook(io.BytesIO(filled.content))["指标"].max_row == 17
    assert client.get("/plans/template.xlsx?plan=nowhere").status_code == 404


def test_upload_previews_every_problem_stores_nothing_then_imports_on_confirmation(plan, admin_user, settings,
                                                                                   tmp_path):
    settings.PLAN_UPLOAD_DIR = str(tmp_path)
    client = client_for(admin_user)
    bad = next_plan_book(indicators=[{**VA, "baseline_value": "未给出", "measure": "flux"}])
    page = upload(client, bad).content.decode()
    assert "「指标」第2行 E列「计量类型」：“flux”不是可选值" in page
    assert 'data-testid="confirm-import"' not in page and not list(tmp_path.iterdir())
    assert not Plan.objects.filter(code=NEW).exists()

    good = next_plan_book(indicators=[{**VA, "baseline_value": "未给出"}])
    page = upload(client, good).content.decode()
    assert 'data-testid="no-problems"' in page and 'data-testid="confirm-import"' in page
    assert "「区县」为空：沿用“乐山市“十四五”现代服务业发展规划”的 12 个区县" in page
    assert '<tr data-line="2">' in page and "服务业增加值" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert not Plan.objects.filter(code=NEW).exists() and len(list(tmp_path.iterdir())) == 1

    refused = client.post("/plans/upload/", {"confirm": "1", "token": "x" * 32})
    assert refused.status_code == 302 and not Plan.objects.filter(code=NEW).exists()
    response = client.post("/plans/upload/", {"confirm": "1", "token": token})
    assert response.status_code == 302 and response["Location"] == "/plans/"
    assert Plan.objects.get(code=NEW).status == Plan.Status.DRAFT
    assert not list(tmp_path.iterdir())  # the kept file is gone once imported
    assert client.post("/plans/upload/", {"confirm": "1", "token": token}).status_code == 302  # used once
    assert Plan.objects.filter(code=NEW).count() == 1


def test_an_oversize_upload_is_refused_before_it_is_read(plan, admin_user):
    page = upload(client_for(admin_user), b"PK" + b"0" * (3 * 1024 * 1024)).content.decode()
    assert "文件过大（最大 2 MB）。" in page and not Plan.objects.filter(code=NEW).exists()


def test_the_lifecycle_buttons(plan, admin_user):
    client = client_for(admin_user)
    new = plan_definition_import(definition=parse_definition(next_plan_book(
        indicators=[{**VA, "baseline_value": "未给出"}]))[0])
    page = client.get("/plans/").content.decode()
    assert f'action="/plans/{NEW}/in-force/"' in page and f'action="/plans/{OLD}/end/"' in page
    client.post(f"/plans/{NEW}/in-force/")
    assert dict(Plan.objects.values_list("code", "status")) == {OLD: "ended", NEW: "in_force"}
    response = client.post(f"/plans/{OLD}/in-force/", follow=True)
    assert "只有草稿规划可以施行" in response.content.decode()
    client.post(f"/plans/{NEW}/end/")
    new.refresh_from_db()
    assert new.status == Plan.Status.ENDED


# ------------------------------------------------------------------------------------------ ?plan= on pages

def test_pages_show_the_plan_in_force_by_default_and_the_plan_of_the_link(next_plan, official):
    client = client_for(official)
    assert "<h1>测试规划" in client.get("/").content.decode()
    old_overview = client.get(f"/?plan={OLD}").content.decode()
    assert "<h1>乐山市“十四五”现代服务业发展规划" in old_overview
    assert f'href="/indicators/1/?plan={OLD}"' in old_overview  # links carry the plan
    assert f'href="/indicators/1/?plan={NEW}"' in client.get("/").content.decode()

    assert "1900亿元" in client.get("/indicators/1/").content.decode()
    assert "1300亿元" in client.get(f"/indicators/1/?plan={OLD}").content.decode()
    assert client.get("/indicators/5/").status_code == 404 and client.get(f"/indicators/5/?plan={OLD}").status_code == 200
    assert client.get(f"/map/?plan={OLD}&indicator=5").status_code == 200
    assert "社会消费品零售总额" not in client.get("/map/").content.decode()
    district = client.get(f"/districts/shizhong/?plan={OLD}").content.decode()
    assert f'<input type="hidden" name="plan" value="{OLD}">' in district
    assert client.get(f"/reports/final/?plan={OLD}").status_code == 200
    assert client.get("/reports/2025/").status_code == 404 and client.get(f"/reports/2025/?plan={OLD}").status_code == 200
    review = client.get(f"/reviews/?plan={OLD}&scope=city&year=2025&quarter=4").content.decode()
    assert "乐山市“十四五”现代服务业发展规划实施情况总结评估报告" in review
    assert f"/reviews/report.docx?scope=city&amp;year=2025&amp;quarter=4&amp;lang=zh&amp;plan={OLD}" in review
    assert client.get("/?plan=nowhere").status_code == 404


def test_staff_sent_to_their_district_keep_the_plan(staff_shizhong, next_plan):
    response = client_for(staff_shizhong).get(f"/?plan={OLD}")
    assert response.status_code == 302 and response["Location"] == f"/districts/shizhong/?plan={OLD}"


def test_drafts_are_seen_by_administrators_only(next_plan, official, admin_user):
    draft = plan_definition_import(definition=parse_definition(next_plan_book(
        indicators=[{**VA, "baseline_value": "未给出", "continues": None}], code="draft-plan", name="草稿中的规划",
        previous="无", districts=[{"code": "shizhong", "name": "市中区"}]))[0])
    assert client_for(official).get(f"/?plan={draft.code}").status_code == 404
    assert client_for(admin_user).get(f"/?plan={draft.code}").status_code == 200
    switcher = re.compile(r'data-testid="plan-switcher">.*?</form>', re.S)
    official_plans = switcher.search(client_for(official).get("/").content.decode()).group(0)
    admin_plans = switcher.search(client_for(admin_user).get("/").content.decode()).group(0)
    assert OLD in official_plans and NEW in official_plans and "draft-plan" not in official_plans
    assert "draft-plan" in admin_plans and "草稿" in admin_plans
    assert f'<option value="{NEW}" selected>' in official_plans


def test_an_example_plan_says_so_on_its_pages(plan, official):
    definition, problems = parse_definition(next_plan_book(
        indicators=[{**VA, "baseline_value": "未给出"}], name="示例规划（2026—2030）（示例）", example="是"))
    plan_put_in_force(plan=plan_definition_import(definition=definition), user=None)
    client = client_for(official)
    for url in ("/", "/indicators/1/", "/districts/shizhong/", "/map/", "/reports/"):
        assert "示例规划，非本市正式规划" in client.get(url).content.decode(), url
    assert "示例规划，非本市正式规划" not in client.get(f"/?plan={OLD}").content.decode()


def test_a_continuing_indicator_draws_the_previous_plans_figures(next_plan, official):
    page = client_for(official).get("/indicators/1/").content.decode()
    chart = json.loads(re.search(r'<script type="application/json" id="indicator-chart-json">(.*?)</script>',
                                 page, re.S).group(1))
    earlier = [t for t in chart["data"] if t.get("name") == "乐山市“十四五”现代服务业发展规划（2021—2025年）审核数"]
    assert len(earlier) == 1 and earlier[0]["x"] == [2024.0, 2025.0] and earlier[0]["y"] == [1152.4, 1251.56]
    assert Indicator.objects.get(plan=next_plan, number=1).baseline_value == Decimal("1251.56")


def test_the_14th_plans_final_review_is_unchanged_once_the_next_plan_is_in_force(plan, official, admin_user):
    approve_city_figure(plan, 1, 2025, "1251.56")
    client = client_for(official)
    url = "/reviews/?scope=city&year=2025&quarter=4"
    before = MAIN.search(client.get(url).content.decode()).group(0)
    definition = parse_definition(next_plan_book(indicators=[VA]))[0]
    plan_put_in_force(plan=plan_definition_import(definition=definition), user=admin_user)
    after = MAIN.search(client.get(f"{url}&plan={OLD}").content.decode()).group(0)
    assert after == before and "总结评估报告" in after


# ------------------------------------------------------------------------------------------ entry

def test_staff_land_on_the_quarter_due_now(staff_shizhong, next_plan, monkeypatch):
    monkeypatch.setattr(reminders, "today", lambda: date(2026, 12, 2))
    page = client_for(staff_shizhong).get("/entry/").content.decode()
    box = page.split('data-testid="due"')[1].split("</div>")[0]
    due = re.sub(r"<[^>]+>", "", box)
    assert 'href="/entry/shizhong/2026-Q3/"' in box and "2026年第三季度" in due
    assert "截止日期 2026-10-20" in due and "已逾期 43 天" in due
    assert '<option value="2026" selected>' in page and '<option value="2025"' not in page
    assert client_for(staff_shizhong).get("/entry/shizhong/2025-Q4/").status_code == 404  # the 14th plan's quarter
    assert client_for(staff_shizhong).get("/entry/shizhong/2026-Q3/").status_code == 200


def test_with_no_plan_in_force_there_is_nothing_to_enter(plan, staff_shizhong, admin_user):
    from indicators.plans.services import plan_end

    plan_end(plan=plan, user=admin_user)
    assert client_for(staff_shizhong).get("/entry/").status_code == 404
    assert client_for(staff_shizhong).get("/districts/shizhong/").status_code == 200  # its pages stay


