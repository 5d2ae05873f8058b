"""A task's half-year in a real browser (issue 16): an official assigns task 16 to 市商务局 with 市中区 supporting;
the department's staff report with an evidence file, 市中区's staff add their part, the official returns the report
with a reason, the department resubmits, the official approves; the ledger, the department page and the review
show it. Another department can neither see nor change the task."""
import pytest

from projects.models import TaskReport
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def test_assign_report_support_return_resubmit_approve(live_server, page, browser, tasks_plan, official,
                                                       dept_commerce, staff_shizhong, make_user):
    make_user("dept_science", "department", department_code="science")
    report_url = f"{live_server.url}/tasks/16/2023-H1/"

    # the official assigns the task from the ledger
    boss = browser.new_context().new_page()
    log_in(boss, live_server, "official")
    boss.click("[data-testid=tasks-link]")
    boss.click("tr[data-task='16'] td:nth-child(2) a")
    assert "加强金融风险防范化解。加强对地方金融风险的监测" in boss.locator("[data-testid=task-text]").inner_text()
    boss.click("[data-testid=assign-link]")
    boss.select_option("#id_lead", "department:commerce")
    boss.check("input[name=supporting][value='district:shizhong']")
    boss.fill("#id_milestones", "2023：建立地方金融风险监测台账")
    boss.click("[data-testid=assign-save]")
    assert boss.locator("[data-testid=lead]").inner_text() == "市商务局"
    assert boss.locator("[data-testid=supporting]").inner_text() == "市中区"

    # the department's staff: their page lists the task as due; they report with a file and save a draft
    log_in(page, live_server, "dept_commerce")
    page.click("[data-testid=department-link]")
    assert "16. 加强金融风险防范化解" in page.locator("[data-testid=led]").inner_text()
    page.goto(report_url)
    assert "建立地方金融风险监测台账" in page.content()
    page.select_option("#id_progress", "on_schedule")
    page.fill("#id_narrative", "已建立监测台账，覆盖全市地方金融组织")
    page.set_input_files("#id_files", files=[{"name": "监测台账.pdf", "mimeType": "application/pdf",
                                                "buffer": b"%PDF-1.4\n%ledger\n"}])
    page.click("button[value=save]")
    assert "已保存草稿" in page.locator(".messages").inner_text()
    assert "监测台账.pdf" in page.locator("[data-testid=evidence]").inner_text()

    # 市中区's staff add their part
    county = browser.new_context().new_page()
    log_in(county, live_server, "staff_shizhong")
    county.click("[data-testid=tasks-link]")
    assert county.locator("tr[data-task]").count() == 1
    county.goto(report_url)
    county.fill("#id_narrative", "市中区已完成辖区小贷公司风险排查")
    county.click("[data-testid=part-save]")
    assert "市中区已完成辖区小贷公司风险排查" in county.locator("[data-testid=contributions]").inner_text()

    # the department submits; the official returns it with a reason
    page.goto(report_url)
    page.click("[data-testid=report-submit]")
    assert "已报送" in page.locator("[data-testid=report-state]").inner_text()
    boss.goto(f"{live_server.url}/tasks/")
    assert boss.locator("[data-testid=task-inbox-count]").inner_text() == "1"
    boss.click("[data-testid=task-inbox-link]")
    boss.click("[data-testid=task-inbox] a")
    assert "市中区已完成辖区小贷公司风险排查" in boss.locator("[data-testid=contributions]").inner_text()
    boss.fill("#id_reason", "请补充风险处置案例")
    boss.click("[data-testid=return]")
    assert "已退回" in boss.locator(".messages").inner_text()

    # the department sees the reason, completes the narrative and resubmits; the official approves
    page.goto(report_url)
    assert "请补充风险处置案例" in page.locator("[data-testid=return-reason]").inner_text()
    assert page.input_value("#id_narrative") == "已建立监测台账，覆盖全市地方金融组织"
    page.fill("#id_narrative", "已建立监测台账，处置风险事件2起")
    page.click("[data-testid=report-submit]")
    boss.goto(report_url)
    boss.click("[data-testid=approve]")
    assert "已审核通过" in boss.locator(".messages").inner_text()
    assert TaskReport.objects.get().state == "approved"
    page.goto(report_url)
    assert "审核通过并锁定" in page.locator("[data-testid=locked]").inner_text()
    assert page.locator("[data-testid=report-form]").count() == 0

    # the ledger, the department page and the review show it
    boss.goto(f"{live_server.url}/tasks/?year=2023&half=1")
    assert boss.locator("tr[data-task='16'] .light").inner_text() == "按序时推进"
    assert "light-green" in boss.locator("tr[data-task='16'] .light").get_attribute("class")
    boss.goto(f"{live_server.url}/departments/commerce/?year=2023&half=1")
    assert "按序时推进" in boss.locator("[data-testid=led] tr[data-task='16']").inner_text()
    boss.goto(f"{live_server.url}/reviews/?scope=city&year=2023&quarter=2")
    assert boss.locator("[data-testid=review-tasks-sentence]").inner_text() == (
        "58项重点任务中，已完成0项，按序时推进1项，滞后0项，未启动0项，未报送0项，尚未分配牵头单位57项。")
    history = boss.goto(f"{live_server.url}/tasks/16/") and boss.locator("[data-testid=history]").inner_text()
    assert "请补充风险处置案例" in history and "— / — → 市商务局 / 市中区" in history

    # another department sees nothing of it and cannot change it
    other = browser.new_context().new_page()
    log_in(other, live_server, "dept_science")
    other.click("[data-testid=tasks-link]")
    assert other.locator("tr[data-task]").count() == 0
    assert other.goto(f"{live_server.url}/tasks/16/").status == 403
    assert other.goto(report_url).status == 403
    assert other.goto(f"{live_server.url}/departments/commerce/").status == 403
