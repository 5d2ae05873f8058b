"""Plan lifecycle and reporting calendar (issue 15): a draft is put in force (the plan in force before it ends, one
plan in force at a time), the plan in force is ended, each move refused with its reason when a check fails; the
reporting periods of the plan in force are generated from its years and its indicators' frequencies (idempotent);
entry offers only the quarters of the plan's calendar and names the quarter due now."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from districts.models import District, Plan
from indicators.entry import reminders, validation
from indicators.entry.services import submission_get_or_create
from indicators.figures.selectors import current_plan, plan_in_force
from indicators.models import Indicator, Pillar, ReportingPeriod
from indicators.plans import schedule
from indicators.plans.services import (
    PlanLifecycleError,
    plan_end,
    plan_put_in_force,
    reporting_periods_generate,
)

pytestmark = pytest.mark.django_db
DECEMBER_2026 = date(2026, 12, 2)


def draft(code="next", start=2026, end=2030, *, quarterly=True, districts=True) -> Plan:
    plan = Plan.objects.create(code=code, name=f"规划 {code}", start_year=start, end_year=end, base_year=start - 1)
    pillar = Pillar.objects.create(plan=plan, code="scale", name="规模")
    Indicator.objects.create(plan=plan, pillar=pillar, number=1, name="服务业增加值", unit="亿元", measure="flow",
                             target_year=end, target_value=Decimal("1900"), target_text="1900亿元",
                             target_kind="at_least", baseline_text="未给出", quarterly=quarterly)
    if districts:
        District.objects.create(plan=plan, code="shizhong", name="市中区", order=1)
    return plan


# ------------------------------------------------------------------------------------------ lifecycle

def test_putting_a_draft_in_force_ends_the_plan_in_force_and_generates_its_periods(plan, admin_user):
    assert plan.status == Plan.Status.IN_FORCE
    new = plan_put_in_force(plan=draft(), user=admin_user)
    assert new.status == Plan.Status.IN_FORCE and new.in_force_at is not None
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ENDED and plan.ended_at is not None
    assert plan_in_force() == new and current_plan() == new
    periods = list(ReportingPeriod.objects.filter(plan=new).values_list("year", "quarter", "deadline"))
    assert len(periods) == 20 and periods[0] == (2026, 1, date(2026, 4, 20)) and periods[-1][:2] == (2030, 4)
    assert periods[2] == (2026, 3, date(2026, 10, 20))


def test_ending_the_plan_in_force_leaves_the_newest_ended_plan_as_the_default(plan, admin_user):
    plan_end(plan=plan, user=admin_user)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ENDED
    assert plan_in_force() is None and current_plan() == plan  # its pages stay


@pytest.mark.parametrize("make, message", [
    (lambda p: p, "只有草稿规划可以施行；“乐山市“十四五”现代服务业发展规划”的状态是施行中。"),
    (lambda p: draft(start=2025, end=2029), "“规划 next”（2025年起）与施行中的“乐山市“十四五”现代服务业发展规划”（至2025年）规划期重叠；"
                                            "请先结束施行中的规划。"),
    (lambda p: draft(districts=False), "“规划 next”有分区县填报的指标，但没有区县，不能施行。"),
    (lambda p: Plan.objects.create(code="empty", name="空规划", start_year=2026, end_year=2030, base_year=2025),
     "“空规划”没有任何指标，不能施行。"),
])
def test_a_plan_that_cannot_be_put_in_force_is_refused_and_nothing_changes(plan, admin_user, make, message):
    target = make(plan)
    before = list(Plan.objects.order_by("id").values_list("code", "status", "in_force_at", "ended_at"))
    with pytest.raises(PlanLifecycleError) as refused:
        plan_put_in_force(plan=target, user=admin_user)
    assert refused.value.message == message
    assert list(Plan.objects.order_by("id").values_list("code", "status", "in_force_at", "ended_at")) == before
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.IN_FORCE
    assert not ReportingPeriod.objects.exists()


def test_only_the_plan_in_force_can_be_ended(plan, admin_user):
    with pytest.raises(PlanLifecycleError, match="只有施行中的规划可以结束"):
        plan_end(plan=draft(), user=admin_user)
    plan_end(plan=plan, user=admin_user)
    with pytest.raises(PlanLifecycleError, match="状态是已结束"):
        plan_end(plan=plan, user=admin_user)


def test_the_database_holds_one_plan_in_force_at_most(plan):
    other = draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=other.pk).update(status=Plan.Status.IN_FORCE)


def test_the_plan_fixture_goes_in_force_only_when_first_loaded(plan, admin_user):
    import json

    from indicators.loaders.plan import load_plan
    from tests.conftest import PLAN_FIXTURE

    plan_end(plan=plan, user=admin_user)
    load_plan(json.loads(PLAN_FIXTURE.read_text(encoding="utf-8")))  # `make run` again: the plan stays ended
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.ENDED


# ------------------------------------------------------------------------------------------ calendar

def test_generating_periods_is_idempotent_and_keeps_moved_deadlines(plan, admin_user):
    new = plan_put_in_force(plan=draft(), user=admin_user)
    ReportingPeriod.objects.filter(plan=new, year=2026, quarter=3).update(deadline=date(2026, 10, 31))
    assert reporting_periods_generate(plan=new) == 0
    assert ReportingPeriod.objects.filter(plan=new).count() == 20
    assert ReportingPeriod.objects.get(plan=new, year=2026, quarter=3).deadline == date(2026, 10, 31)


def test_an_annual_only_plan_has_fourth_quarters_only(plan, admin_user):
    new = plan_put_in_force(plan=draft(quarterly=False), user=admin_user)
    assert list(ReportingPeriod.objects.filter(plan=new).values_list("year", "quarter")) == [
        (y, 4) for y in range(2026, 2031)]
    assert not validation.period_allowed(new, 2026, 3, on=DECEMBER_2026)


def test_entry_years_leave_the_base_year_to_the_plan_that_covers_it(plan, admin_user):
    assert schedule.entry_years(plan) == range(2020, 2026)  # no earlier plan: its 2020 baseline figures are its own
    new = plan_put_in_force(plan=draft(), user=admin_user)
    assert schedule.entry_years(new) == range(2026, 2031)  # 2025 belongs to the 14th plan


def test_only_quarters_of_the_plans_years_that_have_begun_are_offered(plan, admin_user):
    new = plan_put_in_force(plan=draft(), user=admin_user)
    allowed = {(y, q) for y in range(2024, 2032) for q in range(1, 5)
               if validation.period_allowed(new, y, q, on=DECEMBER_2026)}
    assert allowed == {(2026, 1), (2026, 2), (2026, 3), (2026, 4)}


def test_the_quarter_due_in_december_2026_is_the_third_with_its_deadline(plan, admin_user):
    new = plan_put_in_force(plan=draft(), user=admin_user)
    due = schedule.due_quarter(new, on=DECEMBER_2026, deadlines=reminders.deadlines(new, [2026]))
    assert (due.year, due.quarter, due.deadline, due.overdue_days) == (2026, 3, date(2026, 10, 20), 43)
    assert schedule.due_quarter(new, on=date(2026, 3, 1), deadlines={}) is None  # nothing of the plan has ended
    due = schedule.due_quarter(new, on=date(2027, 1, 5), deadlines=reminders.deadlines(new, [2026]))
    assert (due.year, due.quarter, due.days_left) == (2026, 4, 15)


def test_figures_are_entered_only_for_the_plan_in_force(plan, admin_user):
    new = plan_put_in_force(plan=draft(), user=admin_user)
    old = Plan.objects.get(pk=plan.pk)
    with pytest.raises(ValidationError, match="只能为施行中的规划填报数据"):
        submission_get_or_create(plan=old, district=District.objects.get(plan=old, code="shizhong"), year=2025,
                                 quarter=4)
    with pytest.raises(ValidationError, match="规划期外的季度"):
        submission_get_or_create(plan=new, district=None, year=2025, quarter=4)
    assert submission_get_or_create(plan=new, district=None, year=2026, quarter=3).plan == new
