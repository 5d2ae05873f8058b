"""indicators.entry services: rules, workflow, locking, conflicts, audit, approval → progress; reminders."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from districts.models import District
from indicators.entry import reminders, validation
from indicators.entry import selectors as entry_reads
from indicators.entry import services as entry
from indicators.models import (
    Indicator,
    Observation,
    ObservationVersion,
    Progress,
    ReportingPeriod,
    Submission,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shizhong(plan):
    return District.objects.get(plan=plan, code="shizhong")


@pytest.fixture
def ind(plan):
    return {i.number: i for i in Indicator.objects.filter(plan=plan)}


def sub_for(plan, district, year=2023, quarter=3):
    return entry.submission_get_or_create(plan=plan, district=district, year=year, quarter=quarter)


def full_values(ind, over=None):
    """A complete, valid district form for Q3 (numbers keyed by indicator number)."""
    values = {1: {"value": D("420.5")}, 2: {"value": D("6.8")}, 3: {"numerator": D("120"), "denominator": D("400")},
              4: {"numerator": D("30"), "denominator": D("60")}, 5: {"value": D("310")}, 6: {"value": D("7.1")},
              7: {"value": D("550")}, 8: {"value": D("60")}, 9: {"numerator": D("20"), "denominator": D("900")},
              12: {"numerator": D("45"), "denominator": D("900")}, 13: {"value": D("8")}, 14: {"value": D("3")},
              15: {"value": D("70")}}
    values.update(over or {})
    return {ind[n].id: v for n, v in values.items()}


def save(submission, user, values, submit=False, revision=None):
    submission.refresh_from_db()
    return entry.entry_save(submission=submission, user=user, values=values, submit=submit,
                            expected_revision=submission.revision if revision is None else revision)


def rev(submission) -> int:
    """The submission's revision now: what a page opened now would show (every decision names it)."""
    submission.refresh_from_db()
    return submission.revision


def obs(ind, district, number, year=2023, quarter=3):
    return Observation.objects.get(indicator=ind[number], district=district, year=year, quarter=quarter)


# ------------------------------------------------------------------------------------ which fields

def test_district_form_lists_the_by_district_indicators(plan, shizhong):
    numbers = [i.number for i in validation.form_indicators(plan, shizhong, 3)]
    assert numbers == [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15]


def test_city_form_lists_city_only_rates_and_annual_indicators_in_q4(plan):
    assert [i.number for i in validation.form_indicators(plan, None, 3)] == [2, 6, 10]
    assert [i.number for i in validation.form_indicators(plan, None, 4)] == [2, 6, 10, 11, 16]


def test_flow_convention_is_stated_in_words(ind):
    assert validation.convention(ind[1], 3) == "1—9月累计 / cumulative January–September"
    assert "可比价" in validation.convention(ind[2], 1) and "comparable prices" in validation.convention(ind[2], 1)


# --------------------------------------------------------------------------------------- saving

def test_draft_save_stores_values_raises_revision_and_keeps_history(plan, shizhong, ind, staff_shizhong):
    sub = sub_for(plan, shizhong)
    result = save(sub, staff_shizhong, {ind[1].id: {"value": "１,２３４．５亿元", "comment": "初报"}})
    assert result.changed == 1
    o = obs(ind, shizhong, 1)
    assert o.value == D("1234.5") and o.comment == "初报" and o.submission_id == sub.id
    sub.refresh_from_db()
    assert sub.revision == 1 and sub.status == Submission.Status.DRAFT
    record = o.history.get()
    assert record.history_user == staff_shizhong
    assert record.history_change_reason == "保存草稿 save draft: draft→draft"
    assert sub.history.first().history_user == staff_shizhong


def test_share_value_is_computed_from_numerator_and_denominator(plan, shizhong, ind, staff_shizhong):
    save(sub_for(plan, shizhong), staff_shizhong, {ind[3].id: {"numerator": "120", "denominator": "400"}})
    o = obs(ind, shizhong, 3)
    assert (o.numerator, o.denominator, o.value) == (D("120"), D("400"), D("30"))


