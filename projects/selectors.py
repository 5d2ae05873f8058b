"""Reads for zones and projects."""
from datetime import date, timedelta

import pandas as pd
from django.db.models import Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from districts.models import District, Plan
from indicators.progress import maths
from indicators.reviews.wording import district_name_en
from projects import maths as project_maths
from projects.reasons import shown_reason
from projects.models import (
    EnterpriseFigure,
    Enterprise,
    PlanBoxEntry,
    Project,
    ProjectReport,
    RegisterEnterprise,
    Sector,
    TrackedTarget,
    TrackedTargetValue,
)


def project_list(plan: Plan, kind: str | None = None, district_code: str | None = None):
    qs = Project.objects.filter(plan=plan)
    if kind:
        qs = qs.filter(kind=kind)
    if district_code:
        qs = qs.filter(districts__code=district_code)
    qs = qs.select_related("responsible_department", "responsible_district")
    return qs.order_by("kind", "number").prefetch_related(
        Prefetch("districts", queryset=District.objects.order_by("order")), "milestones", "year_investments")


def projects_of_district(district: District):
    return district.projects.order_by("kind", "number")


def sectors(plan: Plan):
    return Sector.objects.filter(plan=plan).order_by("order").prefetch_related(
        Prefetch("enterprises", queryset=Enterprise.objects.order_by("order")))


def project_light(*, planned, completed, milestones: list[tuple[date, date | None]], plan: Plan, today: date,
                  thresholds: maths.Thresholds | None = None, start_year=None, finish_year=None) -> dict:
    """A project's light (PROGRESS.md §3), computed by the pure ``projects.maths.project_light``."""
    return project_maths.project_light(planned=planned, completed=completed, milestones=milestones,
                                       base_year=plan.base_year, end_year=plan.end_year, today=today,
                                       start_year=start_year, finish_year=finish_year, thresholds=thresholds)


NO_DISTRICT = _("未载明地区")


def project_progress(plan: Plan, *, kind: str | None = None, district_code: str | None = None,
                     today: date) -> dict:
    """The projects page (3 queries): projects with districts and milestones, each with its light, and the
    frames the charts draw (projects by district and status, milestones, investment)."""
    projects = list(project_list(plan, kind=kind, district_code=district_code))
    rows, counts, milestones, investment = [], {}, [], []
    for project in projects:
        ms = sorted(project.milestones.all(), key=lambda m: m.due_date)
        light = project_light(planned=project.planned_investment, completed=project.completed_investment,
                              milestones=[(m.due_date, m.done_date) for m in ms], plan=plan, today=today,
                              start_year=project.start_year, finish_year=project.end_year)
        rows.append({"project": project, "districts": list(project.districts.all()), "milestones": ms,
                     "yearly": sorted(project.year_investments.all(), key=lambda y: y.year), **light})
        for district in project.districts.all() or [None]:
            key = (district.order if district else 999, district.name if district else str(NO_DISTRICT),
                   (district.name_en or district_name_en(district.code, district.name)) if district
                   else str(NO_DISTRICT), project.get_status_display())
            counts[key] = counts.get(key, 0) + 1
        for m in ms:
            milestones.append({"project": project.name, "title": m.title, "due_date": m.due_date,
                               "done_date": m.done_date})
        if project.planned_investment is not None:
            investment.append({"project": project.name, "planned": float(project.planned_investment),
                               "completed": float(project.completed_investment or 0), "light": light["light"]})
    by_district = pd.DataFrame([{"district": name, "district_en": name_en, "status_label": status, "count": n,
                                 "_order": order} for (order, name, name_en, status), n in sorted(counts.items())],
                               columns=["district", "district_en", "status_label", "count", "_order"])
    return {"rows": rows, "by_district": by_district.drop(columns="_order"),
            "milestones": pd.DataFrame(milestones, columns=["project", "title", "due_date", "done_date"]),
            "investment": pd.DataFrame(investment, columns=["project", "planned", "completed", "light"])}


# ---- project tracking, targets, enterprises

