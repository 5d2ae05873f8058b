"""Task reads: the tasks a user may see, the ledger (任务台账) with its lights, a department's page, the reports
awaiting a decision, a task's history and the review sentence. A fixed number of queries, never one per row.

The light is the colour of the status (PROGRESS.md §3), from the approved report of the half-year shown:
已完成 and 按序时推进 → green (on track); 滞后 → yellow (behind schedule: acceleration needed, as 需加快);
未启动 → red (no progress while the plan's time runs, as 进展有限). A half-year that has ended without an approved
report is marked 未报送 and gets no light (as 无法评估): a report that is only drafted or submitted does not count,
as only approved figures count.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from districts import access
from districts.models import Department, Plan
from indicators.figures.formatting import english, listed
from indicators.figures.selectors import display_name, name_in_language
from projects.models import Task, TaskProgress, TaskReport
from projects.tasks.reasons import shown_reason

NOT_REPORTED = "not_reported"
NOT_ASSIGNED = "not_assigned"  # no lead unit yet: nobody owes a report, so it is not 未报送
LIGHTS = {TaskProgress.DONE: "green", TaskProgress.ON_SCHEDULE: "green", TaskProgress.LAGGING: "yellow",
          TaskProgress.NOT_STARTED: "red", NOT_REPORTED: "", NOT_ASSIGNED: ""}
ALL_STATUSES = (*TaskProgress.values, NOT_REPORTED, NOT_ASSIGNED)


def status_label(status: str) -> str:
    if status == NOT_ASSIGNED:
        return _("未分配")
    return _("未报送") if status == NOT_REPORTED else TaskProgress(status).label


def half_label(year: int, half: int) -> str:
    return _("%(year)s年上半年") % {"year": year} if half == 1 else _("%(year)s年下半年") % {"year": year}


def latest_half(plan: Plan, on: date | None = None) -> tuple[int, int] | None:
    """The latest half-year that has ended, within the plan's years; None before the plan's first one ends."""
    on = on or timezone.localdate()
    ended = (on.year - 1, 2) if on.month <= 6 else (on.year, 1)
    ended = min(ended, (plan.end_year, 2))
    return ended if ended >= (plan.start_year, 1) else None


def plan_halves(plan: Plan, on: date | None = None) -> list[tuple[int, int]]:
    """The half-years of the plan that have begun, newest first."""
    on = on or timezone.localdate()
    now = (on.year, 1 if on.month <= 6 else 2)
    return [(y, h) for y in range(plan.end_year, plan.start_year - 1, -1) for h in (2, 1) if (y, h) <= now]


def visible_tasks(plan: Plan, user):
    """The tasks of the plan the user may see: officials all; a department's or a county's staff those their unit
    leads or supports."""
    qs = Task.objects.filter(plan=plan)
    if user is None or access.is_official(user):
        return qs
    unit = access.user_unit(user)
    if unit is None:
        return qs.none()
    kind, code = unit
    if kind == "department":
        mine = Q(lead_department__code=code) | Q(supporting_departments__code=code)
    else:
        mine = Q(lead_district__code=code) | Q(supporting_districts__code=code)
    return qs.filter(pk__in=Task.objects.filter(mine).values("pk"))


@dataclass
class LedgerRow:
    task: Task
    lead: str
    lead_key: str
    supporting: list[str]
    supporting_keys: list[str]
    report: TaskReport | None
    status: str
    light: str
    milestone: str = ""
    role: str = ""  # the viewer's unit's part: "lead" | "supporting" | ""

    @property
    def status_text(self) -> str:
        return status_label(self.status)


@dataclass
class Ledger:
    year: int
    half: int
    rows: list[LedgerRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return half_label(self.year, self.half)

    def counts(self) -> dict[str, int]:
        found = Counter(r.status for r in self.rows)
        return {s: found.get(s, 0) for s in ALL_STATUSES}


def _unit_key(kind, obj) -> str:
    return f"{kind}:{obj.code}"


def ledger(plan: Plan, user, year: int, half: int, *, chapter: int | None = None, unit: str | None = None,
           status: str | None = None) -> Ledger:
    """The tasks the user may see with their status for a half-year, filtered by chapter, by a unit that leads or
    supports them ("department:<code>" / "district:<code>") and by status (five queries). user None: every task
    (for pages and reviews that have checked access already)."""
    tasks = list(visible_tasks(plan, user).select_related("lead_department", "lead_district")
                 .prefetch_related("supporting_departments", "supporting_districts", "milestones")
                 .order_by("number"))
    reports = {r.task_id: r for r in TaskReport.objects.filter(task__in=[t.pk for t in tasks], year=year, half=half)}
    own = access.user_unit(user) if user is not None else None
    own_key = f"{own[0]}:{own[1]}" if own else ""
    out = Ledger(year, half)
    for task in tasks:
        lead_key = (_unit_key("department", task.lead_department) if task.lead_department_id else
                    _unit_key("district", task.lead_district) if task.lead_district_id else "")
        supporters = ([("department", d) for d in task.supporting_departments.all()]
                      + [("district", d) for d in task.supporting_districts.all()])
        supporting_keys = [_unit_key(k, o) for k, o in supporters]
        if chapter and task.chapter != chapter:
            continue
        if unit and unit != lead_key and unit not in supporting_keys:
            continue
        report = reports.get(task.pk)
        approved = report is not None and report.state == TaskReport.State.APPROVED and report.progress
        row_status = report.progress if approved else NOT_REPORTED if lead_key else NOT_ASSIGNED
        if status and row_status != status:
            continue
        milestone = next((m.text for m in task.milestones.all() if m.year == year), "")
        out.rows.append(LedgerRow(task=task, lead=display_name(task.lead) if task.lead else "", lead_key=lead_key,
                                  supporting=[display_name(o) for _k, o in supporters],
                                  supporting_keys=supporting_keys,
                                  report=report, status=row_status, light=LIGHTS[row_status], milestone=milestone,
                                  role="lead" if own_key and own_key == lead_key else
                                  "supporting" if own_key in supporting_keys else ""))
    return out


def group_rows(rows: list[LedgerRow], by: str) -> list[tuple[str, list[LedgerRow]]]:
    """Rows grouped for the ledger's views: by chapter (章), by lead department, or by county (lead or supporting)."""
    groups: dict[str, list[LedgerRow]] = {}
    for row in rows:
        if by == "department":
            keys = [row.lead if row.lead_key.startswith("department:") else _("县（市、区）牵头")
                    if row.lead_key.startswith("district:") else _("未分配牵头部门")]
        elif by == "district":
            names = [n for n, k in zip([row.lead] + row.supporting, [row.lead_key] + row.supporting_keys)
                     if k.startswith("district:")]
            keys = names or [_("未涉及县（市、区）")]
        else:
            keys = [f"{row.task.chapter_label} {row.task.chapter_title}"]
        for key in keys:
            groups.setdefault(key, []).append(row)
    return list(groups.items())


