"""Entry rules: errors, reporting periods, the figures around a quarter and validation of typed values."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from districts.models import District, Plan
from indicators.entry import reminders
from indicators.figures.formatting import in_language
from indicators.figures.parsing import ParseError, parse_number
from indicators.models import (
    Indicator,
    Measure,
    Observation,
    ObservationVersion,
    Submission,
)
from indicators.plans import schedule

Status = Submission.Status
NUMBER_FIELDS = ("value", "numerator", "denominator")
COUNT_UNITS = ("户", "家", "个", "人", "座", "项")
NON_NEGATIVE = (Measure.FLOW, Measure.STOCK, Measure.SHARE, Measure.QUALITATIVE)
SIX_PLACES = Decimal("0.000001")
CITY = "city"
STATUS_LABELS = {
    "not_started": ("未开始", "not started"),
    Status.DRAFT: ("草稿", "draft"),
    Status.SUBMITTED: ("已报送", "submitted"),
    Status.RETURNED: ("已退回", "returned"),
    Status.APPROVED: ("已审核", "approved"),
}


# ---------------------------------------------------------------------------------------------- errors

class EntryError(Exception):
    """A write was refused; `message` says why (中文。 English.). Nothing was stored."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldConflict:
    """A field someone else changed after the form was opened, where the form holds another value."""

    indicator_id: int
    part: str  # "value", "numerator", "denominator" or "comment"
    stored: Decimal | str | None
    stored_text: str
    who: str
    when: object


class ConflictError(EntryError):
    """Someone saved the form after it was opened: the later save is refused, nothing is overwritten.

    conflicts: the fields changed since the form's revision whose stored value differs from the form's;
    unpicked: those of them for which the user has not yet chosen the stored value or their own."""

    def __init__(self, message: str, *, current_revision: int, conflicts=(), unpicked=()):
        super().__init__(message)
        self.current_revision = current_revision
        self.conflicts = list(conflicts)
        self.unpicked = list(unpicked)


class StaleDecisionError(ConflictError):
    """An approval or return based on a page older than the submission: refused, the current values are shown."""


class LockedError(EntryError):
    """The quarter is approved and locked; only an administrator can reopen it."""


class WorkflowError(EntryError):
    """The action does not fit the submission's status (approve a draft, return an approved quarter …)."""


class BusyError(EntryError):
    """SQLite's write lock could not be had through every attempt (see services.retry_if_locked): nothing was stored."""


class EntryValidationError(EntryError):
    """Values that break a rule. errors[indicator_id][field] → messages; `general` for the whole form."""

    def __init__(self, errors: dict[int, dict[str, list[str]]], general: list[str] | None = None):
        self.errors = errors
        self.general = general or []
        flat = [m for fields in errors.values() for msgs in fields.values() for m in msgs] + self.general
        super().__init__(" ".join(flat[:5]))


@dataclass
class SaveResult:
    submission: Submission
    changed: int = 0
    duplicate: bool = False
    warnings: list[str] = field(default_factory=list)
    # a partial save: the fields left unsaved (their typed text kept with the draft) and why, as EntryValidationError
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------ periods

def prev_key(year: int, quarter: int, quarterly: bool = True) -> tuple[int, int]:
    if not quarterly:
        return year - 1, 4
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def last_year_key(year: int, quarter: int) -> tuple[int, int]:
    return year - 1, quarter


def convention(indicator: Indicator, quarter: int) -> str:
    """The reporting convention of a field, in words (in the active language)."""
    months = quarter * 3
    measure = indicator.measure
    if measure == Measure.FLOW:
        if not indicator.quarterly:
            return _("全年合计")
        return _("1—%(m)s月累计") % {"m": months}
    if measure == Measure.STOCK:
        return _("%(m)s月末数") % {"m": months}
    if measure == Measure.SHARE:
        return _("分子÷分母×100，分子分母均为1—%(m)s月累计") % {"m": months}
    if measure == Measure.RATE:
        return _("1—%(m)s月累计同比增速，可比价，%%") % {"m": months}
    if measure == Measure.INDEX:
        return _("全年指数，按公布值填写")
    return _("全年实际完成额（与省下达目标任务比较）")