@pytest.mark.parametrize("number, values, field, words", [
    (3, {"numerator": "500", "denominator": "400"}, "numerator", "分子应在0与分母之间"),
    (3, {"numerator": "-1", "denominator": "400"}, "numerator", "分子应在0与分母之间"),
    (3, {"numerator": "1", "denominator": "0"}, "denominator", "分母必须大于0"),
    (3, {"numerator": "1"}, "denominator", "请同时填写分子和分母"),
    (13, {"value": "12.5"}, "value", "应为整数"),
    (13, {"value": "-3"}, "value", "不能为负数"),
    (1, {"value": "-3"}, "value", "不能为负数"),
    (1, {"value": "abc"}, "value", "无法识别为数字"),
    (1, {"value": "5万元"}, "value", "单位应为「亿元」"),
])
def test_rule_breaks_are_refused_and_nothing_is_stored(plan, shizhong, ind, staff_shizhong, number, values, field,
                                                       words):
    sub = sub_for(plan, shizhong)
    with pytest.raises(validation.EntryValidationError) as info:
        save(sub, staff_shizhong, {ind[5].id: {"value": "100"}, ind[number].id: values})
    messages = info.value.errors[ind[number].id][field]
    assert any(words in m for m in messages), messages
    assert messages[0].startswith(f"「{number}. {ind[number].name}")  # names the field, Chinese first
    assert not Observation.objects.filter(district=shizhong).exists()
    sub.refresh_from_db()
    assert sub.revision == 0


def test_a_cumulative_flow_must_not_fall_within_a_year(plan, shizhong, ind, staff_shizhong):
    save(sub_for(plan, shizhong, quarter=2), staff_shizhong, {ind[1].id: {"value": "300"}})
    with pytest.raises(validation.EntryValidationError) as info:
        save(sub_for(plan, shizhong, quarter=3), staff_shizhong, {ind[1].id: {"value": "299.99"}})
    message = info.value.errors[ind[1].id]["value"][0]
    assert "不能低于上一季度累计（300.00 亿元）" in message and "cannot fall within a year" in message
    save(sub_for(plan, shizhong, quarter=3), staff_shizhong, {ind[1].id: {"value": "300"}})  # equal is fine


def test_submit_needs_every_number(plan, shizhong, ind, staff_shizhong):
    values = full_values(ind)
    del values[ind[14].id]
    values[ind[3].id] = {}
    with pytest.raises(validation.EntryValidationError) as info:
        save(sub_for(plan, shizhong), staff_shizhong, values, submit=True)
    assert "请填写数字后再提交" in info.value.errors[ind[3].id]["numerator"][0]
    assert ind[14].id not in info.value.errors  # left out of the values: not part of this save
    values[ind[3].id] = {"numerator": "1", "denominator": "2"}
    values[ind[14].id] = {"value": "3"}
    result = save(sub_for(plan, shizhong), staff_shizhong, values, submit=True)
    assert result.submission.status == Submission.Status.SUBMITTED
    assert result.submission.submitted_by == staff_shizhong and result.submission.submitted_at is not None


def _approved_last_year(plan, shizhong, ind, staff, official, number, value):
    last = sub_for(plan, shizhong, year=2022)
    save(last, staff, {ind[number].id: {"value": value}}, submit=False)
    last.refresh_from_db()
    last.status = Submission.Status.SUBMITTED
    last.save()
    entry.submission_approve(submission=last, user=official, expected_revision=rev(last))


def test_a_large_change_needs_a_comment_to_submit(plan, shizhong, ind, staff_shizhong, official, settings):
    settings.ENTRY_CHANGE_WARNING_PCT = 30
    _approved_last_year(plan, shizhong, ind, staff_shizhong, official, 1, "300")
    sub = sub_for(plan, shizhong)
    # a draft goes through, with a warning
    result = save(sub, staff_shizhong, {ind[1].id: {"value": "420.5"}})
    assert len(result.warnings) == 1 and "变化 40.2%，超过 30%" in result.warnings[0]
    assert "2022年第三季度（300.00 亿元）" in result.warnings[0]
    # submitting needs the comment
    with pytest.raises(validation.EntryValidationError) as info:
        save(sub, staff_shizhong, full_values(ind), submit=True)
    assert "请在备注中说明原因" in info.value.errors[ind[1].id]["comment"][0]
    values = full_values(ind, {1: {"value": D("420.5"), "comment": "新增两家大型商场"}})
    assert save(sub, staff_shizhong, values, submit=True).submission.status == Submission.Status.SUBMITTED


