"""Entry reads: form rows, completeness, the staff's quarters, exports and a figure's history."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from districts.models import District, Plan
from indicators.entry.services import user_name
from indicators.entry.validation import (
    CITY,
    Check,
    Figure,
    Status,
    convention,
    figures_around,
    form_indicators,
    format_value,
    last_year_key,
    period_allowed,
    plausibility,
    prev_key,
    reminders,
)
from indicators.figures import formatting
from indicators.figures.selectors import figure_counts, name_in_language, quarter_state
from indicators.figures.system_texts import shown_reason, shown_source, status_word
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
    comment: str = ""  # the stored comment when it was typed for the entry in progress (the form offers no other)
    replaced: Decimal | None = None  # the approved value the entry replaces (approved quarter: the one it replaced)
    change_previous: Decimal | None = None  # the entry against the previous quarter, in % (a rate: in points)
    change_last_year: Decimal | None = None  # … against the same quarter last year
    checks: list[Check] = field(default_factory=list)  # the plausibility checks the entry fails
    typed: dict[str, str] = field(default_factory=dict)  # text typed into invalid fields, kept with the draft

    def warned(self, against: str, key=None) -> bool:
        return any(c.against == against and (key is None or c.key == key) for c in self.checks)

    @property
    def warn_previous(self) -> bool:
        return self.warned("comparable", self.previous_key)

    @property
    def warn_last_year(self) -> bool:
        return self.warned("comparable", self.last_year_key)

    @property
    def warn_replaced(self) -> bool:
        return self.warned("replaced")

    @property
    def warn_value(self) -> bool:
        return bool(self.checks)


def submission_find(plan: Plan, district: District | None, year: int, quarter: int) -> Submission | None:
    """The submission of a quarter with its users and ``last_approved_at`` (when it last became approved; one
    query)."""
    approvals = (Submission.history.model.objects.filter(id=OuterRef("pk"), status=Status.APPROVED)
                 .order_by("-history_date").values("history_date")[:1])
    qs = Submission.objects.filter(plan=plan, year=year, quarter=quarter).select_related(
        "district", "submitted_by", "decided_by").annotate(last_approved_at=Subquery(approvals))
    qs = qs.filter(district__isnull=True) if district is None else qs.filter(district=district)
    return qs.first()


def _change(indicator: Indicator, value: Decimal | None, base: Figure | None) -> Decimal | None:
    """The change in % of the base; for a growth rate or a share (both in %), the difference in percentage points
    (a rate's or a share's change in % of itself means little: 50% → 52% is 2 个百分点, not 4%)."""
    if value is None or base is None or base.value is None:
        return None
    if indicator.measure in (Measure.RATE, Measure.SHARE):
        return value - base.value
    if base.value == 0:
        return None
    return (value - base.value) / abs(base.value) * 100


def entry_comment(stored: Observation | None, submission: Submission | None) -> str:
    """The stored comment when it was typed for the entry in progress: saved with this submission after it was
    last approved. An earlier comment (demo data, a published figure, a quarter approved before a reopen) never
    explains a new figure, so the form does not offer it again."""
    if stored is None or submission is None or stored.submission_id != submission.pk:
        return ""
    approved_at = getattr(submission, "last_approved_at", None)
    if approved_at is not None and stored.updated_at <= approved_at:
        return ""
    return stored.comment


def form_rows(plan: Plan, district: District | None, year: int, quarter: int, *,
              submission: Submission | None = None) -> list[FormRow]:
    """Every indicator of the form with its stored value and comparison figures (a fixed number of queries):
    the value it replaces, its change against the previous quarter and last year, the checks it fails."""
    indicators = form_indicators(plan, district, quarter)
    figures = figures_around(plan, district, year, indicators)
    stored = {o.indicator_id: o for o in Observation.objects.filter(
        indicator_id__in=[i.id for i in indicators], district=district, year=year, quarter=quarter)}
    approved_quarter = submission is not None and submission.status == Status.APPROVED
    typed = submission.invalid_input if submission is not None else {}
    rows = []
    for indicator in indicators:
        pk_prev = prev_key(year, quarter, indicator.quarterly)
        pk_last = last_year_key(year, quarter)
        own = figures.get((indicator.id, year, quarter))
        obs = stored.get(indicator.id)
        previous, last_year = figures.get((indicator.id, *pk_prev)), figures.get((indicator.id, *pk_last))
        real = own is not None and own.approved and own.kind != ObservationVersion.Kind.DEMO
        if approved_quarter:
            replaced = own.before if real else None
        else:
            replaced = own.value if real else None
        value = obs.value if obs is not None else None
        checks = [] if approved_quarter else plausibility(indicator, value, year=year, quarter=quarter,
                                                          figures=figures)
        rows.append(FormRow(indicator, convention(indicator, quarter), obs, previous, pk_prev, last_year, pk_last,
                            own if own is not None and own.approved else None,
                            comment=entry_comment(obs, submission), replaced=replaced,
                            # a flow is cumulative (1—9月 against 1—6月): its change on the previous quarter is
                            # no growth, so none is shown (the plausibility check compares it with last year's)
                            change_previous=None if indicator.measure == Measure.FLOW else _change(
                                indicator, value, previous),
                            change_last_year=_change(indicator, value, last_year),
                            checks=checks, typed=typed.get(str(indicator.id), {})))
    return rows


def status_label(status: str | None) -> str:
    """A submission's status in the page's language: 已审核 / approved."""
    return status_word(status)


@dataclass
class GridCell:
    year: int
    quarter: int
    status: str  # not_started / draft / submitted / returned / approved
    timeliness: str  # on_time / late / overdue / open
    deadline: date
    days_left: int
    submitted_at: object = None
    state: str = ""  # the status, or without a submission: figures (approved, loaded) / demo (demo only) / not_started

    @property
    def holds_figures(self) -> bool:
        """No submission, but figures stand for the quarter (approved ones loaded without one, or demo ones):
        neither 未开始 nor overdue."""
        return self.state in ("figures", "demo")

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
    counts = figure_counts(plan, year)
    grid = []
    for district_id, code, name in districts:
        cells = []
        for quarter in range(1, 5):
            sub = subs.get((district_id, quarter))
            status = sub["status"] if sub else "not_started"
            submitted_at = sub["submitted_at"] if sub else None
            deadline = due[(year, quarter)]
            state = quarter_state(sub and sub["status"], counts.get((district_id, quarter)))
            cells.append(GridCell(year, quarter, status, _timeliness(state, status, submitted_at, deadline, on),
                                  deadline, (deadline - on).days, submitted_at, state))
        grid.append({"code": code, "name": name, "cells": cells})
    return grid


def home_quarters(plan: Plan, district: District | None, year: int, *, on: date | None = None) -> list[GridCell]:
    """One district's (or the city's) quarters of a year with status and deadline (two queries)."""
    on = on or reminders.today()
    due = reminders.deadlines(plan, [year])
    qs = Submission.objects.filter(plan=plan, year=year)
    qs = qs.filter(district__isnull=True) if district is None else qs.filter(district=district)
    subs = {s["quarter"]: s for s in qs.values("quarter", "status", "submitted_at")}
    counts = figure_counts(plan, year, district)
    district_id = district.id if district is not None else None
    cells = []
    for quarter in range(1, 5):
        if not period_allowed(plan, year, quarter, on=on):
            continue
        sub = subs.get(quarter)
        status = sub["status"] if sub else "not_started"
        submitted_at = sub["submitted_at"] if sub else None
        deadline = due[(year, quarter)]
        state = quarter_state(sub and sub["status"], counts.get((district_id, quarter)))
        cells.append(GridCell(year, quarter, status, _timeliness(state, status, submitted_at, deadline, on),
                              deadline, (deadline - on).days, submitted_at, state))
    return cells


def _timeliness(state: str, status: str, submitted_at, deadline: date, on: date) -> str:
    """on_time / late / overdue / open; a quarter whose figures stand without a submission is not overdue."""
    if state in ("figures", "demo"):
        return "open"
    return reminders.timeliness(status=status, submitted_at=submitted_at, deadline=deadline, on=on)


# key, Chinese header, English header of the approved-figures export (CSV and xlsx)
EXPORT_HEADERS = [
    ("number", "指标序号", "Indicator No."), ("indicator", "指标", "Indicator"), ("unit", "单位", "Unit"),
    ("measure", "口径", "Measure"), ("district_code", "地区代码", "District code"), ("district", "地区", "District"),
    ("year", "年份", "Year"), ("quarter", "季度", "Quarter"), ("value", "数值", "Value"),
    ("numerator", "分子", "Numerator"), ("denominator", "分母", "Denominator"), ("kind", "数据性质", "Figure kind"),
    ("source", "来源", "Source"), ("recorded_at", "记录时间", "Recorded at"),
]


def export_columns() -> list[tuple[str, str]]:
    """(key, header) of the approved-figures export, headers in the page's language."""
    return [(key, formatting.in_language(zh, en)) for key, zh, en in EXPORT_HEADERS]