def form_indicators(plan: Plan, district: District | None, quarter: int) -> list[Indicator]:
    """The indicators a form lists (one query).

    District form: indicators reported by district; those reported annually only in Q4. City form: indicators
    published only for the whole city, plus rates (the city's growth is not a sum of districts'), indices and
    qualitative indicators; annual ones in Q4.
    """
    qs = Indicator.objects.filter(plan=plan)
    if district is not None:
        qs = qs.filter(by_district=True)
    else:
        qs = qs.filter(Q(by_district=False) | Q(measure__in=[Measure.RATE, Measure.INDEX, Measure.QUALITATIVE]))
    if quarter != 4:
        qs = qs.filter(quarterly=True)
    return list(qs.order_by("number"))


def is_count(indicator: Indicator) -> bool:
    return indicator.unit in COUNT_UNITS


def period_allowed(plan: Plan, year: int, quarter: int, *, on: date | None = None) -> bool:
    """Quarters of the plan's reporting calendar (indicators.plans.schedule) already begun."""
    return schedule.offered(plan, year, quarter, on=on or reminders.today())


# ------------------------------------------------------------------------------------ comparisons

@dataclass(frozen=True)
class Figure:
    """A figure shown beside a field and used by the checks: the approved value if any, else the working copy."""

    year: int
    quarter: int
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    approved: bool
    status: str | None
    kind: str | None = None  # the version's kind when approved ("demo" only when no real version exists)
    before: Decimal | None = None  # the value of the real version the newest one replaced, if any


def figures_around(plan: Plan, district: District | None, year: int, indicators: list[Indicator]
                   ) -> dict[tuple[int, int, int], Figure]:
    """(indicator_id, year, quarter) → Figure for this year and last year (two queries)."""
    ids = [i.id for i in indicators]
    rows = list(Observation.objects.filter(indicator_id__in=ids, district=district, year__in=[year - 1, year])
                .values("id", "indicator_id", "year", "quarter", "value", "numerator", "denominator",
                        "submission__status"))
    newest, before = _newest_and_before([r["id"] for r in rows])
    figures = {}
    for row in rows:
        version = newest.get(row["id"])
        source = version or row
        earlier = before.get(row["id"])
        figures[(row["indicator_id"], row["year"], row["quarter"])] = Figure(
            row["year"], row["quarter"], source["value"], source["numerator"], source["denominator"],
            approved=version is not None, status=row["submission__status"],
            kind=version["kind"] if version else None, before=earlier["value"] if earlier else None)
    return figures


def _newest_and_before(observation_ids) -> tuple[dict[int, dict], dict[int, dict]]:
    """observation_id → its newest version (a real one before a demo one), and → the real version before that
    newest one, in one query."""
    newest: dict[int, dict] = {}
    before: dict[int, dict] = {}
    rows = (ObservationVersion.objects.filter(observation_id__in=list(observation_ids))
            .values("observation_id", "kind", "value", "numerator", "denominator", "recorded_at", "id")
            .order_by("observation_id", "recorded_at", "id"))
    for row in rows:
        held = newest.get(row["observation_id"])
        demo = row["kind"] == ObservationVersion.Kind.DEMO
        if held is None or not demo or held["kind"] == ObservationVersion.Kind.DEMO:
            if held is not None and held["kind"] != ObservationVersion.Kind.DEMO:
                before[row["observation_id"]] = held
            newest[row["observation_id"]] = row
    return newest, before


def newest_versions(observation_ids) -> dict[int, dict]:
    """observation_id → its newest version (a real one before a demo one), in one query."""
    return _newest_and_before(observation_ids)[0]


def comparable_key(indicator: Indicator, year: int, quarter: int) -> tuple[int, int] | None:
    """The figure a change is measured against: same quarter last year for flows, previous quarter for stocks."""
    if indicator.measure == Measure.FLOW:
        return last_year_key(year, quarter)
    if indicator.measure in (Measure.STOCK, Measure.SHARE):
        return prev_key(year, quarter, indicator.quarterly)
    if indicator.measure == Measure.INDEX:
        return year - 1, 4
    return None  # rates and qualitative amounts swing by nature; a percentage change of a rate means little


# ------------------------------------------------------------------------------------- validation

