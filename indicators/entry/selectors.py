"""Entry reads: form rows, completeness, the staff's quarters, exports and a figure's history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import District, Plan
from indicators.entry.services import user_name
from indicators.entry.validation import (
    CITY,
    STATUS_LABELS,
    Figure,
    Status,
    convention,
    figures_around,
    form_indicators,
    format_value,
    last_year_key,
    period_allowed,
    prev_key,
    reminders,
)
from indicators.models import (
    Indicator,
    Measure,
    Observation,
    ObservationVersion,
    Submission,
)

# ------------------------------------------------------------------------------------------- reads

@dataclass
class FormRow:
    """One indicator on the quarterly form: what is stored, and the figures shown beside it."""

    indicator: Indicator
    convention: str
    stored: Observation | None
    previous: Figure | None
    previous_key: tuple[int, int]
    last_year: Figure | None
    last_year_key: tuple[int, int]
    approved: Figure | None


def submission_find(plan: Plan, district: District | None, year: int, quarter: int) -> Submission | None:
    qs = Submission.objects.filter(plan=plan, year=year, quarter=quarter).select_related(
        "district", "submitted_by", "decided_by")
    qs = qs.filter(district__isnull=True) if district is None else qs.filter(district=district)
    return qs.first()


def form_rows(plan: Plan, district: District | None, year: int, quarter: int) -> list[FormRow]:
    """Every indicator of the form with its stored value and comparison figures (a fixed number of queries)."""
    indicators = form_indicators(plan, district, quarter)
    figures = figures_around(plan, district, year, indicators)
    stored = {o.indicator_id: o for o in Observation.objects.filter(
        indicator_id__in=[i.id for i in indicators], district=district, year=year, quarter=quarter)}
    rows = []
    for indicator in indicators:
        pk_prev = prev_key(year, quarter, indicator.quarterly)
        pk_last = last_year_key(year, quarter)
        own = figures.get((indicator.id, year, quarter))
        rows.append(FormRow(indicator, convention(indicator, quarter), stored.get(indicator.id),
                            figures.get((indicator.id, *pk_prev)), pk_prev, figures.get((indicator.id, *pk_last)),
                            pk_last, own if own is not None and own.approved else None))
    return rows


def status_label(status: str | None) -> str:
    zh, en = STATUS_LABELS.get(status or "not_started", (status, status))
    return f"{zh} {en}"


@dataclass
class GridCell:
    year: int
    quarter: int
    status: str  # not_started / draft / submitted / returned / approved
    timeliness: str  # on_time / late / overdue / open
    deadline: date
    days_left: int
    submitted_at: object = None

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


def completeness_grid(plan: Plan, year: int, *, on: date | None = None) -> list[dict]:
    """District (and city) × quarter: status, on time or late (three queries)."""
    on = on or reminders.today()
    due = reminders.deadlines(plan, [year])
    districts = [(None, CITY, _("全市（市级指标）"))] + [
        (d.id, d.code, d.name) for d in District.objects.filter(plan=plan).order_by("order")]
    subs = {(s["district_id"], s["quarter"]): s for s in Submission.objects.filter(plan=plan, year=year).values(
        "district_id", "quarter", "status", "submitted_at")}
    grid = []
    for district_id, code, name in districts:
        cells = []
        for quarter in range(1, 5):
            sub = subs.get((district_id, quarter))
            status = sub["status"] if sub else "not_started"
            submitted_at = sub["submitted_at"] if sub else None
            deadline = due[(year, quarter)]
            cells.append(GridCell(year, quarter, status, reminders.timeliness(
                status=status, submitted_at=submitted_at, deadline=deadline, on=on), deadline,
                (deadline - on).days, submitted_at))
        grid.append({"code": code, "name": name, "cells": cells})
    return grid


def home_quarters(plan: Plan, district: District | None, year: int, *, on: date | None = None) -> list[GridCell]:
    """One district's (or the city's) quarters of a year with status and deadline (two queries)."""
    on = on or reminders.today()
    due = reminders.deadlines(plan, [year])
    qs = Submission.objects.filter(plan=plan, year=year)
    qs = qs.filter(district__isnull=True) if district is None else qs.filter(district=district)
    subs = {s["quarter"]: s for s in qs.values("quarter", "status", "submitted_at")}
    cells = []
    for quarter in range(1, 5):
        if not period_allowed(plan, year, quarter, on=on):
            continue
        sub = subs.get(quarter)
        status = sub["status"] if sub else "not_started"
        submitted_at = sub["submitted_at"] if sub else None
        deadline = due[(year, quarter)]
        cells.append(GridCell(year, quarter, status, reminders.timeliness(
            status=status, submitted_at=submitted_at, deadline=deadline, on=on), deadline, (deadline - on).days,
            submitted_at))
    return cells


EXPORT_COLUMNS = [
    ("number", "指标序号 No."), ("indicator", "指标 indicator"), ("indicator_en", "英文名 English name"),
    ("unit", "单位 unit"), ("measure", "口径 measure"), ("district_code", "地区代码 district code"),
    ("district", "地区 district"), ("year", "年份 year"), ("quarter", "季度 quarter"), ("value", "数值 value"),
    ("numerator", "分子 numerator"), ("denominator", "分母 denominator"), ("kind", "版本 version kind"),
    ("source", "来源 source"), ("recorded_at", "记录时间 recorded at"),
]


def approved_figures(plan: Plan, *, district_codes: list[str] | None = None, include_city: bool = True
                     ) -> list[dict]:
    """Every figure that counts (its newest version; a real one before a demo one), one query.

    district_codes None: every district. include_city: the city-level figures too.
    """
    qs = ObservationVersion.objects.filter(observation__indicator__plan=plan)
    scope = Q()
    if district_codes is not None:
        scope |= Q(observation__district__code__in=district_codes)
    else:
        scope |= Q(observation__district__isnull=False)
    if include_city:
        scope |= Q(observation__district__isnull=True)
    qs = qs.filter(scope).values(
        "id", "observation_id", "kind", "value", "numerator", "denominator", "recorded_at", "source_title",
        number=F("observation__indicator__number"), indicator=F("observation__indicator__name"),
        indicator_en=F("observation__indicator__name_en"), unit=F("observation__indicator__unit"),
        measure=F("observation__indicator__measure"), district_code=F("observation__district__code"),
        district=F("observation__district__name"), district_order=F("observation__district__order"),
        year=F("observation__year"), quarter=F("observation__quarter"),
    ).order_by("observation_id", "recorded_at", "id")
    newest: dict[int, dict] = {}
    for row in qs:
        held = newest.get(row["observation_id"])
        if held is None or row["kind"] != ObservationVersion.Kind.DEMO or held["kind"] == ObservationVersion.Kind.DEMO:
            newest[row["observation_id"]] = row
    rows = []
    labels = dict(ObservationVersion.Kind.choices)
    for row in newest.values():
        rows.append({**row, "district_code": row["district_code"] or CITY, "district": row["district"] or "全市",
                     "source": row["source_title"], "kind": f"{row['kind']} {labels.get(row['kind'], '')}",
                     "recorded_at": timezone.localtime(row["recorded_at"]).strftime("%Y-%m-%d %H:%M")})
    rows.sort(key=lambda r: (r["number"], r["district_order"] if r["district_order"] is not None else -1,
                             r["year"], r["quarter"]))
    return rows


@dataclass
class HistoryEvent:
    when: object
    who: str
    kind: str  # "value" or "status"
    old: str
    new: str
    status: str
    comment: str
    reason: str


def value_history(plan: Plan, district: District | None, year: int, quarter: int, indicator: Indicator
                  ) -> list[HistoryEvent]:
    """A figure's history, oldest first: every value change (who, when, old → new, comment) and every status
    change of its submission (who, when, old → new, reason). Four queries."""
    obs = Observation.objects.filter(indicator=indicator, district=district, year=year, quarter=quarter).first()
    sub = submission_find(plan, district, year, quarter)
    events: list[HistoryEvent] = []

    def shown(rec) -> str:
        if rec is None:
            return "—"
        if indicator.measure == Measure.SHARE and rec.numerator is not None:
            return f"{format_value(rec.value, indicator)} ({rec.numerator}/{rec.denominator})"
        return format_value(rec.value, indicator) if rec.value is not None else "—"

    if obs is not None:
        previous = None
        for rec in obs.history.select_related("history_user").order_by("history_date", "history_id"):
            events.append(HistoryEvent(rec.history_date, user_name(rec.history_user), "value", shown(previous),
                                       shown(rec), "", rec.comment or "", rec.history_change_reason or ""))
            previous = rec
    if sub is not None:
        previous = None
        for rec in sub.history.select_related("history_user").order_by("history_date", "history_id"):
            if previous is None or previous.status != rec.status:
                events.append(HistoryEvent(
                    rec.history_date, user_name(rec.history_user), "status",
                    status_label(previous.status) if previous else "—", status_label(rec.status), rec.status,
                    rec.return_reason if rec.status == Status.RETURNED else "", rec.history_change_reason or ""))
            previous = rec
    events.sort(key=lambda e: e.when)
    return events