def kind_words() -> dict[str, str]:
    """A figure version's kind in words, in the page's language."""
    kind = ObservationVersion.Kind
    return {kind.DISTRICT: _("县（市、区）填报，已审核"), kind.PRELIMINARY: _("初步核算"), kind.VERIFIED: _("最终核实"),
            kind.CENSUS: _("普查修订"), kind.DEMO: _("演示数据")}


def measure_words() -> dict[str, str]:
    """An indicator's measure in words, in the page's language."""
    return {Measure.FLOW: _("流量（年初至今累计）"), Measure.STOCK: _("存量（期末数）"),
            Measure.SHARE: _("比重（分子÷分母）"), Measure.RATE: _("增速（可比价）"),
            Measure.INDEX: _("指数（按公布值）"), Measure.QUALITATIVE: _("定性（省下达目标任务）")}


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
        district=F("observation__district__name"), district_en=F("observation__district__name_en"),
        district_order=F("observation__district__order"),
        year=F("observation__year"), quarter=F("observation__quarter"),
    ).order_by("observation_id", "recorded_at", "id")
    newest: dict[int, dict] = {}
    for row in qs:
        held = newest.get(row["observation_id"])
        if held is None or row["kind"] != ObservationVersion.Kind.DEMO or held["kind"] == ObservationVersion.Kind.DEMO:
            newest[row["observation_id"]] = row
    rows = []
    kinds, measures = kind_words(), measure_words()
    english = formatting.english()
    for row in newest.values():
        district = ((row["district_en"] if english and row["district_en"] else name_in_language(row["district"]))
                    if row["district"] else _("全市"))
        rows.append({**row, "district_code": row["district_code"] or CITY, "district": district,
                     "indicator": (row["indicator_en"] or row["indicator"]) if english else row["indicator"],
                     "unit": formatting.unit_text(row["unit"]), "measure": measures.get(row["measure"], row["measure"]),
                     "source": shown_source(row["source_title"]), "kind": kinds.get(row["kind"], row["kind"]),
                     "recorded_at": formatting.local_time(row["recorded_at"])})
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
    change of its submission (who, when, old → new, reason), and every version that counts (approved, published,
    revised, demo: its kind and document). Five queries."""
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
            if shown(previous) == shown(rec) == "—" and not rec.comment:
                continue  # a record that changed no figure (a loaded figure's empty working copy)
            events.append(HistoryEvent(rec.history_date, user_name(rec.history_user), "value", shown(previous),
                                       shown(rec), "", rec.comment or "", shown_reason(rec.history_change_reason)))
            previous = rec
        # the versions that count (approved, published, revised, demo): what the figure is, from which document
        kinds, before = kind_words(), None
        for version in obs.versions.select_related("recorded_by").order_by("recorded_at", "id"):
            who = user_name(version.recorded_by) if version.recorded_by_id else (
                formatting.source_citation(shown_source(version.source_title)) or kinds.get(version.kind, ""))
            events.append(HistoryEvent(version.recorded_at, who, "version", shown(before), shown(version),
                                       version.kind, version.note or "", kinds.get(version.kind, version.kind)))
            before = version
    if sub is not None:
        previous = None
        for rec in sub.history.select_related("history_user").order_by("history_date", "history_id"):
            if previous is None or previous.status != rec.status:
                events.append(HistoryEvent(
                    rec.history_date, user_name(rec.history_user), "status",
                    status_label(previous.status) if previous else "—", status_label(rec.status), rec.status,
                    rec.return_reason if rec.status == Status.RETURNED else "",
                    shown_reason(rec.history_change_reason)))
            previous = rec
    events.sort(key=lambda e: e.when)
    return events


# ------------------------------------------------------------------------------------- work to do

NOTICE_DAYS = 30  # an approval stays on the district's entry home this long; a return until resubmitted


def awaiting_review(plan: Plan):
    """The submissions waiting for an official's decision, oldest first (one query)."""
    return (Submission.objects.filter(plan=plan, status=Status.SUBMITTED)
            .select_related("district", "submitted_by").order_by("submitted_at", "id"))