def _label(indicator: Indicator, part: str = "") -> tuple[str, str]:
    parts_zh = {"numerator": "（分子）", "denominator": "（分母）", "comment": "（备注）", "": ""}
    parts_en = {"numerator": " (numerator)", "denominator": " (denominator)", "comment": " (comment)", "": ""}
    zh = f"{indicator.number}. {indicator.name}{parts_zh.get(part, '')}"
    en = f"{indicator.number}. {indicator.name_en or indicator.name}{parts_en.get(part, '')}"
    return zh, en


def format_value(value: Decimal | None, indicator: Indicator) -> str:
    from indicators.figures.formatting import with_unit

    return with_unit(value, indicator.unit, indicator.decimals)


def _as_decimal(raw, indicator: Indicator, part: str) -> Decimal | None:
    zh, en = _label(indicator, part)
    unit = "" if part in ("numerator", "denominator") and indicator.measure == Measure.SHARE else indicator.unit
    return parse_number(raw, unit=unit, label=zh, label_en=en, required=False)


@dataclass
class Clean:
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    comment: str

    def same_as(self, obs: Observation | dict | None) -> bool:
        if obs is None:
            return self.value is None and self.numerator is None and self.denominator is None and not self.comment
        get = obs.get if isinstance(obs, dict) else (lambda name: getattr(obs, name))
        return all(same_value(getattr(self, n), get(n)) for n in NUMBER_FIELDS) and self.comment == (get("comment") or "")


def same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)


def validate_values(*, indicators: list[Indicator], values: dict, year: int, quarter: int,
                    figures: dict[tuple[int, int, int], Figure], submit: bool
                    ) -> tuple[dict[int, Clean], dict[int, dict[str, list[str]]], list[str]]:
    """Parse and check the typed values against the rules of issue 4. Returns (clean, errors, warnings).

    Hard errors block any save; a missing number blocks a submit; a figure that fails a plausibility check
    (``plausibility``) needs a comment to be submitted (on a draft save it is only a warning). The comment counts
    only because it was typed for this entry: the form never offers an earlier comment again (form_rows).
    """
    by_id = {i.id: i for i in indicators}
    clean: dict[int, Clean] = {}
    errors: dict[int, dict[str, list[str]]] = {}
    warnings: list[str] = []

    def add(ind_id, name, message):
        errors.setdefault(ind_id, {}).setdefault(name, []).append(message)

    for ind_id, raw in values.items():
        indicator = by_id.get(ind_id)
        if indicator is None:
            continue  # the caller reports unknown indicators
        parsed = {}
        for name in NUMBER_FIELDS:
            try:
                parsed[name] = _as_decimal((raw or {}).get(name), indicator, name)
            except ParseError as exc:
                add(ind_id, name, exc.message)
                parsed[name] = None
        comment = str((raw or {}).get("comment") or "").strip()
        if "\x00" in comment:
            add(ind_id, "comment", _("「%(f)s」备注含有不可见的控制字符。")
                % dict(zip(("f", "e"), _label(indicator, "comment"))))
        elif len(comment) > 1000:
            add(ind_id, "comment", _("「%(f)s」备注不能超过1000字。")
                % dict(zip(("f", "e"), _label(indicator, "comment"))))
        if ind_id in errors:
            continue
        zh, en = _label(indicator)
        if indicator.measure == Measure.SHARE:
            num, den = parsed["numerator"], parsed["denominator"]
            value = None
            if (num is None) != (den is None):
                missing = "numerator" if num is None else "denominator"
                add(ind_id, missing, _("「%(f)s」请同时填写分子和分母。")
                    % {"f": in_language(zh, en)})
            elif num is not None:
                if den <= 0:
                    add(ind_id, "denominator", _("「%(f)s」分母必须大于0。")
                        % {"f": in_language(zh, en)})
                elif num < 0 or num > den:
                    add(ind_id, "numerator", _("「%(f)s」分子应在0与分母之间（比重0—100%%）。") % {"f": in_language(zh, en)})
                else:
                    value = (num / den * 100).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
            clean[ind_id] = Clean(value, num, den, comment)
        else:
            value = parsed["value"]
            if value is not None and is_count(indicator) and value != value.to_integral_value():
                add(ind_id, "value", _("「%(f)s」应为整数（单位：%(u)s）。")
                    % {"f": in_language(zh, en), "u": indicator.unit})
            elif value is not None and value < 0 and indicator.measure in NON_NEGATIVE:
                add(ind_id, "value", _("「%(f)s」不能为负数。") % {"f": in_language(zh, en)})
            clean[ind_id] = Clean(value, None, None, comment)

    for ind_id, item in clean.items():
        if ind_id in errors:
            continue
        indicator = by_id[ind_id]
        zh, en = _label(indicator)
        main_field = "numerator" if indicator.measure == Measure.SHARE else "value"
        if item.value is None and item.numerator is None:
            if submit:
                add(ind_id, main_field, _("「%(f)s」请填写数字后再提交。")
                    % {"f": in_language(zh, en)})
            continue
        if indicator.measure == Measure.FLOW and indicator.quarterly and quarter > 1:
            before = figures.get((ind_id, year, quarter - 1))
            if before is not None and before.value is not None and item.value < before.value:
                add(ind_id, "value", _(
                    "「%(f)s」为年内累计数，不能低于上一季度累计（%(prev)s）。") % {
                    "f": in_language(zh, en), "prev": format_value(before.value, indicator)})
                continue
        checks = plausibility(indicator, item.value, year=year, quarter=quarter, figures=figures)
        if not checks or item.comment:  # a comment typed for this entry explains the figure
            continue
        for check in checks:
            if submit:
                add(ind_id, "comment", check.message)
            else:
                warnings.append(check.message)
    return clean, errors, warnings