def test_stock_change_is_measured_against_the_previous_quarter(plan, shizhong, ind, staff_shizhong, settings):
    settings.ENTRY_CHANGE_WARNING_PCT = 30
    save(sub_for(plan, shizhong, quarter=2), staff_shizhong, {ind[15].id: {"value": "50"}})
    result = save(sub_for(plan, shizhong), staff_shizhong, {ind[15].id: {"value": "70"}})
    assert "与2023年第二季度（50 户）相比变化 40.0%" in result.warnings[0]
    assert not save(sub_for(plan, shizhong), staff_shizhong, {ind[15].id: {"value": "64"}}).warnings


# ------------------------------------------------------------------------------- concurrency

def test_the_later_of_two_saves_from_the_same_revision_is_refused(plan, shizhong, ind, staff_shizhong):
    sub = sub_for(plan, shizhong)
    save(sub, staff_shizhong, {ind[1].id: {"value": "111"}}, revision=0)
    with pytest.raises(validation.ConflictError) as info:
        save(sub, staff_shizhong, {ind[1].id: {"value": "222"}}, revision=0)
    assert "保存被拒绝" in info.value.message and "nothing was overwritten" in info.value.message
    assert info.value.current_revision == 1
    assert obs(ind, shizhong, 1).value == D("111")
    assert obs(ind, shizhong, 1).history.count() == 1


def test_the_same_save_sent_twice_is_stored_once(plan, shizhong, ind, staff_shizhong):
    sub = sub_for(plan, shizhong)
    values = full_values(ind)
    first = save(sub, staff_shizhong, values, submit=True, revision=0)
    second = save(sub, staff_shizhong, values, submit=True, revision=0)
    assert not first.duplicate and second.duplicate
    sub.refresh_from_db()
    assert sub.revision == 1
    assert sub.history.count() == 2  # created, then submitted once
    assert obs(ind, shizhong, 1).history.count() == 1


def test_staff_cannot_save_another_district(plan, ind, staff_emeishan, shizhong):
    with pytest.raises(PermissionDenied):
        save(sub_for(plan, shizhong), staff_emeishan, {ind[1].id: {"value": "1"}})
    assert not Observation.objects.exists()


def test_an_indicator_not_on_the_form_is_refused(plan, shizhong, ind, staff_shizhong):
    with pytest.raises(validation.EntryValidationError) as info:
        save(sub_for(plan, shizhong), staff_shizhong, {ind[10].id: {"value": "5"}})
    assert "不属于本表" in info.value.general[0]


# ---------------------------------------------------------------------------------- workflow

@pytest.fixture
def submitted(plan, shizhong, ind, staff_shizhong):
    sub = sub_for(plan, shizhong)
    save(sub, staff_shizhong, full_values(ind), submit=True)
    sub.refresh_from_db()
    return sub


def test_submitted_figures_cannot_be_edited_until_returned(submitted, staff_shizhong, ind, official):
    with pytest.raises(validation.WorkflowError) as info:
        save(submitted, staff_shizhong, {ind[1].id: {"value": "1"}})
    assert "等待市级部门审核" in info.value.message
    with pytest.raises(validation.EntryValidationError):
        entry.submission_return(submission=submitted, user=official, reason="   ",
                                expected_revision=rev(submitted))
    returned = entry.submission_return(submission=submitted, user=official, reason="旅游总收入与统计局口径不一致",
                                       expected_revision=rev(submitted))
    assert returned.status == Submission.Status.RETURNED
    assert returned.return_reason == "旅游总收入与统计局口径不一致" and returned.decided_by == official
    save(returned, staff_shizhong, {ind[7].id: {"value": "560"}}, submit=False)
    returned.refresh_from_db()
    assert returned.status == Submission.Status.RETURNED  # still with the district until resubmitted


def test_staff_cannot_approve_or_return(submitted, staff_shizhong):
    with pytest.raises(PermissionDenied):
        entry.submission_approve(submission=submitted, user=staff_shizhong, expected_revision=rev(submitted))
    with pytest.raises(PermissionDenied):
        entry.submission_return(submission=submitted, user=staff_shizhong, reason="x",
                                expected_revision=rev(submitted))