def department_tasks(plan: Plan, department: Department, year: int, half: int) -> dict:
    """What a department leads and supports, with the latest status, and the reports it owes (due: the half-year
    shown has ended and its report is not approved)."""
    rows = ledger(plan, None, year, half, unit=f"department:{department.code}").rows
    led = [r for r in rows if r.lead_key == f"department:{department.code}"]
    supported = [r for r in rows if r.lead_key != f"department:{department.code}"]
    due = [r for r in led if r.status == NOT_REPORTED]
    return {"led": led, "supported": supported, "due": due}


def district_task_counts(plan: Plan, code: str) -> dict | None:
    """How many of the plan's tasks a county leads and supports (two queries); None for a plan without tasks."""
    if not has_tasks(plan):
        return None
    return {"led": Task.objects.filter(plan=plan, lead_district__code=code).count(),
            "supported": Task.objects.filter(plan=plan, supporting_districts__code=code).count()}


def task_report(task: Task, year: int, half: int) -> TaskReport | None:
    return (TaskReport.objects.filter(task=task, year=year, half=half)
            .select_related("decided_by", "submitted_by", "updated_by")
            .prefetch_related("contributions__department", "contributions__district", "evidence").first())


def awaiting_reports(plan: Plan):
    """Reports waiting for an official's decision, oldest first (one query; the submitter's unit with it, which
    names them on English pages)."""
    return (TaskReport.objects.filter(task__plan=plan, state=TaskReport.State.SUBMITTED)
            .select_related("task", "task__lead_department", "task__lead_district", "submitted_by",
                            "submitted_by__department_membership__department",
                            "submitted_by__district_membership__district")
            .order_by("submitted_at", "id"))


def awaiting_reports_count() -> int:
    """For every page's menu: task reports of the plan in force waiting for a decision (one query)."""
    return TaskReport.objects.filter(task__plan__status=Plan.Status.IN_FORCE,
                                     state=TaskReport.State.SUBMITTED).count()


def returned_reports(plan: Plan, user):
    """The reports returned to the user's unit (it leads the task) and not yet resubmitted (one query)."""
    unit = access.user_unit(user)
    if unit is None:
        return TaskReport.objects.none()
    kind, code = unit
    lead = {"task__lead_department__code": code} if kind == "department" else {"task__lead_district__code": code}
    return (TaskReport.objects.filter(task__plan=plan, state=TaskReport.State.RETURNED, **lead)
            .select_related("task", "decided_by").order_by("-decided_at"))


@dataclass
class HistoryEvent:
    when: object
    who: str
    what: str
    change: str
    why: str


