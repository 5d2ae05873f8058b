"""The whole quarter in a real browser: staff enter and submit, the official returns with a reason, staff fix and
resubmit, the official approves, and the city progress of the corrected indicator is computed."""
import pytest

from indicators.models import Progress, Submission
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VALUES = {"i1_value": "420.5", "i2_value": "6.8", "i3_numerator": "120", "i3_denominator": "400",
          "i4_numerator": "30", "i4_denominator": "60", "i5_value": "310", "i6_value": "7.1", "i7_value": "550",
          "i8_value": "60", "i9_numerator": "20", "i9_denominator": "900", "i12_numerator": "45",
          "i12_denominator": "900", "i13_value": "8", "i14_value": "3", "i15_value": "70"}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def test_enter_submit_return_fix_resubmit_approve(live_server, page, browser, staff_shizhong, official):
    form_url = f"{live_server.url}/entry/shizhong/2023-Q3/"

    # county staff: from their entry home to the quarter, type the figures (one in full-width digits), submit
    log_in(page, live_server, "staff_shizhong")
    page.goto(f"{live_server.url}/entry/?year=2023")
    page.click("tr[data-quarter='3'] a")
    assert page.url == form_url
    assert "1—9月累计 / cumulative January–September" in page.content()
    for name, value in VALUES.items():
        page.fill(f"[name='{name}']", value)
    page.fill("[name='i8_value']", "６０")
    page.click("button[value='submit']")
    assert page.locator(".messages").inner_text().startswith("已提交")
    assert "已报送 submitted" in page.locator("[data-testid=status]").inner_text()

    # the official returns it with a reason
    boss = browser.new_context().new_page()
    log_in(boss, live_server, "official")
    boss.goto(form_url)
    boss.fill("#id_reason", "餐饮规模应为61亿元，请核实后重报")
    boss.click("form[action$='/return/'] button[type=submit]")
    assert "已退回" in boss.locator(".messages").inner_text()

    # staff see the reason, fix the figure and resubmit
    page.goto(form_url)
    assert "餐饮规模应为61亿元，请核实后重报" in page.locator("[data-testid=return-reason]").inner_text()
    assert page.input_value("[name='i8_value']") == "60"
    page.fill("[name='i8_value']", "61")
    page.fill("[name='i8_comment']", "按市统计局口径更正")
    page.click("button[value='submit']")
    assert page.locator(".messages").inner_text().startswith("已提交")

    # the official approves; the quarter is locked and the city progress exists
    boss.goto(form_url)
    boss.click("form[action$='/approve/'] button[type=submit]")
    assert "已审核通过" in boss.locator(".messages").inner_text()
    assert Submission.objects.get().status == Submission.Status.APPROVED
    city = Progress.objects.get(indicator__number=8, scope="city", basis="latest", year=2023, quarter=3)
    assert city.value == 61.0

    page.goto(form_url)
    assert "审核通过并锁定" in page.locator("[data-testid=locked]").inner_text()
    assert page.locator("[name='i8_value']").is_disabled()
    page.goto(f"{form_url}history/8/")
    history = page.locator("table.history-table").inner_text()
    assert "60.00 亿元" in history and "61.00 亿元" in history and "按市统计局口径更正" in history
