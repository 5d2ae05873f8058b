"""Reads for zones and projects."""
from datetime import date

import pandas as pd
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from districts.models import District, Plan
from indicators.progress import maths
from projects.models import Enterprise, Project, Sector


def project_list(plan: Plan, kind: str | None = None, district_code: str | None = None):
    qs = Project.objects.filter(plan=plan)
    if kind:
        qs = qs.filter(kind=kind)
    if district_code:
        qs = qs.filter(districts__code=district_code)
    return qs.order_by("kind", "number").prefetch_related(
        Prefetch("districts", queryset=District.objects.order_by("order")), "milestones")


def projects_of_district(district: District):
    return district.projects.order_by("kind", "number")


def sectors(plan: Plan):
    return Sector.objects.filter(plan=plan).order_by("order").prefetch_related(
        Prefetch("enterprises", queryset=Enterprise.objects.order_by("order")))


def _decimal_year(day: date) -> float:
    """End-of-period convention of the progress maths: 31 Dec 2023 → 2023.0, 30 Jun 2023 → about 2022.5."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year - 1 + ((day - start).days + 1) / length


def project_light(*, planned, completed, milestones: list[tuple[date, date | None]], plan: Plan, today: date,
                  thresholds: maths.Thresholds | None = None) -> dict:
    """A key project's light (PROGRESS.md §3): completed vs planned investment against the plan's time share,
    and milestones done against milestones due; the worse of the two. Computed by ``maths.schedule_light`` on the
    projects' own bands (green ≥ τ − 0.10, yellow ≥ τ − 0.30), not from an indicator's status."""
    th = thresholds or maths.Thresholds()
    out = {"light": None, "investment_completion": None, "time_share": None, "investment_light": None,
           "milestone_light": None, "milestones_done": 0, "milestones_due": 0, "milestones_overdue": 0}
    lights = []
    if planned is not None and completed is not None and float(planned) > 0:
        t = min(_decimal_year(today), float(plan.end_year))
        completion = float(completed) / float(planned)
        tau = maths.time_share(plan.base_year, plan.end_year, t)
        light = maths.schedule_light(completion=completion, time_share=tau, thresholds=th)
        out.update(investment_completion=completion, time_share=tau, investment_light=light)
        lights.append(light)
    if milestones:
        total = len(milestones)
        done = sum(1 for _due, done_on in milestones if done_on is not None and done_on <= today)
        due = sum(1 for due_on, _done in milestones if due_on <= today)
        out.update(milestones_done=done, milestones_due=due,
                   milestones_overdue=sum(1 for due_on, done_on in milestones if due_on <= today and done_on is None))
        # the time share here is the share of milestones due by today
        out["milestone_light"] = maths.schedule_light(completion=done / total, time_share=due / total, thresholds=th)
        lights.append(out["milestone_light"])
    order = {"red": 0, "yellow": 1, "green": 2}
    lights = [x for x in lights if x in order]
    out["light"] = min(lights, key=order.get) if lights else None
    return out


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
                              milestones=[(m.due_date, m.done_date) for m in ms], plan=plan, today=today)
        rows.append({"project": project, "districts": list(project.districts.all()), "milestones": ms, **light})
        for district in project.districts.all() or [None]:
            key = (district.order if district else 999, district.name if district else str(NO_DISTRICT),
                   project.get_status_display())
            counts[key] = counts.get(key, 0) + 1
        for m in ms:
            milestones.append({"project": project.name, "title": m.title, "due_date": m.due_date,
                               "done_date": m.done_date})
        if project.planned_investment is not None:
            investment.append({"project": project.name, "planned": float(project.planned_investment),
                               "completed": float(project.completed_investment or 0), "light": light["light"]})
    by_district = pd.DataFrame([{"district": name, "status_label": status, "count": n, "_order": order}
                                for (order, name, status), n in sorted(counts.items())],
                               columns=["district", "status_label", "count", "_order"])
    return {"rows": rows, "by_district": by_district.drop(columns="_order"),
            "milestones": pd.DataFrame(milestones, columns=["project", "title", "due_date", "done_date"]),
            "investment": pd.DataFrame(investment, columns=["project", "planned", "completed", "light"])}