def test_approval_versions_the_figures_locks_the_quarter_and_updates_progress(
        plan, submitted, official, ind, shizhong, staff_shizhong, django_capture_on_commit_callbacks):
    assert not Progress.objects.filter(indicator=ind[1]).exists()  # only approved figures count
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        approved = entry.submission_approve(submission=submitted, user=official, comment="数据核对无误",
                                            expected_revision=rev(submitted))
    assert len(callbacks) == 1  # the recompute is queued after the commit, once
    assert approved.status == Submission.Status.APPROVED
    versions = ObservationVersion.objects.filter(observation__district=shizhong)
    assert versions.count() == 13
    v1 = versions.get(observation__indicator=ind[1])
    assert (v1.kind, v1.value, v1.recorded_by, v1.note) == ("district", D("420.5"), official, "数据核对无误")
    city = Progress.objects.get(indicator=ind[1], scope="city", basis="latest", year=2023, quarter=3)
    assert city.value == pytest.approx(420.5)
    assert Progress.objects.filter(indicator=ind[1], scope="shizhong", year=2023, quarter=3).exists()
    # locked
    with pytest.raises(validation.LockedError) as info:
        save(approved, staff_shizhong, {ind[1].id: {"value": "1"}})
    assert "管理员" in info.value.message and "only an administrator" in info.value.message
    with pytest.raises(validation.LockedError):
        entry.submission_approve(submission=approved, user=official, expected_revision=rev(approved))
    assert ObservationVersion.objects.filter(observation__district=shizhong).count() == 13


def test_reopen_is_for_admins_and_reapproval_versions_only_what_changed(submitted, official, admin_user, ind,
                                                                        shizhong, staff_shizhong):
    entry.submission_approve(submission=submitted, user=official, expected_revision=rev(submitted))
    with pytest.raises(PermissionDenied):
        entry.submission_reopen(submission=submitted, user=official, reason="更正")
    with pytest.raises(validation.EntryValidationError):
        entry.submission_reopen(submission=submitted, user=admin_user, reason="")
    reopened = entry.submission_reopen(submission=submitted, user=admin_user, reason="统计局更正了旅游收入")
    assert reopened.status == Submission.Status.RETURNED and reopened.return_reason == "统计局更正了旅游收入"
    save(reopened, staff_shizhong, full_values(ind, {7: {"value": D("555")}}), submit=True)
    entry.submission_approve(submission=reopened, user=official, expected_revision=rev(reopened))
    assert ObservationVersion.objects.filter(observation__district=shizhong).count() == 14
    assert list(obs(ind, shizhong, 7).versions.values_list("value", flat=True)) == [D("550"), D("555")]


def test_value_history_shows_who_when_old_new_status_and_comment(submitted, official, ind, shizhong, plan,
                                                                  staff_shizhong):
    entry.submission_return(submission=submitted, user=official, reason="请核实", expected_revision=rev(submitted))
    save(submitted, staff_shizhong, full_values(ind, {1: {"value": D("430"), "comment": "已核实"}}), submit=True)
    events = entry_reads.value_history(plan, shizhong, 2023, 3, ind[1])
    values = [e for e in events if e.kind == "value"]
    assert [(e.old, e.new) for e in values] == [("—", "420.50 亿元"), ("420.50 亿元", "430.00 亿元")]
    assert values[1].who == "staff_shizhong" and values[1].comment == "已核实"
    assert "returned→submitted" in values[1].reason
    statuses = [(e.old, e.new, e.who, e.comment) for e in events if e.kind == "status"]
    assert ("已报送 submitted", "已退回 returned", "official", "请核实") in statuses
    assert statuses[-1][:2] == ("已退回 returned", "已报送 submitted")


def test_submission_get_or_create_is_idempotent_and_checks_the_period(plan, shizhong):
    first = sub_for(plan, shizhong)
    assert sub_for(plan, shizhong) == first
    assert entry.submission_get_or_create(plan=plan, district=None, year=2023, quarter=3).district is None
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError):
        sub_for(plan, shizhong, year=2031)


# --------------------------------------------------------------------------------- reminders

