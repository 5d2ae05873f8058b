"""Pure functions for projects and the targets outside 专栏6: numbers in, numbers out (no ORM, no clock).

The light of a project (PROGRESS.md §3): completed against planned investment set against the time share, and
milestones done against milestones due, each on ``maths.schedule_light``'s bands (green ≥ τ − 0.10, yellow
≥ τ − 0.30); the worse of the two. A tracked target is judged like an indicator: a count by ``maths.assess``
(a level from its baseline), a province-assigned item by ``maths.assess_qualitative`` (like indicator 16).
"""
from datetime import date

import pandas as pd

from indicators.progress import maths

LIGHT_ORDER = {"red": 0, "yellow": 1, "green": 2}


def decimal_year(day: date) -> float:
    """End-of-period convention of the progress maths: 31 Dec 2023 → 2023.0, 30 Jun 2023 → about 2022.5."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year - 1 + ((day - start).days + 1) / length


def worst_light(lights) -> str | None:
    known = [x for x in lights if x in LIGHT_ORDER]
    return min(known, key=LIGHT_ORDER.get) if known else None


def project_light(*, planned, completed, milestones: list[tuple[date, date | None]], base_year: int, end_year: int,
                  today: date, start_year: int | None = None, finish_year: int | None = None,
                  thresholds: maths.Thresholds | None = None) -> dict:
    """A project's light and its parts. The time share runs over the project's own years when both are given
    (from the end of the year before it starts to the end of its last year), else over the plan's period."""
    th = thresholds or maths.Thresholds()
    out = {"light": None, "investment_completion": None, "time_share": None, "investment_light": None,
           "milestone_light": None, "milestones_done": 0, "milestones_due": 0, "milestones_overdue": 0}
    lights = []
    if planned is not None and completed is not None and float(planned) > 0:
        first, last = (start_year - 1, finish_year) if start_year and finish_year else (base_year, end_year)
        t = min(max(decimal_year(today), float(first)), float(last))
        completion = float(completed) / float(planned)
        tau = maths.time_share(first, last, t)
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
    out["light"] = worst_light(lights)
    return out


def target_assessment(*, kind: str, value, year: int | None, baseline, baseline_year, target, target_year: int,
                      assigned, plan_base_year: int, thresholds: maths.Thresholds | None = None) -> dict:
    """A tracked target's latest value judged by the engine's own functions. ``kind`` "level": a count from its
    baseline (the plan's base year when the plan gives none, judged by C/τ… as any level); "assigned": against the
    amount the province assigned (None → 未下达, no light)."""
    th = thresholds or maths.Thresholds()
    if kind == "assigned":
        a = maths.assess_qualitative(actual=value, assigned=assigned, year=year, base_year=plan_base_year,
                                     target_year=target_year, thresholds=th)
    else:
        a = maths.assess(value=value, baseline=baseline, target=target,
                         base_year=baseline_year or plan_base_year, target_year=target_year,
                         t=None if year is None else float(year), measure="level", thresholds=th)
    return {"status": a.status, "light": a.light, "completion": a.completion, "reason": a.reason,
            "status_zh": (maths.FINAL_STATUS_LABELS_ZH if a.is_final else maths.STATUS_LABELS_ZH)[a.status],
            "status_en": (maths.FINAL_STATUS_LABELS_EN if a.is_final else maths.STATUS_LABELS_EN)[a.status],
            "shortfall": a.shortfall}


def enterprise_summary(figures, by: str):
    """Sum the register's quarterly figures by "sector" or "district": a DataFrame with the number of enterprises
    reporting, 营业收入 (亿元), 从业人员 (人) and 纳税 (万元). ``figures``: a DataFrame with columns sector,
    district, revenue, employees, taxes (one row per enterprise)."""
    cols = ["revenue", "employees", "taxes"]
    if figures.empty:
        return pd.DataFrame(columns=[by, "enterprises", *cols])
    frame = figures.copy()
    for c in cols:
        frame[c] = pd.to_numeric(frame[c], errors="coerce")
    out = frame.groupby(by, sort=False, dropna=False).agg(
        enterprises=("revenue", "size"), revenue=("revenue", "sum"), employees=("employees", "sum"),
        taxes=("taxes", "sum")).reset_index()
    return out
