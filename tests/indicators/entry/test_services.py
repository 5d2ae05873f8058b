"""indicators.entry services: rules, workflow, locking, conflicts, audit, approval → progress; reminders."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import translation

from districts.models import District, Plan
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
    assert validation.convention(ind[1], 3) == "1—9月累计"
    with translation.override("en"):
        assert validation.convention(ind[1], 3) == "cumulative for months 1–9"
    assert "可比价" in validation.convention(ind[2], 1)
    with translation.override("en"):
        assert "comparable prices" in validation.convention(ind[2], 1)


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
    assert record.history_change_reason == "保存草稿：草稿→草稿"  # stored in Chinese only
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
    assert "不能低于上一季度累计（300.00 亿元）" in message and "为年内累计数" in message
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
    assert "保存被拒绝" in info.value.message and "也没有覆盖他人的数据" in info.value.message
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
    assert "管理员" in info.value.message and "请联系管理员重新开放" in info.value.message
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
    assert values[1].reason == "提交：已退回→已报送"
    statuses = [(e.old, e.new, e.who, e.comment) for e in events if e.kind == "status"]
    assert ("已报送", "已退回", "official", "请核实") in statuses
    assert statuses[-1][:2] == ("已退回", "已报送")
    with translation.override("en"):  # the same history on an English page: one language, the note as typed
        events = entry_reads.value_history(plan, shizhong, 2023, 3, ind[1])
    assert [e.reason for e in events if e.kind == "value"][1] == "Submit: returned→submitted"
    statuses = [(e.old, e.new, e.reason) for e in events if e.kind == "status"]
    assert ("submitted", "returned", "Return: submitted→returned · 请核实") in statuses


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


# ---------------------------------------------------------------------------- issue 14: no figure lost

def _city_values(ind):
    return {ind[n].id: {"value": v} for n, v in ((2, "7.4"), (6, "9.1"), (10, "12.5"))}


def test_an_approval_names_the_revision_it_approves(plan, submitted, staff_shizhong, official, make_user, ind,
                                                    shizhong):
    """The official's page showed revision r (100.1); meanwhile the quarter was returned and resubmitted with
    999.9: approving r is refused, nothing is versioned, and approving what is now shown works."""
    seen = rev(submitted)
    colleague = make_user("official_2", "official")
    entry.submission_return(submission=submitted, user=colleague, reason="请核实", expected_revision=seen)
    save(submitted, staff_shizhong, full_values(ind, {1: {"value": D("999.9"), "comment": "更正"}}), submit=True)
    with pytest.raises(validation.StaleDecisionError) as info:
        entry.submission_approve(submission=submitted, user=official, expected_revision=seen)
    assert "未执行" in info.value.message and "staff_shizhong" in info.value.message
    assert info.value.current_revision == rev(submitted) and rev(submitted) == seen + 2
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED
    assert not ObservationVersion.objects.exists()
    with pytest.raises(validation.StaleDecisionError):  # a return is a decision too
        entry.submission_return(submission=submitted, user=official, reason="x", expected_revision=seen)
    entry.submission_approve(submission=submitted, user=official, expected_revision=rev(submitted))
    assert obs(ind, shizhong, 1).versions.get().value == D("999.9")


def test_the_city_figures_need_four_eyes(plan, ind, official, make_user, admin_user):
    city = entry.submission_get_or_create(plan=plan, district=None, year=2023, quarter=3)
    colleague = make_user("official_2", "official")
    save(city, official, {ind[2].id: {"value": "7.4"}})  # entered by one official …
    save(city, colleague, {ind[6].id: {"value": "9.1"}, ind[10].id: {"value": "12.5"}}, submit=True)  # … the other
    for author in (official, colleague):
        with pytest.raises(validation.WorkflowError) as info:
            entry.submission_approve(submission=city, user=author, expected_revision=rev(city))
        assert "不能由本人审核" in info.value.message
    assert rev(city) == 2 and Submission.objects.get(pk=city.pk).status == Submission.Status.SUBMITTED
    assert entry.submission_approve(submission=city, user=admin_user, expected_revision=rev(city)).status == "approved"


def test_the_city_figures_of_another_official_are_approved_by_an_official(plan, ind, official, make_user):
    author = make_user("official_2", "official")
    city = entry.submission_get_or_create(plan=plan, district=None, year=2023, quarter=3)
    save(city, author, _city_values(ind), submit=True)
    assert entry.submission_approve(submission=city, user=official, expected_revision=rev(city)).status == "approved"


def test_a_change_against_the_approved_value_it_replaces_needs_a_comment(plan, submitted, official, admin_user,
                                                                         staff_shizhong, ind, settings):
    """Approved 420.5, reopened; 999.9 is within 30% of nothing else but far from what it replaces."""
    settings.ENTRY_CHANGE_WARNING_PCT = 30
    entry.submission_approve(submission=submitted, user=official, expected_revision=rev(submitted))
    entry.submission_reopen(submission=submitted, user=admin_user, reason="统计局更正")
    result = save(submitted, staff_shizhong, {ind[1].id: {"value": "999.9"}})
    assert len(result.warnings) == 1
    assert "将被替换的已审核数值（420.50 亿元）" in result.warnings[0] and "变化 137.8%" in result.warnings[0]
    with pytest.raises(validation.EntryValidationError) as info:
        save(submitted, staff_shizhong, full_values(ind, {1: {"value": "999.9"}}), submit=True)
    assert "将被替换的已审核数值" in info.value.errors[ind[1].id]["comment"][0]
    values = full_values(ind, {1: {"value": "999.9", "comment": "统计局更正口径"}})
    assert save(submitted, staff_shizhong, values, submit=True).submission.status == Submission.Status.SUBMITTED


def test_a_change_is_checked_against_the_comparable_figure_and_the_replaced_one(plan, shizhong, ind, official,
                                                                                 staff_shizhong, settings):
    settings.ENTRY_CHANGE_WARNING_PCT = 30
    _approved_last_year(plan, shizhong, ind, staff_shizhong, official, 1, "300")
    figures = validation.figures_around(plan, shizhong, 2023, [ind[1]])
    checks = validation.plausibility(ind[1], D("420.5"), year=2023, quarter=3, figures=figures)
    assert [c.against for c in checks] == ["comparable"]
    assert validation.plausibility(ind[1], D("350"), year=2023, quarter=3, figures=figures) == []


def test_a_demo_value_is_filled_in_not_replaced(plan, ind, shizhong, staff_shizhong, settings):
    from indicators.loaders import demo

    settings.ENTRY_CHANGE_WARNING_PCT = 30
    demo.demo_load(plan=plan, indicator_numbers=[15], district_codes=["shizhong"])
    demo_value = Observation.objects.get(indicator=ind[15], district=shizhong, year=2023, quarter=3).value
    figures = validation.figures_around(plan, shizhong, 2023, [ind[15]])
    checks = validation.plausibility(ind[15], demo_value * 3, year=2023, quarter=3, figures=figures)
    assert "replaced" not in [c.against for c in checks]


def test_figures_approved_over_demo_figures_are_no_longer_counted_as_demo(plan, ind, shizhong, staff_shizhong,
                                                                         official, settings):
    """Found in a browser walk: after a quarter entered over the demo figures was approved, the district page's
    reporting table read 已审核指标 0 / 13, 13 演示, while every figure shown was the approved one."""
    from indicators.figures import selectors as figure_reads
    from indicators.loaders import demo

    settings.ENTRY_CHANGE_WARNING_PCT = 10_000  # the test's own figures are far from the demo ones: no comments asked
    demo.demo_load(plan=plan, indicator_numbers=list(range(1, 16)), district_codes=["shizhong"])
    assert figure_reads.figure_counts(plan, 2023, shizhong)[(shizhong.id, 3)] == (0, 13)
    submission = sub_for(plan, shizhong)
    save(submission, staff_shizhong, full_values(ind), submit=True)
    assert figure_reads.figure_counts(plan, 2023, shizhong)[(shizhong.id, 3)] == (0, 13)  # not approved yet
    entry.submission_approve(submission=submission, user=official, expected_revision=rev(submission))
    assert figure_reads.figure_counts(plan, 2023, shizhong)[(shizhong.id, 3)] == (13, 0)
    assert figure_reads.figure_counts(plan, 2023, shizhong)[(shizhong.id, 2)] == (0, 13)  # other quarters: demo


@pytest.mark.parametrize("typed, warned", [("1000000000000", True), ("-1000000000000", True), ("50.1", True),
                                           ("-50.1", True), ("50", False), ("-12.3", False), ("8.6", False)])
def test_a_growth_rate_beyond_the_plausible_range_warns(plan, shizhong, ind, staff_shizhong, settings, typed,
                                                       warned):
    settings.ENTRY_RATE_PLAUSIBLE_RANGE = 50
    result = save(sub_for(plan, shizhong), staff_shizhong, {ind[2].id: {"value": typed}})
    assert bool(result.warnings) == warned, result.warnings
    if warned:
        assert "超出 ±50 个百分点的合理范围" in result.warnings[0]
        with pytest.raises(validation.EntryValidationError):
            save(sub_for(plan, shizhong), staff_shizhong, full_values(ind, {2: {"value": typed}}), submit=True)


def test_the_plausible_range_of_a_rate_is_a_setting(plan, shizhong, ind, staff_shizhong, settings):
    settings.ENTRY_RATE_PLAUSIBLE_RANGE = 10
    assert save(sub_for(plan, shizhong), staff_shizhong, {ind[2].id: {"value": "12"}}).warnings


def test_only_a_comment_typed_for_this_entry_is_offered_again(plan, submitted, official, admin_user,
                                                              staff_shizhong, ind, shizhong):
    def comment_of(number):
        sub = entry_reads.submission_find(plan, shizhong, 2023, 3)
        rows = entry_reads.form_rows(plan, shizhong, 2023, 3, submission=sub)
        return next(r.comment for r in rows if r.indicator.number == number)

    entry.submission_return(submission=submitted, user=official, reason="请补充说明", expected_revision=rev(submitted))
    save(submitted, staff_shizhong, {ind[1].id: {"value": "420.5", "comment": "新增两家商场"}})
    assert comment_of(1) == "新增两家商场"  # typed in this round (before and after a return)
    save(submitted, staff_shizhong, full_values(ind, {1: {"value": "420.5", "comment": "新增两家商场"}}),
         submit=True)
    entry.submission_approve(submission=submitted, user=official, expected_revision=rev(submitted))
    entry.submission_reopen(submission=submitted, user=admin_user, reason="更正")
    assert comment_of(1) == ""  # the approved round's comment does not explain the next figure
    assert obs(ind, shizhong, 1).comment == "新增两家商场"  # … and it is not lost


def test_a_demo_comment_is_never_offered(plan, ind, shizhong):
    from indicators.loaders import demo

    demo.demo_load(plan=plan, indicator_numbers=[1], district_codes=["shizhong"])
    assert Observation.objects.filter(indicator=ind[1], district=shizhong, comment="演示数据").exists()
    rows = entry_reads.form_rows(plan, shizhong, 2023, 3, submission=None)
    assert next(r for r in rows if r.indicator.number == 1).comment == ""


def test_a_partial_save_keeps_the_valid_values_and_the_typed_text_of_the_others(plan, shizhong, ind,
                                                                                 staff_shizhong):
    sub = sub_for(plan, shizhong)
    values = {ind[1].id: {"value": "420.5"}, ind[5].id: {"value": "三百", "comment": "待核"},
              ind[3].id: {"numerator": "500", "denominator": "400"}}
    result = entry.entry_save(submission=sub, user=staff_shizhong, expected_revision=0, values=values, submit=False,
                              partial=True)
    assert set(result.errors) == {ind[5].id, ind[3].id}
    assert obs(ind, shizhong, 1).value == D("420.5")
    assert not Observation.objects.filter(indicator__in=[ind[5], ind[3]]).exists()
    sub.refresh_from_db()
    assert sub.invalid_input == {str(ind[5].id): {"value": "三百", "comment": "待核"},
                                 str(ind[3].id): {"numerator": "500", "denominator": "400"}}
    # sent twice (a double click): stored once
    again = entry.entry_save(submission=sub, user=staff_shizhong, expected_revision=0, values=values, submit=False,
                             partial=True)
    assert again.duplicate and set(again.errors) == {ind[5].id, ind[3].id} and rev(sub) == 1
    # without partial the same values are refused as a whole (uploads, the services' default)
    with pytest.raises(validation.EntryValidationError):
        entry.entry_save(submission=sub, user=staff_shizhong, expected_revision=1, values=values, submit=False)
    assert rev(sub) == 1


def test_a_conflict_names_the_fields_changed_since_and_the_resolution_needs_a_choice(plan, shizhong, ind,
                                                                                      staff_shizhong, make_user):
    colleague = make_user("staff_shizhong_2", "staff", "shizhong")
    sub = sub_for(plan, shizhong)
    save(sub, staff_shizhong, {ind[1].id: {"value": "100"}, ind[7].id: {"value": "500"}}, revision=0)
    save(sub, colleague, {ind[1].id: {"value": "111"}}, revision=1)
    mine = {ind[1].id: {"value": "222"}, ind[7].id: {"value": "550"}}
    with pytest.raises(validation.ConflictError) as info:
        save(sub, staff_shizhong, mine, revision=1)
    [conflict] = info.value.conflicts  # 7 was not changed since revision 1: the form's 550 is the user's own
    assert (conflict.indicator_id, conflict.part, conflict.stored, conflict.who) == (ind[1].id, "value", D("111"),
                                                                                     "staff_shizhong_2")
    resolve = dict(plan=plan, district=shizhong, year=2023, quarter=3, user=staff_shizhong, base_revision=1,
                   values=mine, submit=False)
    with pytest.raises(validation.ConflictError) as info:
        entry.quarter_resolve(resolve_revision=2, picks={}, **resolve)
    assert [c.indicator_id for c in info.value.unpicked] == [ind[1].id]
    with pytest.raises(validation.ConflictError):  # a choice made on an older page
        entry.quarter_resolve(resolve_revision=1, picks={(ind[1].id, "value"): "mine"}, **resolve)
    assert (obs(ind, shizhong, 1).value, obs(ind, shizhong, 7).value) == (D("111"), D("500"))
    entry.quarter_resolve(resolve_revision=2, picks={(ind[1].id, "value"): "stored"}, **resolve)
    assert (obs(ind, shizhong, 1).value, obs(ind, shizhong, 7).value) == (D("111"), D("550"))


def test_decisions_are_mailed_to_the_districts_staff_after_the_commit(plan, submitted, official, staff_shizhong,
                                                                      make_user, settings,
                                                                      django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff_shizhong.email = "shizhong@example.org"
    staff_shizhong.save()
    other = make_user("e1", "staff", "emeishan")
    other.email = "emeishan@example.org"
    other.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entry.submission_return(submission=submitted, user=official, reason="旅游收入口径不一致",
                                expected_revision=rev(submitted))
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["shizhong@example.org"]
    assert "市中区 2023年第三季度数据已被退回" in message.subject
    assert "旅游收入口径不一致" in message.body and "/entry/shizhong/2023-Q3/" in message.body
    mail.outbox.clear()
    submitted.refresh_from_db()
    save(submitted, staff_shizhong, full_values(ind_of(plan)), submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        entry.submission_approve(submission=submitted, user=official, expected_revision=rev(submitted))
    assert [m.to for m in mail.outbox] == [["shizhong@example.org"]] and "审核通过" in mail.outbox[0].subject


def ind_of(plan):
    return {i.number: i for i in Indicator.objects.filter(plan=plan)}


def test_an_admin_revises_an_approved_figure_with_old_new_and_why(plan, submitted, official, admin_user, ind,
                                                                  shizhong, staff_shizhong,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry.submission_approve(submission=submitted, user=official, expected_revision=rev(submitted))
    seen = rev(submitted)
    figure = obs(ind, shizhong, 1)
    with pytest.raises(PermissionDenied):
        entry.observation_revise(observation=figure, user=official, values={"value": "430"}, reason="更正")
    with pytest.raises(validation.EntryValidationError):
        entry.observation_revise(observation=figure, user=admin_user, values={"value": "430"}, reason=" ")
    with pytest.raises(validation.EntryValidationError):
        entry.observation_revise(observation=figure, user=admin_user, values={"value": "420.5"}, reason="同值")
    with django_capture_on_commit_callbacks(execute=True):
        version = entry.observation_revise(observation=figure, user=admin_user, values={"value": "430"},
                                           reason="统计局核定数更正")
    assert (version.value, version.recorded_by, version.note) == (D("430"), admin_user, "统计局核定数更正")
    figure.refresh_from_db()
    assert figure.value == D("430")
    record = figure.history.order_by("-history_date").first()
    assert record.history_user == admin_user
    assert record.history_change_reason == "管理员修订：420.50 亿元 → 430.00 亿元 · 原因：统计局核定数更正"
    event = [e for e in entry_reads.value_history(plan, shizhong, 2023, 3, ind[1]) if e.kind == "value"][-1]
    assert (event.old, event.new, event.who) == ("420.50 亿元", "430.00 亿元", "admin")
    assert "统计局核定数更正" in event.reason
    assert rev(submitted) == seen + 1  # a page opened before cannot decide on the old values
    assert Submission.objects.get(pk=submitted.pk).status == Submission.Status.APPROVED
    city = Progress.objects.get(indicator=ind[1], scope="city", basis="latest", year=2023, quarter=3)
    assert city.value == pytest.approx(430)
    draft = sub_for(plan, shizhong, quarter=2)
    save(draft, staff_shizhong, {ind[1].id: {"value": "200"}})
    with pytest.raises(validation.WorkflowError):  # a figure not approved is changed on the entry form
        entry.observation_revise(observation=obs(ind, shizhong, 1, quarter=2), user=admin_user,
                                 values={"value": "210"}, reason="x")


def test_the_reminder_task_reminds_the_plan_in_force_only(plan, monkeypatch, settings, staff_shizhong):
    """A draft or ended plan takes no figures: its districts are never reminded, whichever plan the task is given."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ENTRY_REMINDER_DAYS = 7
    staff_shizhong.email = "s@example.org"
    staff_shizhong.save()
    deadline = reminders.default_deadline(2024, 2)
    monkeypatch.setattr(reminders, "today", lambda: deadline - timedelta(days=7))
    from indicators.entry.tasks import remind_due_submissions

    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ENDED)
    assert remind_due_submissions.delay().get() == 0
    assert remind_due_submissions.delay(plan_id=plan.pk).get() == 0
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_FORCE)
    assert remind_due_submissions.delay(plan_id=plan.pk).get() == 1
    assert mail.outbox[0].to == ["s@example.org"]