def test_reminders_mail_the_districts_not_submitted_n_days_before_the_deadline(plan, shizhong, ind, make_user,
                                                                               staff_shizhong, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ENTRY_REMINDER_DAYS = 5
    ReportingPeriod.objects.create(plan=plan, year=2023, quarter=3, deadline=date(2023, 10, 20))
    staff_shizhong.email = "shizhong@example.org"
    staff_shizhong.save()
    emeishan = make_user("e1", "staff", "emeishan")
    emeishan.email = "emeishan@example.org"
    emeishan.save()
    make_user("no_mail", "staff", "jiajiang")  # no address: no e-mail, still on the list
    save(sub_for(plan, District.objects.get(code="emeishan")), emeishan, {}, submit=False)

    due = reminders.due_reminders(plan, on=date(2023, 10, 15))
    assert {(r.district_code, r.days_left) for r in due if r.quarter == 3} == {
        (d.code, 5) for d in District.objects.filter(plan=plan)}
    from indicators.entry.tasks import remind_due_submissions

    assert remind_due_submissions.apply(kwargs={"plan_id": None}).get() == 0  # not the right day (today)
    assert reminders.send_due_reminders(plan, on=date(2023, 10, 14)) == 0  # 6 days before: not yet
    assert reminders.send_due_reminders(plan, on=date(2023, 10, 15)) == 2
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["emeishan@example.org", "shizhong@example.org"]
    message = next(m for m in mail.outbox if m.to == ["shizhong@example.org"])
    assert message.subject.startswith("【填报提醒】市中区 2023年第三季度数据尚未报送")
    assert "/entry/shizhong/2023-Q3/" in message.body and "还剩 5 天" in message.body

    # a district that has submitted is no longer reminded
    mail.outbox.clear()
    save(sub_for(plan, shizhong), staff_shizhong, full_values(ind), submit=True)
    assert reminders.send_due_reminders(plan, on=date(2023, 10, 15)) == 1
    assert [m.to for m in mail.outbox] == [["emeishan@example.org"]]


def test_the_reminder_task_runs_for_today(plan, monkeypatch, settings, staff_shizhong):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ENTRY_REMINDER_DAYS = 7
    staff_shizhong.email = "s@example.org"
    staff_shizhong.save()
    deadline = reminders.default_deadline(2024, 2)
    monkeypatch.setattr(reminders, "today", lambda: deadline - timedelta(days=7))
    from indicators.entry.tasks import remind_due_submissions

    assert remind_due_submissions.delay().get() == 1
    assert mail.outbox[0].to == ["s@example.org"] and "2024年第二季度" in mail.outbox[0].subject


def test_timeliness():
    deadline = date(2023, 10, 20)
    from datetime import datetime
    from datetime import timezone as tz

    on_time = datetime(2023, 10, 20, 10, tzinfo=tz.utc)
    late = datetime(2023, 10, 21, 10, tzinfo=tz.utc)
    assert reminders.timeliness(status="submitted", submitted_at=on_time, deadline=deadline, on=date(2024, 1, 1)) == "on_time"
    assert reminders.timeliness(status="approved", submitted_at=late, deadline=deadline, on=date(2024, 1, 1)) == "late"
    assert reminders.timeliness(status="draft", submitted_at=None, deadline=deadline, on=date(2023, 10, 21)) == "overdue"
    assert reminders.timeliness(status=None, submitted_at=None, deadline=deadline, on=date(2023, 10, 20)) == "open"


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_postgresql_exactly_one_wins(plan, shizhong, ind, staff_shizhong, make_user):
    """Two requests saving the same revision at the same moment: one stores, the other gets a conflict."""
    import threading

    from django.db import connection, connections

    from tests.conftest import require

    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    colleague = make_user("staff_shizhong_2", "staff", "shizhong")
    sub = sub_for(plan, shizhong)
    barrier = threading.Barrier(2)
    outcomes = {}

    def attempt(user, value):
        try:
            barrier.wait()
            entry.entry_save(submission=sub, user=user, expected_revision=0, values={ind[1].id: {"value": value}},
                             submit=False)
            outcomes[value] = "saved"
        except validation.ConflictError:
            outcomes[value] = "conflict"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(staff_shizhong, "111")),
               threading.Thread(target=attempt, args=(colleague, "222"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(v for v, outcome in outcomes.items() if outcome == "saved")
    assert obs(ind, shizhong, 1).value == D(winner)
    sub.refresh_from_db()
    assert sub.revision == 1
