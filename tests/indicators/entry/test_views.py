"""Entry pages: who may open what, what a user sees, errors that keep the typed values, conflicts, double submits."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from districts.models import District
from indicators.entry import reminders
from indicators.entry import services as entry
from indicators.models import (
    Indicator,
    Observation,
    ObservationVersion,
    Progress,
    Submission,
)

pytestmark = pytest.mark.django_db
D = Decimal
FORM = "/entry/shizhong/2023-Q3/"
VALID = {"i1_value": "420.5", "i2_value": "6.8", "i3_numerator": "120", "i3_denominator": "400",
         "i4_numerator": "30", "i4_denominator": "60", "i5_value": "310", "i6_value": "7.1", "i7_value": "550",
         "i8_value": "60", "i9_numerator": "20", "i9_denominator": "900", "i12_numerator": "45",
         "i12_denominator": "900", "i13_value": "8", "i14_value": "3", "i15_value": "70"}


NUMBERS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15)
COMMENTS = {f"i{n}_comment": "" for n in NUMBERS}  # a browser posts every field of the form, comments too
BLANK = {**{name: "" for name in VALID}, **COMMENTS}


def payload(revision=0, action="save", **fields):
    return {"revision": revision, "action": action, **VALID, **COMMENTS, **fields}


def blank(revision=0, action="save", **fields):
    """The whole form posted with only the given fields filled in."""
    return {"revision": revision, "action": action, **BLANK, **fields}


def revision_of(url_code="shizhong", year=2023, quarter=3) -> int:
    return Submission.objects.get(district__code=url_code, year=year, quarter=quarter).revision


@pytest.fixture
def users(plan, make_user, staff_shizhong, staff_emeishan, official, admin_user):
    return {"staff_own": staff_shizhong, "staff_other": staff_emeishan, "official": official, "admin": admin_user,
            "no_role": get_no_role_user()}


def get_no_role_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("nobody", password="x-Test-password-1")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def submitted(plan, staff_shizhong):
    """市中区 2023 Q3 submitted, so approve/return URLs have something to act on."""
    sub = entry.submission_get_or_create(plan=plan, district=District.objects.get(code="shizhong"), year=2023,
                                         quarter=3)
    response = client_for(staff_shizhong).post(FORM, payload(action="submit"))
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == Submission.Status.SUBMITTED
    return sub


# --------------------------------------------------------------------------- permission matrix
# (method, url, {role: expected status}); "login" = redirect to the login page.
DISTRICT_VIEW = {"anonymous": "login", "staff_own": 200, "staff_other": 403, "official": 200, "admin": 200,
                 "no_role": 403}
MATRIX = [
    ("get", "/entry/", {"anonymous": "login", "staff_own": 200, "staff_other": 200, "official": 200, "admin": 200,
                        "no_role": 403}),
    ("get", FORM, DISTRICT_VIEW),
    ("get", FORM + "history/1/", DISTRICT_VIEW),
    ("get", FORM + "template.xlsx", DISTRICT_VIEW),
    ("get", FORM + "upload/", {**DISTRICT_VIEW, "official": 403}),
    ("post", FORM + "upload/", {**DISTRICT_VIEW, "official": 403}),
    # the quarter is submitted: the page answers (200, "awaiting a decision") to those who may edit it
    ("post", FORM, {"anonymous": "login", "staff_own": 200, "staff_other": 403, "official": 403, "admin": 200,
                    "no_role": 403}),
    ("post", FORM + "approve/", {"anonymous": "login", "staff_own": 403, "staff_other": 403, "official": 302,
                                 "admin": 302, "no_role": 403}),
    ("post", FORM + "return/", {"anonymous": "login", "staff_own": 403, "staff_other": 403, "official": 302,
                                "admin": 302, "no_role": 403}),
    ("post", FORM + "reopen/", {"anonymous": "login", "staff_own": 403, "staff_other": 403, "official": 403,
                                "admin": 302, "no_role": 403}),
    ("get", FORM + "approve/", {"anonymous": "login", "staff_own": 405, "official": 405}),
    ("get", "/entry/city/2023-Q3/", {"anonymous": "login", "staff_own": 403, "staff_other": 403, "official": 200,
                                     "admin": 200, "no_role": 403}),
    ("get", "/entry/city/2023-Q3/upload/", {"anonymous": "login", "staff_own": 403, "official": 200, "admin": 200}),
    ("get", "/entry/emeishan/2023-Q3/", {"staff_own": 403, "staff_other": 200}),
    ("get", "/completeness/?year=2023", {"anonymous": "login", "staff_own": 403, "staff_other": 403,
                                         "official": 200, "admin": 200, "no_role": 403}),
    ("get", "/exports/figures.xlsx", {"anonymous": "login", "staff_own": 200, "staff_other": 200, "official": 200,
                                      "admin": 200, "no_role": 403}),
    ("get", "/exports/figures.csv", {"anonymous": "login", "staff_own": 200, "staff_other": 200, "official": 200,
                                     "admin": 200, "no_role": 403}),
    ("get", "/exports/figures.csv?district=shizhong", {"anonymous": "login", "staff_own": 200, "staff_other": 403,
                                                       "official": 200, "admin": 200, "no_role": 403}),
    ("get", "/exports/figures.xlsx?district=shizhong", {"staff_own": 200, "staff_other": 403, "official": 200}),
    ("get", "/exports/figures.csv?district=city", {"staff_own": 403, "official": 200}),
]


@pytest.mark.parametrize("method, url, expected", MATRIX, ids=[f"{m} {u}" for m, u, _e in MATRIX])
def test_permission_matrix(method, url, expected, users, submitted):
    for role, status in expected.items():
        client = client_for(None if role == "anonymous" else users[role])
        data = {}
        if method == "post":
            data = {"reason": "请核实", "comment": "", **payload(revision=submitted.revision)}
        response = getattr(client, method)(url, data)
        if status == "login":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), (role, url)
        else:
            assert response.status_code == status, (role, url, response.status_code)


def test_opening_another_districts_form_creates_nothing(users):
    assert client_for(users["staff_other"]).get(FORM).status_code == 403
    assert client_for(users["staff_other"]).post(FORM, payload()).status_code == 403
    assert Submission.objects.count() == 0 and Observation.objects.count() == 0


def test_staff_of_another_district_cannot_write_anything(users, submitted):
    client = client_for(users["staff_other"])
    before = list(Observation.objects.values_list("id", "value"))
    client.post(FORM, payload(revision=submitted.revision, i1_value="1"))
    client.post(FORM + "approve/")
    client.post(FORM + "return/", {"reason": "x"})
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED
    assert list(Observation.objects.values_list("id", "value")) == before


# ---------------------------------------------------------------------------------- the form

def test_form_shows_units_conventions_and_comparison_figures(plan, staff_shizhong, official, monkeypatch):
    client = client_for(staff_shizhong)
    # last year's Q3 approved, this year's Q2 as a draft
    last = "/entry/shizhong/2022-Q3/"
    assert client.post(last, payload(action="submit")).status_code == 302
    assert client_for(official).post(last + "approve/", {"revision": revision_of(year=2022)}).status_code == 302
    assert client.post("/entry/shizhong/2023-Q2/", blank(i1_value="280")).status_code == 302
    monkeypatch.setattr(reminders, "today", lambda: date(2023, 10, 15))
    page = client.get(FORM).content.decode()
    assert "1—9月累计" in page and "cumulative" not in page
    assert "单位：亿元" in page and "单位：户" in page and "Unit" not in page
    row = page.split('<tr data-indicator="1"')[1].split("</tr>")[0]
    assert "280.00 亿元" in row and "（未审核）" in row  # previous quarter, a draft
    assert "420.50 亿元" in row and "2022年第三季度" in row  # same quarter last year, approved
    assert "截止日期" in page and "2023-10-20" in page and "还剩 5 天" in page and "days left" not in page
    assert 'href="/entry/shizhong/2023-Q3/history/1/"' in page
    assert "保存草稿" in page and "提交审核" in page and "Save draft" not in page


def test_form_page_issues_a_fixed_number_of_queries(plan, staff_shizhong, django_assert_max_num_queries):
    client = client_for(staff_shizhong)
    with CaptureQueriesContext(connection) as empty:
        assert client.get(FORM).status_code == 200
    for url in ("/entry/shizhong/2022-Q3/", "/entry/shizhong/2023-Q2/", FORM):
        client.post(url, payload())
    with django_assert_max_num_queries(16):
        response = client.get(FORM)
    assert response.status_code == 200 and 'value="420.5"' in response.content.decode()
    with CaptureQueriesContext(connection) as full:
        client.get(FORM)
    assert len(full.captured_queries) <= len(empty.captured_queries) + 1  # + the submission's users


def test_a_form_with_errors_keeps_every_typed_value_and_names_the_fields(plan, staff_shizhong):
    """Issue 14 changed it: the valid fields are saved as a draft at once; the invalid ones keep their text."""
    typed = payload(i1_value="12,34.5", i5_value="三百", i3_numerator="500", i3_denominator="400", i13_value="8.5",
                    i7_value="１２３．５", i1_comment="口径说明：含高新区", i15_value="70户")
    client = client_for(staff_shizhong)
    response = client.post(FORM, typed)
    page = response.content.decode()
    assert response.status_code == 200
    for name, value in typed.items():
        if name in ("revision", "action"):
            continue
        if name.endswith("comment"):
            assert f"{value}</textarea>" in page, name
        else:
            assert f'name="{name}" value="{value}"' in page, (name, value)
    assert "「1. 服务业增加值」千分位分隔符位置不正确" in page
    assert "「5. 社会消费品零售总额」无法识别为数字：三百" in page
    # the rules are checked on the readable fields in the same round
    assert "「3. 生产性服务业增加值占服务业比重」分子应在0与分母之间" in page
    assert "「13. 数字经济核心产业规上企业数量」应为整数" in page
    assert "有效数据已保存为草稿" in page
    assert 'name="revision" value="1"' in page  # the next save goes on from the draft just stored
    stored = dict(Observation.objects.values_list("indicator__number", "value"))
    assert stored == {2: D("6.8"), 4: D("50"), 6: D("7.1"), 7: D("123.5"), 8: D("60"), 9: D("2.222222"),
                      12: D("5"), 14: D("3"), 15: D("70")}
    sub = Submission.objects.get()
    assert sub.status == Submission.Status.DRAFT and sub.revision == 1
    assert sub.invalid_input[str(Indicator.objects.get(number=1).id)] == {"value": "12,34.5",
                                                                            "comment": "口径说明：含高新区"}
    assert len(sub.invalid_input) == 4
    # domain rules (after parsing succeeds) keep the typed values too; a valid value replaces the typed text
    typed = payload(revision=1, i3_numerator="500", i3_denominator="400", i13_value="8.5", i1_value="１，２３４．５")
    page = client.post(FORM, typed).content.decode()
    assert "「3. 生产性服务业增加值占服务业比重」分子应在0与分母之间" in page
    assert "「13. 数字经济核心产业规上企业数量」应为整数" in page
    assert 'name="i3_numerator" value="500"' in page and 'name="i13_value" value="8.5"' in page
    assert Observation.objects.get(indicator__number=1).value == D("1234.5")
    sub.refresh_from_db()
    assert sorted(Indicator.objects.get(pk=int(k)).number for k in sub.invalid_input) == [3, 13]


def test_leaving_and_coming_back_shows_the_typed_text_and_its_message(plan, staff_shizhong):
    client = client_for(staff_shizhong)
    client.post(FORM, payload(i5_value="三百", i5_comment="待核"))
    page = client.get(FORM).content.decode()
    assert 'name="i5_value" value="三百"' in page and "待核</textarea>" in page
    assert "「5. 社会消费品零售总额」无法识别为数字：三百" in page
    assert 'data-testid="partial"' in page and 'name="i1_value" value="420.5"' in page
    assert not Observation.objects.filter(indicator__number=5).exists()
    # corrected: the number is stored and the typed text is gone
    assert client.post(FORM, payload(revision=1, i5_value="310")).status_code == 302
    assert Observation.objects.get(indicator__number=5).value == D("310")
    page = client.get(FORM).content.decode()
    assert "无法识别为数字" not in page and 'data-testid="partial"' not in page
    assert Submission.objects.get().invalid_input == {}


def test_a_submit_with_errors_saves_the_draft_and_does_not_submit(plan, staff_shizhong):
    response = client_for(staff_shizhong).post(FORM, payload(action="submit", i14_value="", i13_value="8.5"))
    page = response.content.decode()
    assert response.status_code == 200 and "未提交" in page
    assert "「14." in page and "请填写数字后再提交" in page and "应为整数" in page
    sub = Submission.objects.get()
    assert sub.status == Submission.Status.DRAFT
    assert Observation.objects.count() == 11  # all but 13 (invalid) and 14 (empty)


@pytest.mark.parametrize("missing", ["i1_value", "i1_comment", "i3_denominator"])
def test_a_post_that_leaves_a_field_out_is_refused_and_blanks_nothing(plan, staff_shizhong, missing):
    client = client_for(staff_shizhong)
    assert client.post(FORM, payload(i1_comment="初报")).status_code == 302
    before = list(Observation.objects.order_by("id").values_list("value", "numerator", "denominator", "comment"))
    data = payload(revision=1, i1_value="", i1_comment="", i3_numerator="", i3_denominator="")
    del data[missing]
    response = client.post(FORM, data)
    assert response.status_code == 400
    assert "表单不完整" in response.content.decode()
    assert list(Observation.objects.order_by("id").values_list("value", "numerator", "denominator",
                                                               "comment")) == before
    assert Submission.objects.get().revision == 1
    # the same form with every field present (empty on purpose) does blank them: absent is not empty
    data[missing] = ""
    assert client.post(FORM, data).status_code == 302
    assert Observation.objects.get(indicator__number=1).value is None


def test_full_width_input_is_stored_as_the_right_number(plan, staff_shizhong):
    client_for(staff_shizhong).post(FORM, blank(i1_value="１，２３４．５ 亿元", i14_value="３家"))
    values = dict(Observation.objects.values_list("indicator__number", "value"))
    assert values == {1: D("1234.5"), 14: D("3")}


def test_values_beyond_the_databases_precision_are_refused_and_fifteen_digits_come_back_exactly(plan,
                                                                                              staff_shizhong):
    """SQLite keeps a decimal as a double: 1234567890.123456 would be stored as 1234567890.12346. Refused on
    every database, Chinese first, nothing stored; 15 significant digits are stored and read back exactly."""
    client = client_for(staff_shizhong)
    response = client.post(FORM, payload(i1_value="1234567890.123456", i3_numerator="120.1234567"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "「1. 服务业增加值」有效数字过多（最多 15 位" in page
    assert "超出部分无法准确保存" in page and "too many significant digits" not in page  # Chinese only
    assert "（分子）」最多保留 6 位小数" in page and "at most 6 decimals" not in page
    assert 'name="i1_value" value="1234567890.123456"' in page
    # the other fields are kept as a draft (issue 14); the two refused ones are not stored
    stored = set(Observation.objects.values_list("indicator__number", flat=True))
    assert stored and 1 not in stored and 3 not in stored
    # the service refuses such a Decimal too, whoever calls it
    district = District.objects.get(code="shizhong")
    indicator_1 = plan.indicators.get(number=1)
    with pytest.raises(entry.EntryValidationError) as info:
        entry.quarter_save(plan=plan, district=district, year=2023, quarter=3, user=staff_shizhong,
                           expected_revision=Submission.objects.get(district=district, year=2023, quarter=3).revision,
                           values={indicator_1.id: {"value": D("1234567890.123456")}},
                           submit=False)
    assert "有效数字过多" in info.value.message
    assert not Observation.objects.filter(indicator__number=1).exists()

    assert client.post(FORM, payload(revision_of(), i1_value="123456789.123456",
                                     i5_value="999999999999.999")).status_code == 302
    stored = dict(Observation.objects.values_list("indicator__number", "value"))
    assert stored[1] == D("123456789.123456") and stored[5] == D("999999999999.999")


def test_two_sessions_saving_the_same_form_the_second_is_refused(plan, staff_shizhong, make_user):
    colleague = make_user("staff_shizhong_2", "staff", "shizhong")
    first, second = client_for(staff_shizhong), client_for(colleague)
    assert 'name="revision" value="0"' in first.get(FORM).content.decode()
    assert 'name="revision" value="0"' in second.get(FORM).content.decode()
    assert first.post(FORM, blank(i1_value="111")).status_code == 302
    response = second.post(FORM, blank(i1_value="222"))
    page = response.content.decode()
    assert response.status_code == 409
    assert "保存被拒绝" in page and "staff_shizhong" in page and "也没有覆盖他人的数据" in page
    assert 'name="i1_value" value="222"' in page  # the refused value is still on the screen
    assert "当前已保存：111.00 亿元" in page
    assert Observation.objects.get().value == D("111")
    # Issue 14 changed the rest: pressing Save again on the stale revision never overwrites the colleague's figure
    assert 'name="revision" value="0"' in page and 'name="resolve_revision" value="1"' in page
    assert second.post(FORM, blank(i1_value="222")).status_code == 409
    response = second.post(FORM, blank(i1_value="222", resolve_revision=1))  # no choice made: nothing saved
    assert response.status_code == 409 and "请选择保留哪一个数值" in response.content.decode()
    assert Observation.objects.get().value == D("111")
    assert second.post(FORM, blank(i1_value="222", resolve_revision=1, pick_i1_value="mine")).status_code == 302
    assert Observation.objects.get().value == D("222")


def test_a_conflict_shows_each_changed_field_with_who_and_when_and_keeps_what_is_chosen(plan, staff_shizhong,
                                                                                       make_user):
    colleague = make_user("staff_shizhong_2", "staff", "shizhong")
    colleague.first_name = "李四"
    colleague.save()
    mine = client_for(staff_shizhong)
    assert mine.post(FORM, blank(i1_value="100", i7_value="500")).status_code == 302
    # the colleague changes two figures and a comment after the page below was opened at revision 1
    assert client_for(colleague).post(FORM, blank(revision=1, i1_value="111", i5_value="310", i7_value="500",
                                                  i7_comment="含新开业景区")).status_code == 302
    response = mine.post(FORM, blank(revision=1, i1_value="222", i7_value="550", i8_value="60"))
    page = response.content.decode()
    assert response.status_code == 409
    picks = {block.split('"')[0]: block for block in page.split('data-conflict="')[1:]}
    # the figures the colleague saved, where the form differs (i8: not touched since the page was opened)
    assert set(picks) == {"i1_value", "i5_value", "i7_value", "i7_comment"}
    assert "111.00 亿元" in picks["i1_value"] and "李四" in picks["i1_value"] and "222" in picks["i1_value"]
    assert "310.00 亿元" in picks["i5_value"] and "含新开业景区" in picks["i7_comment"]
    when = Observation.objects.get(indicator__number=1).updated_at
    from django.utils import timezone
    assert timezone.localtime(when).strftime("%Y-%m-%d %H:%M:%S") in picks["i1_value"]
    assert Observation.objects.get(indicator__number=1).value == D("111")
    response = mine.post(FORM, blank(revision=1, resolve_revision=2, i1_value="222", i7_value="550", i8_value="60",
                                     pick_i1_value="stored", pick_i5_value="stored", pick_i7_value="mine",
                                     pick_i7_comment="stored"))
    assert response.status_code == 302
    values = {o.indicator.number: (o.value, o.comment) for o in Observation.objects.select_related("indicator")}
    assert values == {1: (D("111"), ""), 5: (D("310"), ""), 7: (D("550"), "含新开业景区"), 8: (D("60"), "")}


def test_double_submit_stores_once(plan, staff_shizhong):
    client = client_for(staff_shizhong)
    first = client.post(FORM, payload(action="submit"))
    second = client.post(FORM, payload(action="submit"), follow=True)
    assert first.status_code == 302
    assert "重复提交已忽略" in second.content.decode()
    sub = Submission.objects.get()
    assert sub.revision == 1 and sub.status == Submission.Status.SUBMITTED
    assert Observation.objects.count() == 13
    assert sum(o.history.count() for o in Observation.objects.all()) == 13


def test_returned_form_shows_the_reason_and_locked_form_says_who_can_reopen(plan, submitted, staff_shizhong,
                                                                             official, admin_user):
    staff, boss = client_for(staff_shizhong), client_for(official)
    assert boss.post(FORM + "return/", {"reason": "", "revision": 1}, follow=True).content.decode().count("请填写原因") == 1
    boss.post(FORM + "return/", {"reason": "餐饮规模与上季度口径不一致", "revision": 1})
    page = staff.get(FORM).content.decode()
    assert "餐饮规模与上季度口径不一致" in page and "已退回，请修改后重新提交" in page
    assert "<fieldset disabled" not in page
    staff.post(FORM, payload(revision=2, action="submit", i8_value="61"))
    boss.post(FORM + "approve/", {"comment": "同意", "revision": 3})
    page = staff.get(FORM).content.decode()
    assert "审核通过并锁定" in page and "管理员" in page and "请联系管理员重新开放" in page
    assert "<fieldset disabled" in page and "保存草稿" not in page
    assert ">重新开放</button>" not in boss.get(FORM).content.decode()
    assert ">重新开放</button>" in client_for(admin_user).get(FORM).content.decode()
    response = staff.post(FORM, payload(revision=4, i8_value="70"))
    assert "审核通过并锁定" in response.content.decode()
    assert Observation.objects.get(indicator__number=8).value == D("61")


def test_official_approval_through_the_page_updates_city_progress(plan, submitted, official,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(official).post(FORM + "approve/", {"comment": "ok", "revision": submitted.revision},
                                             follow=True)
    assert "已审核通过" in response.content.decode()
    assert ObservationVersion.objects.filter(kind="district").count() == 13
    assert Progress.objects.get(indicator__number=1, scope="city", basis="latest", year=2023, quarter=3).value == 420.5


def test_history_page_lists_who_when_old_new_and_comment(plan, submitted, staff_shizhong, official):
    client_for(official).post(FORM + "return/", {"reason": "请核实服务业增加值", "revision": submitted.revision})
    client_for(staff_shizhong).post(FORM, payload(revision=2, action="submit", i1_value="430", i1_comment="已核实"))
    page = client_for(official).get(FORM + "history/1/").content.decode()
    assert "420.50 亿元" in page and "430.00 亿元" in page and "已核实" in page
    assert "请核实服务业增加值" in page and "已退回" in page and "staff_shizhong" in page
    assert page.count('data-kind="value"') == 2


def test_entry_home_lists_quarters_deadlines_and_reminders(plan, staff_shizhong, monkeypatch, settings):
    settings.ENTRY_REMINDER_DAYS = 7
    monkeypatch.setattr(reminders, "today", lambda: date(2023, 10, 15))
    page = client_for(staff_shizhong).get("/entry/?year=2023").content.decode()
    assert "市中区" in page and 'data-testid="reminders"' in page
    assert "市中区 2023年第三季度" in page and "还剩 5 天" in page
    assert page.count("data-quarter=") == 4  # Q4 2023 has begun by 15 October
    assert 'href="/entry/shizhong/2023-Q3/"' in page
    monkeypatch.setattr(reminders, "today", lambda: date(2023, 10, 1))  # 19 days before: no reminder yet
    page = client_for(staff_shizhong).get("/entry/?year=2023").content.decode()
    notices = page.split('data-testid="reminders"')[1].split("</section>")[0]
    assert "2023年第三季度" not in notices
    assert "市中区 2023年第二季度</a>：" in notices and "已逾期 73 天" in notices  # Q2 was due on 20 July


def test_completeness_grid(plan, submitted, staff_emeishan, official, monkeypatch):
    client_for(staff_emeishan).post("/entry/emeishan/2023-Q3/", blank(i1_value="5"))
    from datetime import datetime
    from datetime import timezone as tz

    Submission.objects.filter(pk=submitted.pk).update(submitted_at=datetime(2023, 10, 18, 9, tzinfo=tz.utc))
    monkeypatch.setattr(reminders, "today", lambda: date(2023, 11, 1))
    page = client_for(official).get("/completeness/?year=2023").content.decode()

    def cell(code, quarter):
        row = page.split(f'data-district="{code}"')[1].split("</tr>")[0]
        return row.split(f'data-quarter="{quarter}"')[1].split("</td>")[0]

    assert 'data-status="submitted" data-timeliness="on_time"' in cell("shizhong", 3)
    assert 'data-status="draft" data-timeliness="overdue"' in cell("emeishan", 3)
    Submission.objects.filter(pk=submitted.pk).update(submitted_at=datetime(2023, 10, 21, 9, tzinfo=tz.utc))
    page = client_for(official).get("/completeness/?year=2023").content.decode()
    assert 'data-timeliness="late"' in cell("shizhong", 3) and "逾期报送" in cell("shizhong", 3)
    assert "已逾期" in cell("emeishan", 3)
    assert "未开始" in cell("mabian", 3)
    assert 'href="/entry/emeishan/2023-Q3/"' in cell("emeishan", 3)
    assert page.count("<tr data-district=") == 13  # the city row + 12 districts


def _approve(plan, code, official, value):
    client = Client()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=f"staff_{code}")
    client.force_login(user)
    client.post(f"/entry/{code}/2023-Q3/", payload(action="submit", i1_value=value))
    client_for(official).post(f"/entry/{code}/2023-Q3/approve/", {"revision": revision_of(code)})


def test_exports_official_all_staff_own_district_only(plan, staff_shizhong, staff_emeishan, official):
    _approve(plan, "shizhong", official, "420.5")
    _approve(plan, "emeishan", official, "300")
    response = client_for(official).get("/exports/figures.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 26
    first = next(r for r in rows if r["地区代码"] == "shizhong" and r["指标序号"] == "1")
    assert (first["指标"], first["单位"], first["数值"]) == ("服务业增加值", "亿元", "420.5")
    staff_rows = list(csv.DictReader(io.StringIO(
        client_for(staff_shizhong).get("/exports/figures.csv").content.decode().lstrip("\ufeff"))))
    assert {r["地区代码"] for r in staff_rows} == {"shizhong"} and len(staff_rows) == 13
    wb = load_workbook(io.BytesIO(client_for(official).get("/exports/figures.xlsx").content))
    ws = wb["已审核数据"]
    assert ws.max_row == 27 and ws["A1"].value == "指标序号"
    staff_wb = load_workbook(io.BytesIO(client_for(staff_emeishan).get("/exports/figures.xlsx").content))
    assert {r[4] for r in staff_wb["已审核数据"].iter_rows(min_row=2, values_only=True)} == {"emeishan"}


def test_drafts_and_submissions_are_not_exported(plan, submitted, official):
    rows = client_for(official).get("/exports/figures.csv").content.decode().lstrip("\ufeff").splitlines()
    assert len(rows) == 1  # the header only


def test_template_is_filled_with_the_stored_values(plan, staff_shizhong):
    client = client_for(staff_shizhong)
    client.post(FORM, payload())
    response = client.get(FORM + "template.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="entry-shizhong-2023-Q3.xlsx"'
    ws = load_workbook(io.BytesIO(response.content))["填报"]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    assert [r[3] for r in rows] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15]
    assert rows[0][:8] == ("shizhong", 2023, 3, 1, "服务业增加值", "亿元", "1—9月累计",
                           420.5)
    assert rows[2][8:10] == (120, 400)


def test_unknown_quarter_or_district_is_404(plan, official):
    client = client_for(official)
    assert client.get("/entry/shizhong/2031-Q1/").status_code == 404
    assert client.get("/entry/shizhong/2023-Q5/").status_code == 404
    assert client.get("/entry/atlantis/2023-Q1/").status_code == 404
    assert client.get("/entry/shizhong/2023-Q3/history/99/").status_code == 404


def test_city_form_is_entered_and_approved_by_officials(plan, official, make_user,
                                                        django_capture_on_commit_callbacks):
    """Issue 14 changed it: the official who entered the city's figures cannot approve them; another one does."""
    client = client_for(official)
    page = client.get("/entry/city/2023-Q4/").content.decode()
    assert page.count('<tr data-indicator="') == 5  # rates 2, 6, 10; annual index 11 and trade 16 in Q4
    assert "全年指数，按公布值填写" in page
    data = {"revision": 0, "action": "submit", "i2_value": "7.4", "i6_value": "9.1", "i10_value": "12.5",
            "i11_value": "58", "i16_value": "100.2", **{f"i{n}_comment": "" for n in (2, 6, 10, 11, 16)}}
    assert client.post("/entry/city/2023-Q4/", data).status_code == 302
    page = client.get("/entry/city/2023-Q4/").content.decode()
    assert 'data-testid="four-eyes"' in page and "entry:approve" not in page and "/approve/" not in page
    page = client.post("/entry/city/2023-Q4/approve/", {"revision": 1}, follow=True).content.decode()
    assert "四眼原则" in page
    sub = Submission.objects.get(district__isnull=True)
    assert sub.status == Submission.Status.SUBMITTED
    colleague = client_for(make_user("official_2", "official"))
    assert "/approve/" in colleague.get("/entry/city/2023-Q4/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        colleague.post("/entry/city/2023-Q4/approve/", {"revision": 1})
    sub.refresh_from_db()
    assert sub.status == Submission.Status.APPROVED
    assert ObservationVersion.objects.filter(observation__district__isnull=True).count() == 5


def test_user_text_is_escaped_on_the_form_and_in_the_history(plan, staff_shizhong, official):
    client = client_for(staff_shizhong)
    client.post(FORM, payload(i1_comment="<script>alert(1)</script>"))
    for page in (client.get(FORM).content.decode(), client.get(FORM + "history/1/").content.decode()):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ------------------------------------------------------------------------- issue 14: the official's side

def test_a_stale_approval_is_refused_and_the_current_values_are_shown(plan, submitted, staff_shizhong, official,
                                                                      make_user):
    boss = client_for(official)
    page = boss.get(FORM).content.decode()
    decision = page.split('data-testid="decision"')[1]
    assert f'name="revision" value="{submitted.revision}"' in decision  # the approval names what it approves
    assert "420.5" in page
    colleague = client_for(make_user("official_2", "official"))
    colleague.post(FORM + "return/", {"reason": "请核实", "revision": submitted.revision})
    client_for(staff_shizhong).post(FORM, payload(revision=2, action="submit", i1_value="999.9",
                                                  i1_comment="统计局更正"))
    response = boss.post(FORM + "approve/", {"revision": submitted.revision, "comment": "同意"}, follow=True)
    page = response.content.decode()
    assert "未执行" in page and "staff_shizhong" in page
    assert 'name="i1_value" value="999.9"' in page  # the page now shows what would be approved
    assert Submission.objects.get().status == Submission.Status.SUBMITTED
    assert not ObservationVersion.objects.exists()
    page = boss.post(FORM + "approve/", {"comment": "同意"}, follow=True).content.decode()  # no revision at all
    assert "表单已过期" in page and Submission.objects.get().status == Submission.Status.SUBMITTED
    assert boss.post(FORM + "approve/", {"revision": 3}).status_code == 302
    assert Submission.objects.get().status == Submission.Status.APPROVED


def test_the_review_screen_shows_the_replaced_value_the_changes_and_the_warnings(plan, staff_shizhong, official,
                                                                                 admin_user, settings):
    settings.ENTRY_CHANGE_WARNING_PCT = 30
    staff, boss = client_for(staff_shizhong), client_for(official)
    last = "/entry/shizhong/2022-Q3/"
    staff.post(last, payload(action="submit", i7_value="500"))
    boss.post(last + "approve/", {"revision": 1})
    staff.post("/entry/shizhong/2023-Q2/", payload(action="submit", i15_value="68", i1_value="300",
                                                   i7_value="380", i4_numerator="26", i4_denominator="50"))
    staff.post(FORM, payload(action="submit", i7_value="550", i15_value="70"))
    boss.post(FORM + "approve/", {"revision": 1})
    client_for(admin_user).post(FORM + "reopen/", {"reason": "统计局更正", "revision": 2})
    # 1 is corrected from 420.5 to 999.9 (explained); 15 stays within 30% of 68
    assert staff.post(FORM, payload(revision=3, action="submit", i1_value="999.9", i1_comment="统计局更正口径",
                                    i7_value="550", i15_value="70")).status_code == 302
    page = boss.get(FORM).content.decode()

    def row(number):
        return page.split(f'<tr data-indicator="{number}"')[1].split("</tr>")[0]

    def cell(number, testid):
        return row(number).split(f'data-testid="{testid}"')[1].split("</td>")[0]

    assert "420.50 亿元" in cell(1, "replaced")  # the approved value it replaces, not "—"
    assert 'class="warn"' in cell(1, "replaced") and "需核实" in cell(1, "replaced")
    assert "将被替换的已审核数值（420.50 亿元）" in cell(1, "value")
    assert row(1).startswith(' class="') and "warn" in row(1).split(">")[0]
    # a flow is cumulative: 1—9月 against 1—6月 is no growth, so no change is shown against the previous quarter
    assert "300.00 亿元" in cell(1, "previous") and "变化" not in cell(1, "previous")
    assert "累计数，不作环比" in cell(1, "previous")
    assert "550.00 亿元" in cell(7, "replaced") and "需核实" not in row(7)
    assert "变化" not in cell(7, "previous") and "变化 +10.0%" in cell(7, "last-year")
    assert "70 户" in cell(15, "replaced") and "变化 +2.9%" in cell(15, "previous") and "需核实" not in row(15)
    assert "变化 +0.00 个百分点" in cell(2, "last-year")  # a growth rate changes in percentage points
    assert "变化 −2.00 个百分点" in cell(4, "previous")  # so does a share: 52% → 50%, not −3.8%
    assert "统计局更正口径" in row(1)
    page = boss.get("/entry/shizhong/2023-Q2/").content.decode()  # never approved: nothing is replaced
    assert "无（首次审核）" in cell(1, "replaced")


def test_the_form_never_offers_an_earlier_comment(plan, staff_shizhong, official, settings):
    from indicators.loaders import demo

    settings.ENTRY_CHANGE_WARNING_PCT = 30
    demo.demo_load(plan=plan, indicator_numbers=[1, 15], district_codes=["shizhong"])
    page = client_for(staff_shizhong).get(FORM).content.decode()
    assert "演示数据</textarea>" not in page
    assert "此前的备注（不作为本次说明）：演示数据" in page  # shown, not offered as the explanation
    client = client_for(staff_shizhong)
    last = "/entry/shizhong/2022-Q3/"
    client.post(last, payload(action="submit", i1_value="300"))
    client_for(official).post(last + "approve/", {"revision": 1})
    response = client.post(FORM, payload(action="submit", i1_value="420.5"))
    assert "请在备注中说明原因" in response.content.decode()
    assert Submission.objects.get(year=2023, quarter=3).status == Submission.Status.DRAFT


def test_the_share_is_previewed_by_the_server_and_the_browser_script(plan, staff_shizhong):
    client = client_for(staff_shizhong)
    page = client.post(FORM, payload(i3_numerator="120", i3_denominator="199.87", i5_value="三百")).content.decode()
    preview = page.split('data-share-preview="3"')[1].split("</span>")[0]
    assert "= 60.04%" in preview
    assert '<script src="/static/js/entry.js"></script>' in page
    assert "<script>" not in page.split("<body>")[1]  # no inline script (the Content-Security-Policy)
    from django.contrib.staticfiles import finders

    assert "data-share-preview" in open(finders.find("js/entry.js"), encoding="utf-8").read()


def test_the_inbox_lists_the_submissions_awaiting_review_oldest_first(plan, staff_shizhong, staff_emeishan,
                                                                      official, make_user):
    from datetime import datetime
    from datetime import timezone as tz

    client_for(staff_emeishan).post("/entry/emeishan/2023-Q3/", payload(action="submit"))
    client_for(staff_shizhong).post(FORM, payload(action="submit"))
    client_for(staff_shizhong).post("/entry/shizhong/2023-Q2/", payload(action="submit", i1_value="300"))
    Submission.objects.filter(district__code="shizhong", quarter=3).update(
        submitted_at=datetime(2023, 10, 1, tzinfo=tz.utc))
    boss = client_for(official)
    page = boss.get("/entry/inbox/").content.decode()
    rows = page.split('data-testid="inbox"')[1].split("<tr data-code=")[1:]
    assert [r.split(">")[0] for r in rows] == ['"shizhong" data-quarter="2023-Q3"', '"emeishan" data-quarter="2023-Q3"',
                                               '"shizhong" data-quarter="2023-Q2"']
    assert 'href="/entry/shizhong/2023-Q3/"' in rows[0]
    assert 'data-testid="inbox-count">3</span>' in page
    # the count is on every page's menu, for officials only
    assert 'data-testid="inbox-count">3</span>' in boss.get("/entry/").content.decode()
    boss.post(FORM + "approve/", {"revision": 1})
    assert 'data-testid="inbox-count">2</span>' in boss.get("/completeness/").content.decode()
    assert "inbox-count" not in client_for(staff_shizhong).get("/entry/").content.decode()
    assert client_for(staff_shizhong).get("/entry/inbox/").status_code == 403


def test_staff_see_returns_and_approvals_and_the_quarter_due_on_their_entry_home(plan, staff_shizhong, official,
                                                                                 monkeypatch):
    monkeypatch.setattr(reminders, "today", lambda: date(2023, 10, 15))
    staff, boss = client_for(staff_shizhong), client_for(official)
    staff.post("/entry/shizhong/2023-Q2/", payload(action="submit", i1_value="300"))
    staff.post(FORM, payload(action="submit"))
    boss.post("/entry/shizhong/2023-Q2/return/", {"reason": "第8项口径不一致", "revision": 1})
    boss.post(FORM + "approve/", {"revision": 1})
    page = staff.get("/entry/?year=2023").content.decode()
    decisions = page.split('data-testid="decisions"')[1].split("</section>")[0]
    returned = decisions.split('data-status="returned"')[1].split("</li>")[0]
    assert "2023年第二季度" in returned and "已退回" in returned and "第8项口径不一致" in returned
    assert "official" in returned
    assert "2023年第三季度" in decisions.split('data-status="approved"')[1] and "已审核通过" in decisions
    due = page.split('data-testid="due"')[1].split("</div>")[0]
    assert "本期应报" in due and "2023年第三季度" in due and "2023-10-20" in due
    assert '<tr data-quarter="3" class="due">' in page and '<tr data-quarter="2">' in page
    # resubmitted: the return notice goes
    staff.post("/entry/shizhong/2023-Q2/", payload(revision=2, action="submit", i1_value="300"))
    page = staff.get("/entry/?year=2023").content.decode()
    assert "第8项口径不一致" not in page.split('data-testid="decisions"')[1].split("</section>")[0]
