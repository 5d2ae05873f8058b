"""The next plan without a developer, in a real browser (issue 15), in December 2026: an administrator downloads the
plan-definition template, fills it (a generated file), uploads it, sees the preview refuse a wrong row by sheet,
row and column, fixes it, imports the plan and puts it in force; county staff land on the quarter due now
(2026年第三季度) and enter it; the official approves it and sees the new plan's overview; the 14th plan's final
review is still reachable by its link."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from districts.models import Plan
from indicators.entry import reminders
from indicators.models import Progress
from tests.conftest import PASSWORD
from tests.indicators.plans.books import approve_city_figure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OLD = "leshan-14th-fyp-services"
CODE = "leshan-15th-fyp-services"
NAME = "乐山市“十五五”现代服务业发展规划（测试）"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def fill(template: bytes, share_target) -> bytes:
    """The downloaded template filled in as an administrator would: the plan, a pillar and three indicators (one
    continuing the 14th plan's 服务业增加值 with its final figure as baseline, one share, one for the city only)."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb["规划"]
    values = {"code": CODE, "name": NAME, "start_year": 2026, "end_year": 2030, "base_year": 2025,
              "source": "测试用规划文件"}
    for row in range(2, ws.max_row + 1):
        code = str(ws.cell(row, 1).value).rsplit("[", 1)[-1].rstrip("]")
        if code in values:
            ws.cell(row, 2).value = values[code]
    wb["目标领域"].append(["scale", "服务业规模与结构", 1, ""])
    headers = [str(c.value).rsplit("[", 1)[-1].rstrip("]") for c in wb["指标"][1]]
    for indicator in (
            {"number": 1, "name": "服务业增加值", "unit": "亿元", "measure": "flow", "target_kind": "at_least",
             "target_value": 1900, "baseline_value": "沿用上期", "pillar": "scale", "continues": 1},
            {"number": 2, "name": "入境游客人次", "unit": "万人次", "measure": "flow", "target_kind": "at_least",
             "target_value": 120, "baseline_value": "未给出", "pillar": "scale", "entry_level": "city",
             "frequency": "annual"},
            {"number": 3, "name": "生产性服务业增加值占服务业比重", "unit": "%", "measure": "share",
             "target_kind": "about", "target_value": share_target, "baseline_value": "未给出",
             "pillar": "服务业规模与结构"}):
        wb["指标"].append([indicator.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def december_2026(plan, monkeypatch, settings, tmp_path):
    monkeypatch.setattr(reminders, "today", lambda: date(2026, 12, 2))
    settings.PLAN_UPLOAD_DIR = str(tmp_path / "uploads")
    approve_city_figure(plan, 1, 2025, "1251.56")  # the 14th plan's final figure, the next plan's baseline
    return plan


def test_admin_loads_the_next_plan_staff_enter_its_quarter_official_approves(
        live_server, page, browser, december_2026, admin_user, staff_shizhong, official, tmp_path):
    # the administrator downloads the template …
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/plans/")
    with page.expect_download() as info:
        page.get_by_test_id("template-download").click()
    template = open(info.value.path(), "rb").read()
    assert load_workbook(io.BytesIO(template)).sheetnames[:4] == ["说明", "规划", "目标领域", "指标"]

    # … fills it with a wrong share target: the preview names the row and stores nothing
    wrong, right = tmp_path / "wrong.xlsx", tmp_path / "right.xlsx"
    wrong.write_bytes(fill(template, 140))
    right.write_bytes(fill(template, 40))
    page.goto(f"{live_server.url}/plans/upload/")
    page.set_input_files("input[type=file]", str(wrong))
    page.get_by_test_id("upload").click()
    problems = page.get_by_test_id("problems").inner_text()
    assert "「指标」第4行 H列「目标值」：比重指标的目标值应在 0—100% 之间，而不是 140%" in problems
    assert page.locator("tr.has-error[data-line='4']").count() == 1
    assert page.get_by_test_id("confirm-import").count() == 0
    assert not Plan.objects.filter(code=CODE).exists()

    # … fixes it, sees the carried-over districts and the baseline, imports it as a draft and puts it in force
    page.set_input_files("input[type=file]", str(right))
    page.get_by_test_id("upload").click()
    assert "未发现问题" in page.get_by_test_id("no-problems").inner_text()
    assert "沿用“乐山市“十四五”现代服务业发展规划”的 12 个区县" in page.content()
    assert "1251.56（沿用上期）" in page.locator("table[data-sheet='指标'] tr[data-line='2']").inner_text()
    page.get_by_test_id("confirm-import").click()
    assert page.url.endswith("/plans/") and "状态为草稿" in page.locator(".messages").inner_text()
    page.locator(f"tr[data-plan='{CODE}'] [data-testid=put-in-force]").click()
    assert page.locator(f"tr[data-plan='{CODE}'] [data-testid=plan-status]").inner_text() == "施行中"
    assert page.locator(f"tr[data-plan='{OLD}'] [data-testid=plan-status]").inner_text() == "已结束"

    # county staff land on the quarter due now and enter it
    staff = browser.new_context().new_page()
    log_in(staff, live_server, "staff_shizhong")
    staff.goto(f"{live_server.url}/entry/")
    due = staff.get_by_test_id("due").inner_text()
    assert "本期应报" in due and "2026年第三季度" in due and "截止日期 2026-10-20" in due
    staff.get_by_test_id("due").locator("a").first.click()
    assert staff.url == f"{live_server.url}/entry/shizhong/2026-Q3/"
    assert staff.locator("[name='i2_value']").count() == 0  # the city's own indicator is not on the district form
    staff.fill("[name='i1_value']", "260.5")
    staff.fill("[name='i3_numerator']", "95")
    staff.fill("[name='i3_denominator']", "260.5")
    staff.click("button[value='submit']")
    assert staff.locator(".messages").inner_text().startswith("已提交")

    # the official approves and sees the new plan's overview; the 14th plan's final review is still there
    boss = browser.new_context().new_page()
    log_in(boss, live_server, "official")
    boss.goto(f"{live_server.url}/entry/shizhong/2026-Q3/")
    boss.click("form[action$='/approve/'] button[type=submit]")
    assert "已审核通过" in boss.locator(".messages").inner_text()
    assert Progress.objects.filter(indicator__plan__code=CODE, scope="shizhong", year=2026, quarter=3,
                                   indicator__number=1, value=260.5).exists()
    boss.goto(f"{live_server.url}/")
    assert boss.locator("main h1").inner_text().startswith(NAME)
    assert boss.locator("[data-testid=indicator-card]").count() == 3
    assert boss.locator("[data-testid=plan-switcher] option").count() == 2
    boss.goto(f"{live_server.url}/reviews/?plan={OLD}&scope=city&year=2025&quarter=4")
    assert boss.get_by_test_id("review-title").inner_text() == "乐山市“十四五”现代服务业发展规划实施情况总结评估报告"