@dataclass(frozen=True)
class Check:
    """A figure that may be right but needs a word: ``against`` is what it was compared with ("comparable": the
    previous comparable figure, "replaced": the approved value it replaces, "range": a rate's plausible range)."""

    against: str
    key: tuple[int, int] | None
    message: str


def _pct_change(value: Decimal, base: Decimal | None) -> Decimal | None:
    if base is None or base == 0 or value is None:
        return None
    return abs(value - base) / abs(base) * 100


def plausibility(indicator: Indicator, value: Decimal | None, *, year: int, quarter: int,
                 figures: dict[tuple[int, int, int], Figure]) -> list[Check]:
    """The checks a plausible figure passes, and the ones this value fails (each with its message).

    A change of more than ENTRY_CHANGE_WARNING_PCT % against the previous comparable figure, or against the
    approved value this entry replaces (a correction after a reopen; a demo value is not replaced, it is filled
    in); a growth rate further than ENTRY_RATE_PLAUSIBLE_RANGE percentage points from zero.
    """
    from indicators.figures.formatting import quarter_label

    if value is None:
        return []
    zh, en = _label(indicator)
    limit = Decimal(str(settings.ENTRY_CHANGE_WARNING_PCT))
    checks = []
    if indicator.measure == Measure.RATE:
        plausible = Decimal(str(settings.ENTRY_RATE_PLAUSIBLE_RANGE))
        if abs(value) > plausible:
            checks.append(Check("range", None, _(
                "「%(f)s」增速 %(value)s 超出 ±%(range)s 个百分点的合理范围，请核实（如无误请在备注中说明）。") % {
                "f": zh, "value": format_value(value, indicator),
                "range": f"{settings.ENTRY_RATE_PLAUSIBLE_RANGE:g}"}))
    key = comparable_key(indicator, year, quarter)
    base = figures.get((indicator.id, *key)) if key else None
    change = _pct_change(value, base.value if base else None)
    if change is not None and change > limit:
        checks.append(Check("comparable", key, _(
            "「%(f)s」与%(when)s（%(base)s）相比变化 %(pct)s%%，超过 %(limit)s%%，请在备注中说明原因。") % {
            "f": in_language(zh, en), "when": quarter_label(*key), "base": format_value(base.value, indicator),
            "pct": f"{change:.1f}", "limit": f"{settings.ENTRY_CHANGE_WARNING_PCT:g}"}))
    own = figures.get((indicator.id, year, quarter))
    if (indicator.measure != Measure.RATE and own is not None and own.approved
            and own.kind != ObservationVersion.Kind.DEMO):
        change = _pct_change(value, own.value)
        if change is not None and change > limit:
            checks.append(Check("replaced", (year, quarter), _(
                "「%(f)s」与将被替换的已审核数值（%(base)s）相比变化 %(pct)s%%，超过 %(limit)s%%，请在备注中说明原因。") % {
                "f": zh, "base": format_value(own.value, indicator), "pct": f"{change:.1f}",
                "limit": f"{settings.ENTRY_CHANGE_WARNING_PCT:g}"}))
    return checks
