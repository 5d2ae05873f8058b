"""The whole quarter in a real browser: staff enter and submit, the official returns with a reason, staff fix and
resubmit, the official approves, and the city progress of the corrected indicator is computed; a draft that keeps
what was typed, the official's inbox and the decision back on the staff's entry home."""
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
    assert "1—9月累计" in page.content()
    for name, value in VALUES.items():
        page.fill(f"[name='{name}']", value)
    page.fill("[name='i8_value']", "６０")
    page.click("button[value='submit']")
    assert page.locator(".messages").inner_text().startswith("已提交")
    assert "已报送" in page.locator("[data-testid=status]").inner_text()

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


def test_a_draft_keeps_what_was_typed_and_the_decision_comes_back(live_server, page, browser, staff_shizhong,
                                                                 official, settings):
    """Issue 14: staff type 13 figures with one bad, leave, come back and find the 12 saved and the bad one as
    typed with its message; the official finds the quarter in the inbox (counted in the menu), sees the change
    against last year highlighted and approves; staff find the approval on their entry home."""
    from decimal import Decimal

    from districts.models import District
    from indicators.entry import services as entry
    from indicators.models import Indicator, Observation

    settings.ENTRY_CHANGE_WARNING_PCT = 30
    shizhong = District.objects.get(code="shizhong")
    ind = {i.number: i for i in Indicator.objects.all()}
    last = entry.submission_get_or_create(plan=shizhong.plan, district=shizhong, year=2022, quarter=3)
    entry.entry_save(submission=last, user=staff_shizhong, expected_revision=0, submit=True,
                     values={ind[1].id: {"value": Decimal("300")}})
    entry.submission_approve(submission=last, user=official, expected_revision=1)
    form_url = f"{live_server.url}/entry/shizhong/2023-Q3/"

    log_in(page, live_server, "staff_shizhong")
    page.goto(form_url)
    for name, value in VALUES.items():
        page.fill(f"[name='{name}']", value)
    assert page.inner_text("[data-share-preview='3']") == "= 30.00%"  # computed in the browser as typed
    page.fill("[name='i3_denominator']", "199.87")
    assert page.inner_text("[data-share-preview='3']") == "= 60.04%"
    page.fill("[name='i5_value']", "三百")
    page.click("button[value='save']")
    assert "有效数据已保存为草稿" in page.locator("[data-testid=partial]").inner_text()
    assert Observation.objects.filter(district=shizhong, year=2023, quarter=3).count() == 12

    page.goto(f"{live_server.url}/entry/?year=2023")  # leave …
    page.goto(form_url)  # … and come back
    assert page.input_value("[name='i5_value']") == "三百"
    assert "无法识别为数字：三百" in page.locator("tr[data-indicator='5']").inner_text()
    assert page.input_value("[name='i1_value']") == "420.5" and page.input_value("[name='i3_denominator']") == "199.87"
    assert page.inner_text("[data-share-preview='3']") == "= 60.04%"  # and again from the server
    page.fill("[name='i5_value']", "310")
    page.fill("[name='i1_comment']", "新增两家大型商场")
    page.click("button[value='submit']")
    assert page.locator(".messages").inner_text().startswith("已提交")

    boss = browser.new_context().new_page()
    log_in(boss, live_server, "official")
    assert boss.inner_text("[data-testid=inbox-count]") == "1"
    boss.click("[data-testid=inbox-link]")
    boss.click("tr[data-code='shizhong'] a")
    assert boss.url == form_url
    last_year = boss.locator("tr[data-indicator='1'] [data-testid=last-year]")
    assert "warn" in last_year.get_attribute("class") and "需核实" in last_year.inner_text()
    assert "变化 +40.2%" in last_year.inner_text()
    boss.click("form[action$='/approve/'] button[type=submit]")
    assert "已审核通过" in boss.locator(".messages").inner_text()
    assert boss.inner_text("[data-testid=inbox-count]") == "0"

    page.goto(f"{live_server.url}/entry/?year=2023")
    notice = page.locator("[data-testid=decisions] li[data-status='approved']").first.inner_text()  # newest first
    assert "2023年第三季度" in notice and "已审核通过" in notice
