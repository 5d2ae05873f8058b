"""The reporting calendar of a plan: the quarters offered for entry and the quarter due now (reads only)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists

from districts.models import Plan
from indicators.entry.reminders import quarter_end
from indicators.models import Indicator


def _facts(plan: Plan) -> tuple[bool, bool]:
    """Whether another plan (in force or ended) covers the plan's base year, and whether any of its indicators is
    reported quarterly: one query, kept on the plan object."""
    if not hasattr(plan, "_calendar_facts"):
        covering = (Plan.objects.exclude(pk=plan.pk).exclude(status=Plan.Status.DRAFT)
                    .filter(start_year__lte=plan.base_year, end_year__gte=plan.base_year))
        facts = Plan.objects.filter(pk=plan.pk).values_list(
            Exists(covering), Exists(Indicator.objects.filter(plan=plan, quarterly=True))).first()
        plan._calendar_facts = tuple(bool(f) for f in facts) if facts else (False, False)
    return plan._calendar_facts


def entry_years(plan: Plan) -> range:
    """The years figures are entered for: the plan's own years, and its base year when no other plan (in force or
    ended) covers that year — the 14th plan's 2020 baseline figures belong to it, the 2026–2030 plan's 2025 ones to
    the 14th plan."""
    covered, _quarterly = _facts(plan)
    first = plan.base_year if plan.base_year < plan.start_year and not covered else plan.start_year
    return range(first, plan.end_year + 1)


def plan_quarters(plan: Plan) -> list[tuple[int, int]]:
    """Every (year, quarter) of the plan's entry years its indicators are reported for: the four quarters when any
    indicator is reported quarterly, otherwise the fourth (annual figures) only."""
    quarters = (1, 2, 3, 4) if _facts(plan)[1] else (4,)
    return [(y, q) for y in entry_years(plan) for q in quarters]


def offered(plan: Plan, year: int, quarter: int, *, on: date) -> bool:
    """A quarter of the plan's calendar that has begun."""
    return (year, quarter) in plan_quarters(plan) and date(year, quarter * 3 - 2, 1) <= on


@dataclass(frozen=True)
class Due:
    year: int
    quarter: int
    deadline: date
    days_left: int

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


def due_quarter(plan: Plan, *, on: date, deadlines: dict) -> Due | None:
    """The quarter due now: the newest quarter of the plan's calendar that has ended (in December 2026 the third
    quarter of 2026), with its deadline; None before the plan's first quarter ends. ``deadlines``: (year, quarter)
    → date for that quarter's year (entry.reminders.deadlines)."""
    ended = [key for key in plan_quarters(plan) if quarter_end(*key) < on]
    if not ended:
        return None
    year, quarter = ended[-1]
    deadline = deadlines[(year, quarter)]
    return Due(year, quarter, deadline, (deadline - on).days)