def awaiting_review_count() -> int:
    """How many submissions of the current plan wait for a decision (one query, for every page's menu)."""
    current = Plan.objects.filter(status=Plan.Status.IN_FORCE).values("pk")[:1]
    return Submission.objects.filter(plan_id=Subquery(current), status=Status.SUBMITTED).count()


def decision_notices(plan: Plan, district: District | None, *, on: date | None = None) -> list[Submission]:
    """The quarters of a district (None: the city) returned and not yet resubmitted, and those approved in the
    last NOTICE_DAYS days, newest decision first (one query)."""
    on = on or reminders.today()
    qs = Submission.objects.filter(plan=plan).filter(
        Q(status=Status.RETURNED) | Q(status=Status.APPROVED, decided_at__date__gte=on - timedelta(days=NOTICE_DAYS)))
    qs = qs.filter(district__isnull=True) if district is None else qs.filter(district=district)
    return list(qs.select_related("decided_by").order_by("-decided_at", "-id"))


def due_quarter(plan: Plan, district: District | None, *, on: date | None = None) -> GridCell | None:
    """The quarter being reported now (the latest that has ended) with its deadline and status; None outside
    the plan (two queries)."""
    on = on or reminders.today()
    year, quarter = prev_key(on.year, (on.month - 1) // 3 + 1)
    if not (plan.base_year <= year <= plan.end_year):
        return None
    deadline = reminders.deadlines(plan, [year])[(year, quarter)]
    sub = Submission.objects.filter(plan=plan, year=year, quarter=quarter)
    sub = sub.filter(district__isnull=True) if district is None else sub.filter(district=district)
    found = sub.values("status", "submitted_at").first() or {"status": "not_started", "submitted_at": None}
    return GridCell(year, quarter, found["status"], reminders.timeliness(
        status=found["status"], submitted_at=found["submitted_at"], deadline=deadline, on=on), deadline,
        (deadline - on).days, found["submitted_at"])


def export_figures(plan: Plan, scope: str) -> list[dict]:
    """The approved figures of an export's scope: "all", "city" or a district's code (access already decided)."""
    if scope == "all":
        return approved_figures(plan)
    if scope == CITY:
        return approved_figures(plan, district_codes=[], include_city=True)
    return approved_figures(plan, district_codes=[scope], include_city=False)
