"""Plan lifecycle writes: put a draft in force (ending the plan in force before it), end a plan, generate the
reporting periods of the plan in force. One transaction each; refused with a message (中文) when a check fails."""
from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import District, Plan
from indicators.entry.reminders import default_deadline
from indicators.models import Indicator, ReportingPeriod
from indicators.plans.schedule import plan_quarters

logger = logging.getLogger(__name__)
Status = Plan.Status


class PlanLifecycleError(Exception):
    """The move was refused; ``message`` says why. Nothing changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _who(user) -> str | None:
    return getattr(user, "username", None)


@transaction.atomic
def reporting_periods_generate(*, plan: Plan) -> int:
    """A ReportingPeriod (deadline: the quarter's end + ENTRY_DEFAULT_DEADLINE_DAYS) for every quarter of the
    plan's calendar that has none. Idempotent: existing periods, with deadlines an administrator may have moved,
    are kept. Returns the number created."""
    existing = set(ReportingPeriod.objects.filter(plan=plan).values_list("year", "quarter"))
    new = [ReportingPeriod(plan=plan, year=y, quarter=q, deadline=default_deadline(y, q))
           for y, q in plan_quarters(plan) if (y, q) not in existing]
    ReportingPeriod.objects.bulk_create(new)
    return len(new)


def _end(plan: Plan, user) -> None:
    plan.status, plan.ended_at = Status.ENDED, timezone.now()
    plan.save(update_fields=["status", "ended_at"])
    logger.info("plan ended: plan=%s user=%s", plan.code, _who(user))


@transaction.atomic
def plan_put_in_force(*, plan: Plan, user) -> Plan:
    """Put a draft plan in force: figures are entered for it from now on and pages show it by default. The plan in
    force before it ends (it must end before this one begins). Generates the plan's reporting periods."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Status.DRAFT:
        raise PlanLifecycleError(_("只有草稿规划可以施行；“%(name)s”的状态是%(status)s。") % {
            "name": plan.name, "status": plan.get_status_display()})
    indicators = Indicator.objects.filter(plan=plan)
    if not indicators.exists():
        raise PlanLifecycleError(_("“%(name)s”没有任何指标，不能施行。") % {"name": plan.name})
    if indicators.filter(by_district=True).exists() and not District.objects.filter(plan=plan).exists():
        raise PlanLifecycleError(_("“%(name)s”有分区县填报的指标，但没有区县，不能施行。") % {"name": plan.name})
    current = Plan.objects.select_for_update().filter(status=Status.IN_FORCE).first()
    if current is not None:
        if plan.start_year <= current.end_year:
            raise PlanLifecycleError(_("“%(name)s”（%(start)s年起）与施行中的“%(current)s”（至%(end)s年）规划期重叠；"
                                       "请先结束施行中的规划。") % {"name": plan.name, "start": plan.start_year,
                                                          "current": current.name, "end": current.end_year})
        _end(current, user)
    plan.status, plan.in_force_at = Status.IN_FORCE, timezone.now()
    plan.save(update_fields=["status", "in_force_at"])
    created = reporting_periods_generate(plan=plan)
    logger.info("plan in force: plan=%s ended=%s periods=%d user=%s", plan.code,
                current.code if current else None, created, _who(user))
    return plan


@transaction.atomic
def plan_end(*, plan: Plan, user) -> Plan:
    """End the plan in force: its figures can no longer be entered; its pages and reviews stay."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Status.IN_FORCE:
        raise PlanLifecycleError(_("只有施行中的规划可以结束；“%(name)s”的状态是%(status)s。") % {
            "name": plan.name, "status": plan.get_status_display()})
    _end(plan, user)
    return plan