def task_history(task: Task) -> list[HistoryEvent]:
    """Who changed what and when, newest first: assignments, milestones, reports and their decisions."""
    from projects.models import TaskMilestone

    def who(rec):
        return (rec.history_user.get_full_name() or rec.history_user.get_username()) if rec.history_user else "—"

    events = []
    records = list(task.history.select_related("history_user", "lead_department", "lead_district")
                   .order_by("history_date", "history_id"))
    # the supporting units each history row recorded (simple-history's many-to-many tables), two queries
    held: dict[int, list[str]] = {}
    for through, unit in (("HistoricalTask_supporting_departments", "department"),
                          ("HistoricalTask_supporting_districts", "district")):
        for history_id, name, name_en in (apps.get_model("projects", through).objects.filter(task_id=task.pk)
                                          .values_list("history_id", f"{unit}__name", f"{unit}__name_en")):
            held.setdefault(history_id, []).append(name_en if english() and name_en else name_in_language(name))
    # one assignment writes several rows (the save, then each many-to-many change): compare whole assignments
    bursts: list[list] = []
    for rec in records:
        if bursts and (bursts[-1][-1].history_user_id, bursts[-1][-1].history_change_reason) == (
                rec.history_user_id, rec.history_change_reason):
            bursts[-1].append(rec)
        else:
            bursts.append([rec])
    previous = ("—", "—")
    for burst in bursts:
        rec = burst[-1]
        unit = rec.lead_department or rec.lead_district
        lead = display_name(unit) if unit else "—"
        supporting = listed(sorted(held.get(rec.history_id, []))) or "—"
        if (lead, supporting) != previous:
            events.append(HistoryEvent(rec.history_date, who(rec), _("牵头 / 配合单位"),
                                       f"{previous[0]} / {previous[1]} → {lead} / {supporting}",
                                       shown_reason(rec.history_change_reason)))
        previous = (lead, supporting)
    for rec in TaskMilestone.history.filter(task_id=task.pk).select_related("history_user"):
        events.append(HistoryEvent(rec.history_date, who(rec), _("%(y)s年度目标") % {"y": rec.year},
                                   "—" if rec.history_type == "-" else rec.text,
                                   shown_reason(rec.history_change_reason)))
    for rec in (TaskReport.history.filter(task_id=task.pk).select_related("history_user")
                .order_by("history_date", "history_id")):
        events.append(HistoryEvent(rec.history_date, who(rec), half_label(rec.year, rec.half),
                                   TaskReport.State(rec.state).label + (
                                       f" · {TaskProgress(rec.progress).label}" if rec.progress else ""),
                                   shown_reason(rec.history_change_reason)))
    events.sort(key=lambda e: e.when, reverse=True)
    return events


def review_summary(plan: Plan, year: int, half: int, *, unit: str | None = None) -> dict:
    """The tasks' standing for a review: counts per status of the approved reports of the half-year and the
    sentence drafted from them (zh through gettext; en when the page is English)."""
    rows = ledger(plan, None, year, half, unit=unit).rows
    for row in rows:  # in the language active now (a review in English is drafted under translation.override)
        row.status_shown = row.status_text
    counts = Counter(r.status for r in rows)
    lagging = [r.task for r in rows if r.status == TaskProgress.LAGGING]
    n = len(rows)
    sentence = _("%(n)s项重点任务中，已完成%(done)s项，按序时推进%(on)s项，滞后%(lag)s项，未启动%(ns)s项，"
                 "未报送%(nr)s项") % {
        "n": n, "done": counts[TaskProgress.DONE], "on": counts[TaskProgress.ON_SCHEDULE],
        "lag": counts[TaskProgress.LAGGING], "ns": counts[TaskProgress.NOT_STARTED], "nr": counts[NOT_REPORTED]}
    if counts[NOT_ASSIGNED]:
        sentence += _("，尚未分配牵头单位%(na)s项") % {"na": counts[NOT_ASSIGNED]}
    if lagging:
        sentence += _("；滞后任务：%(names)s") % {"names": _("、").join(f"{t.number}. {t.title}" for t in lagging)}
    sentence += _("。")
    return {"year": year, "half": half, "label": half_label(year, half), "total": n,
            "counts": {s: counts.get(s, 0) for s in ALL_STATUSES},
            "lagging": lagging, "sentence": sentence, "rows": rows}


def department_counts(plan: Plan) -> list[dict]:
    """Every active department with the number of the plan's tasks it leads and supports (one query)."""
    from django.db.models import Count

    return list(Department.objects.filter(is_active=True).annotate(
        leads=Count("led_tasks", filter=Q(led_tasks__plan=plan), distinct=True),
        supports=Count("supported_tasks", filter=Q(supported_tasks__plan=plan), distinct=True))
        .order_by("order", "code"))


def has_tasks(plan: Plan) -> bool:
    return Task.objects.filter(plan=plan).exists()