def district_projects(plan: Plan, district: District, *, today: date) -> list[dict]:
    """The district page's projects block (3 queries whatever the number of projects): the projects in the
    district or that its county is responsible for, each with its light from approved progress."""
    qs = (Project.objects.filter(plan=plan).filter(Q(districts=district) | Q(responsible_district=district))
          .distinct().order_by("kind", "number").prefetch_related("milestones"))
    rows = []
    for project in qs:
        ms = sorted(project.milestones.all(), key=lambda m: m.due_date)
        light = project_light(planned=project.planned_investment, completed=project.completed_investment,
                              milestones=[(m.due_date, m.done_date) for m in ms], plan=plan, today=today,
                              start_year=project.start_year, finish_year=project.end_year)
        rows.append({"project": project, **light})
    return rows


def project_detail(plan: Plan, pk: int):
    return get_object_or_404(Project.objects.filter(plan=plan).select_related(
        "responsible_department", "responsible_district").prefetch_related(
        Prefetch("districts", queryset=District.objects.order_by("order")), "milestones", "year_investments"), pk=pk)


def project_reports(project: Project):
    return list(project.reports.select_related("milestone", "entered_by", "decided_by").order_by("-year", "-quarter"))


def report_history(report: ProjectReport | None) -> list[dict]:
    """Who changed the quarter, when, old → new and why (one query)."""
    if report is None:
        return []
    records = list(report.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = ("investment", "milestone_id", "milestone_done_date", "problems", "status")
    out, previous = [], None
    for record in records:
        changes = [(f, getattr(previous, f) if previous else None, getattr(record, f)) for f in fields
                   if previous is None or getattr(previous, f) != getattr(record, f)]
        out.append({"who": record.history_user, "when": record.history_date, "why": shown_reason(record.history_change_reason),
                    "changes": changes})
        previous = record
    return out


def pending_reports(plan: Plan):
    return (ProjectReport.objects.filter(project__plan=plan, status=ProjectReport.Status.SUBMITTED)
            .select_related("project").order_by("year", "quarter", "project__kind", "project__number"))


def plan_boxes(plan: Plan) -> dict[int, list[PlanBoxEntry]]:
    boxes = {}
    for entry in PlanBoxEntry.objects.filter(plan=plan).order_by("box", "order"):
        boxes.setdefault(entry.box, []).append(entry)
    return boxes


def tracked_targets(plan: Plan, *, today: date) -> list[dict]:
    """Every target outside 专栏6 with its latest value, status and light (2 queries)."""
    targets = list(TrackedTarget.objects.filter(plan=plan).order_by("order"))
    values = pd.DataFrame(list(TrackedTargetValue.objects.filter(target__plan=plan).values(
        "target_id", "year", "value", "note", "entered_at", "entered_by__username")),
        columns=["target_id", "year", "value", "note", "entered_at", "entered_by__username"])
    latest = values.sort_values("year").groupby("target_id").tail(1).set_index("target_id") if len(values) else values
    rows = []
    for target in targets:
        last = latest.loc[target.pk] if target.pk in latest.index else None
        year = int(last["year"]) if last is not None else None
        value = last["value"] if last is not None else None
        verdict = project_maths.target_assessment(
            kind=target.kind, value=value, year=year, baseline=target.baseline_value,
            baseline_year=target.baseline_year, target=target.target_value, target_year=target.target_year,
            assigned=target.assigned_value, plan_base_year=plan.base_year)
        rows.append({"target": target, "year": year, "value": value, "note": last["note"] if last is not None else "",
                     "history": values[values["target_id"] == target.pk].sort_values("year").to_dict("records"),
                     **verdict})
    return rows


def register(plan: Plan, *, district_code: str | None = None):
    qs = RegisterEnterprise.objects.filter(plan=plan).select_related("sector", "district")
    if district_code:
        qs = qs.filter(district__code=district_code)
    return list(qs.order_by("sector__order", "district__order", "name"))


def register_figures(plan: Plan, year: int, quarter: int, *, district_code: str | None = None) -> pd.DataFrame:
    """One quarter's figures of the register, one row per enterprise (1 query)."""
    qs = EnterpriseFigure.objects.filter(enterprise__plan=plan, year=year, quarter=quarter)
    if district_code:
        qs = qs.filter(enterprise__district__code=district_code)
    columns = ["enterprise_id", "name", "sector", "district", "revenue", "employees", "taxes", "is_demo"]
    rows = qs.values_list("enterprise_id", "enterprise__name", "enterprise__sector__name",
                          "enterprise__district__name", "revenue", "employees", "taxes", "is_demo")
    frame = pd.DataFrame(list(rows), columns=columns)
    frame["sector"] = frame["sector"].fillna(str(NOT_GIVEN))
    frame["district"] = frame["district"].fillna(str(NOT_GIVEN))
    return frame


NOT_GIVEN = _("未载明")


def register_bulletin(plan: Plan, year: int, quarter: int) -> dict:
    """The quarterly 通报: figures by sector and by district, and whether demo figures are among them."""
    figures = register_figures(plan, year, quarter)
    return {"figures": figures, "by_sector": project_maths.enterprise_summary(figures, "sector"),
            "by_district": project_maths.enterprise_summary(figures, "district"),
            "has_demo": bool(figures["is_demo"].any()) if len(figures) else False}


def review_section(plan: Plan, *, year: int, quarter: int, lang: str) -> dict:
    """Projects and the targets outside 专栏6 as of a review's quarter: the approved progress up to that quarter
    only, the targets' values up to that year (4 queries)."""
    from projects import review

    as_of = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    approved = dict(ProjectReport.objects.filter(project__plan=plan, status=ProjectReport.Status.APPROVED).filter(
        Q(year__lt=year) | Q(year=year, quarter__lte=quarter)).values("project_id").annotate(
        s=Sum("investment")).values_list("project_id", "s"))
    reported = set(ProjectReport.objects.filter(project__plan=plan).values_list("project_id", flat=True))
    rows = []
    for project in Project.objects.filter(plan=plan).prefetch_related("milestones").order_by("kind", "number"):
        ms = [(m.due_date, m.done_date if m.done_date and m.done_date <= as_of else None)
              for m in project.milestones.all()]
        # approved quarters up to the review's; a project without any keeps the amount entered in the admin
        completed = approved[project.pk] if project.pk in approved else (
            None if project.pk in reported else project.completed_investment)
        light = project_light(planned=project.planned_investment, completed=completed, milestones=ms, plan=plan,
                              today=as_of, start_year=project.start_year, finish_year=project.end_year)
        rows.append({"name": project.name, "light": light["light"], "planned": project.planned_investment,
                     "completed": completed})
    targets = []
    values = pd.DataFrame(list(TrackedTargetValue.objects.filter(target__plan=plan, year__lte=year).values(
        "target_id", "year", "value")), columns=["target_id", "year", "value"])
    latest = values.sort_values("year").groupby("target_id").tail(1).set_index("target_id")
    for target in TrackedTarget.objects.filter(plan=plan).order_by("order"):
        last = latest.loc[target.pk] if target.pk in latest.index else None
        value = float(last["value"]) if last is not None else None
        verdict = project_maths.target_assessment(
            kind=target.kind, value=value, year=int(last["year"]) if last is not None else None,
            baseline=target.baseline_value, baseline_year=target.baseline_year, target=target.target_value,
            target_year=target.target_year, assigned=target.assigned_value, plan_base_year=plan.base_year)
        targets.append({"name": target.name, "name_en": target.name_en, "unit": target.unit,
                        "unit_en": target.unit_en, "value": value,
                        "year": int(last["year"]) if last is not None else None,
                        "assigned_missing": target.kind == "assigned" and target.assigned_value is None, **verdict})
    return {"projects_text": review.projects_summary(rows, lang), "targets_text": review.targets_summary(targets, lang),
            "targets": targets, "red": [r for r in rows if r["light"] == "red"]}
