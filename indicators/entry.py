"""Quarterly data entry: the write services (save, submit, approve, return, reopen) and the reads their pages use.

Workflow: draft → submitted → approved, or submitted → returned (back with the district, with a reason) →
submitted … An approved quarter is locked until an administrator reopens it. Only approved figures count:
approval writes an ObservationVersion (kind "district") for every figure whose value changed and queues the
progress recompute. Every write is one transaction; every change to a figure or a status leaves a
django-simple-history row with who, when, the values and a change reason (action and status change).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, ROUND_HALF_UP

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from districts import access
from districts.models import District, Plan
from indicators import reminders
from indicators.models import Indicator, Measure, Observation, ObservationVersion, Submission
from indicators.parsing import ParseError, parse_number
from indicators.services import enqueue_recompute

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


class ConflictError(EntryError):
    """Someone saved the form after it was opened: the later save is refused, nothing is overwritten."""

    def __init__(self, message: str, *, current_revision: int):
        super().__init__(message)
        self.current_revision = current_revision


class LockedError(EntryError):
    """The quarter is approved and locked; only an administrator can reopen it."""


class WorkflowError(EntryError):
    """The action does not fit the submission's status (approve a draft, return an approved quarter …)."""


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


# ------------------------------------------------------------------------------------------ periods

def prev_key(year: int, quarter: int, quarterly: bool = True) -> tuple[int, int]:
    if not quarterly:
        return year - 1, 4
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def last_year_key(year: int, quarter: int) -> tuple[int, int]:
    return year - 1, quarter


def convention(indicator: Indicator, quarter: int) -> str:
    """The reporting convention of a field, in words (Chinese, then English)."""
    months = quarter * 3
    en_months = {1: "January–March", 2: "January–June", 3: "January–September", 4: "January–December"}[quarter]
    measure = indicator.measure
    if measure == Measure.FLOW:
        if not indicator.quarterly:
            return _("全年合计 / total for the year")
        return _("1—%(m)s月累计 / cumulative %(en)s") % {"m": months, "en": en_months}
    if measure == Measure.STOCK:
        return _("%(m)s月末数 / count at the end of the quarter (month %(m)s)") % {"m": months}
    if measure == Measure.SHARE:
        return _("分子÷分母×100，分子分母均为1—%(m)s月累计 / numerator ÷ denominator × 100, both cumulative "
                 "%(en)s") % {"m": months, "en": en_months}
    if measure == Measure.RATE:
        return _("1—%(m)s月累计同比增速，可比价，%% / year-on-year growth at comparable prices, %(en)s, in %%") % {
            "m": months, "en": en_months}
    if measure == Measure.INDEX:
        return _("全年指数，按公布值填写 / annual index as published")
    return _("全年实际完成额（与省下达目标任务比较） / actual amount for the year (compared with the province's "
             "assigned amount)")


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
    """Plan years from the baseline year to the target year, quarters already begun."""
    on = on or reminders.today()
    if not (1 <= quarter <= 4 and plan.base_year <= year <= plan.end_year):
        return False
    return date(year, quarter * 3 - 2, 1) <= on


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


def figures_around(plan: Plan, district: District | None, year: int, indicators: list[Indicator]
                   ) -> dict[tuple[int, int, int], Figure]:
    """(indicator_id, year, quarter) → Figure for this year and last year (two queries)."""
    ids = [i.id for i in indicators]
    rows = list(Observation.objects.filter(indicator_id__in=ids, district=district, year__in=[year - 1, year])
                .values("id", "indicator_id", "year", "quarter", "value", "numerator", "denominator",
                        "submission__status"))
    newest = newest_versions([r["id"] for r in rows])
    figures = {}
    for row in rows:
        version = newest.get(row["id"])
        source = version or row
        figures[(row["indicator_id"], row["year"], row["quarter"])] = Figure(
            row["year"], row["quarter"], source["value"], source["numerator"], source["denominator"],
            approved=version is not None, status=row["submission__status"])
    return figures


def newest_versions(observation_ids) -> dict[int, dict]:
    """observation_id → its newest version (a real one before a demo one), in one query."""
    newest: dict[int, dict] = {}
    rows = (ObservationVersion.objects.filter(observation_id__in=list(observation_ids))
            .values("observation_id", "kind", "value", "numerator", "denominator", "recorded_at", "id")
            .order_by("observation_id", "recorded_at", "id"))
    for row in rows:
        held = newest.get(row["observation_id"])
        demo = row["kind"] == ObservationVersion.Kind.DEMO
        if held is None or not demo or held["kind"] == ObservationVersion.Kind.DEMO:
            newest[row["observation_id"]] = row
    return newest


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


def _fmt(value: Decimal | None, indicator: Indicator) -> str:
    from indicators.formatting import with_unit

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
        return all(_eq(getattr(self, n), get(n)) for n in NUMBER_FIELDS) and self.comment == (get("comment") or "")


def _eq(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)


def validate_values(*, indicators: list[Indicator], values: dict, year: int, quarter: int,
                    figures: dict[tuple[int, int, int], Figure], submit: bool
                    ) -> tuple[dict[int, Clean], dict[int, dict[str, list[str]]], list[str]]:
    """Parse and check the typed values against the rules of issue 4. Returns (clean, errors, warnings).

    Hard errors block any save; a missing number blocks a submit; a change of more than
    ENTRY_CHANGE_WARNING_PCT % against the comparable figure needs a comment to be submitted (on a draft save
    it is only a warning).
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
            add(ind_id, "comment", _("「%(f)s」备注含有不可见的控制字符。 %(e)s: the comment contains a null character.")
                % dict(zip(("f", "e"), _label(indicator, "comment"))))
        elif len(comment) > 1000:
            add(ind_id, "comment", _("「%(f)s」备注不能超过1000字。 %(e)s: the comment is longer than 1,000 characters.")
                % dict(zip(("f", "e"), _label(indicator, "comment"))))
        if ind_id in errors:
            continue
        zh, en = _label(indicator)
        if indicator.measure == Measure.SHARE:
            num, den = parsed["numerator"], parsed["denominator"]
            value = None
            if (num is None) != (den is None):
                missing = "numerator" if num is None else "denominator"
                add(ind_id, missing, _("「%(f)s」请同时填写分子和分母。 %(e)s: give both numerator and denominator.")
                    % {"f": zh, "e": en})
            elif num is not None:
                if den <= 0:
                    add(ind_id, "denominator", _("「%(f)s」分母必须大于0。 %(e)s: the denominator must be greater than 0.")
                        % {"f": zh, "e": en})
                elif num < 0 or num > den:
                    add(ind_id, "numerator", _("「%(f)s」分子应在0与分母之间（比重0—100%%）。 %(e)s: the numerator must be "
                                               "between 0 and the denominator (a share of 0–100%%).") % {"f": zh, "e": en})
                else:
                    value = (num / den * 100).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
            clean[ind_id] = Clean(value, num, den, comment)
        else:
            value = parsed["value"]
            if value is not None and is_count(indicator) and value != value.to_integral_value():
                add(ind_id, "value", _("「%(f)s」应为整数（单位：%(u)s）。 %(e)s: a count must be a whole number (%(u)s).")
                    % {"f": zh, "e": en, "u": indicator.unit})
            elif value is not None and value < 0 and indicator.measure in NON_NEGATIVE:
                add(ind_id, "value", _("「%(f)s」不能为负数。 %(e)s: must not be negative.") % {"f": zh, "e": en})
            clean[ind_id] = Clean(value, None, None, comment)

    for ind_id, item in clean.items():
        if ind_id in errors:
            continue
        indicator = by_id[ind_id]
        zh, en = _label(indicator)
        main_field = "numerator" if indicator.measure == Measure.SHARE else "value"
        if item.value is None and item.numerator is None:
            if submit:
                add(ind_id, main_field, _("「%(f)s」请填写数字后再提交。 %(e)s: a number is required to submit.")
                    % {"f": zh, "e": en})
            continue
        if indicator.measure == Measure.FLOW and indicator.quarterly and quarter > 1:
            before = figures.get((ind_id, year, quarter - 1))
            if before is not None and before.value is not None and item.value < before.value:
                add(ind_id, "value", _(
                    "「%(f)s」为年内累计数，不能低于上一季度累计（%(prev)s）。 %(e)s: a cumulative year-to-date figure "
                    "cannot fall within a year (previous quarter: %(prev)s).") % {
                    "f": zh, "e": en, "prev": _fmt(before.value, indicator)})
                continue
        key = comparable_key(indicator, year, quarter)
        base = figures.get((ind_id, *key)) if key else None
        if base is None or base.value is None or base.value == 0 or item.value is None:
            continue
        change = abs(item.value - base.value) / abs(base.value) * 100
        if change <= Decimal(str(settings.ENTRY_CHANGE_WARNING_PCT)):
            continue
        from indicators.formatting import quarter_label

        message = _(
            "「%(f)s」与%(when)s（%(base)s）相比变化 %(pct)s%%，超过 %(limit)s%%，请在备注中说明原因。 %(e)s changed by "
            "%(pct)s%% against %(when)s (%(base)s), more than %(limit)s%%: explain it in the comment.") % {
            "f": zh, "e": en, "when": quarter_label(*key), "base": _fmt(base.value, indicator),
            "pct": f"{change:.1f}", "limit": f"{settings.ENTRY_CHANGE_WARNING_PCT:g}"}
        if item.comment:
            continue
        if submit:
            add(ind_id, "comment", message)
        else:
            warnings.append(message)
    return clean, errors, warnings


# ------------------------------------------------------------------------------------------ writes

def _code(district: District | None) -> str | None:
    return district.code if district is not None else None


def _reason(action_zh: str, action_en: str, old: str, new: str, note: str = "") -> str:
    """simple-history's change reason (100 characters): the action and the status change, then the note."""
    text = f"{action_zh} {action_en}: {old}→{new}"
    if note:
        text += f" · {note}"
    return text if len(text) <= 100 else text[:99] + "…"


@transaction.atomic
def submission_get_or_create(*, plan: Plan, district: District | None, year: int, quarter: int) -> Submission:
    """The submission of a district (None: the city) for a quarter, created as an empty draft the first time."""
    if district is not None and district.plan_id != plan.id:
        raise ValidationError(_("该县（市、区）不属于此规划。 The district does not belong to this plan."))
    if not (1 <= quarter <= 4 and plan.base_year <= year <= plan.end_year):
        raise ValidationError(_("规划期外的季度。 The quarter is outside the plan period."))
    lookup = {"plan": plan, "year": year, "quarter": quarter}
    if district is None:
        lookup["district__isnull"] = True
    else:
        lookup["district"] = district
    submission = Submission.objects.filter(**lookup).select_related("district").first()
    if submission is not None:
        return submission
    submission = Submission(plan=plan, district=district, year=year, quarter=quarter, status=Status.DRAFT)
    submission.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:  # created meanwhile by a concurrent request (unique constraint): use that one
        existing = Submission.objects.filter(**lookup).select_related("district").first()
        if existing is None:
            raise
        return existing
    return submission


def _locked_message(submission: Submission) -> str:
    who = _user_name(submission.decided_by) if submission.decided_by_id else _("市级部门")
    when = timezone.localtime(submission.decided_at).strftime("%Y-%m-%d") if submission.decided_at else ""
    return _("本季度数据已于 %(when)s 由 %(who)s 审核通过并锁定，不能修改；如需更正，请联系管理员重新开放。 "
             "This quarter was approved by %(who)s on %(when)s and is locked; only an administrator (管理员) can "
             "reopen it.") % {"who": who, "when": when}


def _submitted_message() -> str:
    return _("本季度数据已报送，等待市级部门审核；如需修改，请联系市级部门退回。 These figures were submitted and await "
             "a city official's decision; to change them, ask the official to return them.")


def _user_name(user) -> str:
    if user is None:
        return _("未知用户")
    return user.get_full_name() or user.get_username()


def _conflict(current: Submission) -> ConflictError:
    last = current.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    who = _user_name(last.history_user) if last and last.history_user else _("其他用户")
    when = timezone.localtime(last.history_date).strftime("%H:%M:%S") if last else ""
    return ConflictError(_(
        "保存被拒绝：您打开此表后，%(who)s 已于 %(when)s 保存了新的数据（第 %(rev)s 版）。您的修改没有保存，也没有覆盖他人的数据；"
        "请核对下方“当前已保存”的数值后再保存。 Refused: %(who)s saved this form at %(when)s (revision %(rev)s) after you "
        "opened it. Your changes were not saved and nothing was overwritten; check the values now saved, shown "
        "beside each field, and save again.") % {"who": who, "when": when, "rev": current.revision},
        current_revision=current.revision)


@transaction.atomic
def entry_save(*, submission: Submission, user, expected_revision: int, values: dict[int, dict],
               submit: bool) -> SaveResult:
    """Save a quarter's values as a draft, or save and submit them. All-or-nothing.

    values: indicator_id → {"value" | "numerator", "denominator", "comment"} (Decimals or typed text); indicators
    left out are not touched. Refused (nothing stored) when the user may not edit the district, the quarter is
    approved (LockedError) or submitted (WorkflowError), the form is older than the stored revision
    (ConflictError; the same values sent twice are recognised and stored once), or a value breaks a rule
    (EntryValidationError).
    """
    access.require_edit(user, _code(submission.district))
    current = Submission.objects.select_for_update(of=("self",)).select_related("district", "plan", "decided_by").get(
        pk=submission.pk)
    indicators = form_indicators(current.plan, current.district, current.quarter)
    by_id = {i.id: i for i in indicators}
    unknown = [k for k in values if k not in by_id]
    if unknown:
        raise EntryValidationError({}, [_("表中含有不属于本表的指标。 The values include indicators that this form "
                                          "does not list.")])
    figures = figures_around(current.plan, current.district, current.year, indicators)
    clean, errors, warnings = validate_values(indicators=indicators, values=values, year=current.year,
                                              quarter=current.quarter, figures=figures, submit=submit)
    existing = {o.indicator_id: o for o in Observation.objects.filter(
        indicator_id__in=list(clean), district=current.district, year=current.year, quarter=current.quarter)}

    if current.revision != expected_revision:
        target = Status.SUBMITTED if submit else current.status
        same = all(item.same_as(existing.get(ind_id)) for ind_id, item in clean.items())
        if not errors and same and current.status == target:
            return SaveResult(submission=current, duplicate=True)
        raise _conflict(current)
    if current.status == Status.APPROVED:
        raise LockedError(_locked_message(current))
    if current.status == Status.SUBMITTED:
        raise WorkflowError(_submitted_message())
    if errors:
        raise EntryValidationError(errors)

    if not Submission.objects.filter(pk=current.pk, revision=expected_revision).update(
            revision=F("revision") + 1, updated_at=timezone.now()):
        raise _conflict(Submission.objects.get(pk=current.pk))
    now = timezone.now()
    old_status = current.status
    new_status = Status.SUBMITTED if submit else old_status
    reason = _reason("提交", "submit", old_status, new_status) if submit else _reason(
        "保存草稿", "save draft", old_status, new_status)
    to_create, to_update = [], []
    for ind_id, item in clean.items():
        obs = existing.get(ind_id)
        if obs is not None and item.same_as(obs) and obs.submission_id == current.pk:
            continue
        if obs is None:
            if item.same_as(None):
                continue
            obs = Observation(indicator_id=ind_id, district=current.district, year=current.year,
                              quarter=current.quarter)
            to_create.append(obs)
        else:
            to_update.append(obs)
        obs.value, obs.numerator, obs.denominator, obs.comment = item.value, item.numerator, item.denominator, \
            item.comment
        obs.submission = current
        obs.updated_by = user
        obs.updated_at = now
        obs.full_clean(validate_constraints=False, exclude=["indicator", "district", "submission", "updated_by"])
    if to_create:
        bulk_create_with_history(to_create, Observation, default_user=user, default_change_reason=reason)
    if to_update:
        bulk_update_with_history(to_update, Observation, ["value", "numerator", "denominator", "comment",
                                                          "submission", "updated_by", "updated_at"],
                                 default_user=user, default_change_reason=reason)

    current.refresh_from_db(fields=["revision", "updated_at"])
    current.status = new_status
    if submit:
        current.submitted_by = user
        current.submitted_at = now
    current.full_clean(validate_constraints=False)
    current._history_user = user
    current._change_reason = reason
    current.save()
    return SaveResult(submission=current, changed=len(to_create) + len(to_update), warnings=warnings)


@transaction.atomic
def quarter_save(*, plan: Plan, district: District | None, year: int, quarter: int, user, expected_revision: int,
                 values: dict[int, dict], submit: bool) -> SaveResult:
    """entry_save for a quarter that may have no submission yet: the submission is created in the same
    transaction, so a refused save leaves nothing behind (not even an empty draft)."""
    access.require_edit(user, _code(district))
    submission = submission_get_or_create(plan=plan, district=district, year=year, quarter=quarter)
    return entry_save(submission=submission, user=user, expected_revision=expected_revision, values=values,
                      submit=submit)


def check_values(*, plan: Plan, district: District | None, year: int, quarter: int, values: dict[int, dict],
                 submit: bool = False) -> tuple[dict[int, dict[str, list[str]]], list[str]]:
    """The checks of entry_save without writing (an upload's preview): (errors, warnings)."""
    indicators = form_indicators(plan, district, quarter)
    figures = figures_around(plan, district, year, indicators)
    _clean, errors, warnings = validate_values(indicators=indicators, values=values, year=year, quarter=quarter,
                                               figures=figures, submit=submit)
    return errors, warnings


def _decide(submission: Submission, user, *, expected: tuple[str, ...], new_status: str, reason: str,
            return_reason: str | None = None) -> Submission:
    current = Submission.objects.select_for_update(of=("self",)).select_related("district", "plan", "decided_by").get(
        pk=submission.pk)
    if current.status not in expected:
        if current.status == Status.APPROVED:
            raise LockedError(_locked_message(current))
        labels = STATUS_LABELS.get(current.status, (current.status, current.status))
        raise WorkflowError(_("当前状态为「%(zh)s」，不能执行此操作。 The submission is %(en)s: this action does not "
                              "apply.") % {"zh": labels[0], "en": labels[1]})
    Submission.objects.filter(pk=current.pk).update(revision=F("revision") + 1)
    current.refresh_from_db(fields=["revision"])
    current.status = new_status
    current.decided_by = user
    current.decided_at = timezone.now()
    if return_reason is not None:
        current.return_reason = return_reason
    current.full_clean(validate_constraints=False)
    current._history_user = user
    current._change_reason = reason
    current.save()
    return current


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise EntryValidationError({}, [_("请填写原因。 A reason is required.")])
    if len(reason) > 2000:
        raise EntryValidationError({}, [_("原因不能超过2000字。 The reason is longer than 2,000 characters.")])
    return reason


@transaction.atomic
def submission_approve(*, submission: Submission, user, comment: str = "") -> Submission:
    """Approve a submitted quarter: lock it, version every changed figure, queue the progress recompute."""
    access.require_official(user)
    comment = (comment or "").strip()[:2000]
    old = Submission.objects.only("status").get(pk=submission.pk).status
    current = _decide(submission, user, expected=(Status.SUBMITTED,), new_status=Status.APPROVED,
                      reason=_reason("审核通过", "approve", old, Status.APPROVED, comment))
    observations = list(Observation.objects.filter(submission=current).values(
        "id", "indicator_id", "value", "numerator", "denominator"))
    newest = newest_versions([o["id"] for o in observations])
    versions = []
    for obs in observations:
        if obs["value"] is None:
            continue
        held = newest.get(obs["id"])
        if held is not None and held["kind"] != ObservationVersion.Kind.DEMO and all(
                _eq(obs[n], held[n]) for n in NUMBER_FIELDS):
            continue
        versions.append(ObservationVersion(
            observation_id=obs["id"], kind=ObservationVersion.Kind.DISTRICT, value=obs["value"],
            numerator=obs["numerator"], denominator=obs["denominator"], recorded_by=user, note=comment,
            source_title=_("%(who)s 审核通过的填报数据 figures approved by %(who)s") % {"who": _user_name(user)}))
    if versions:
        ObservationVersion.objects.bulk_create(versions)
        indicator_of = {o["id"]: o["indicator_id"] for o in observations}
        # only this district's rows and the city's, from this quarter on (a city submission: its indicators)
        enqueue_recompute(plan_id=current.plan_id,
                          indicator_ids=sorted({indicator_of[v.observation_id] for v in versions}),
                          district_id=current.district_id,
                          period=(current.year, current.quarter) if current.district_id else None)
    return current


@transaction.atomic
def submission_return(*, submission: Submission, user, reason: str) -> Submission:
    """Return a submitted quarter to the district with a reason (required); it becomes editable again."""
    access.require_official(user)
    reason = _required_reason(reason)
    return _decide(submission, user, expected=(Status.SUBMITTED,), new_status=Status.RETURNED,
                   reason=_reason("退回", "return", Status.SUBMITTED, Status.RETURNED, reason), return_reason=reason)


@transaction.atomic
def submission_reopen(*, submission: Submission, user, reason: str) -> Submission:
    """Admin only: unlock an approved quarter (it goes back to the district as returned, with the reason).

    The figures approved so far keep counting until the corrected ones are approved.
    """
    access.require_admin(user)
    reason = _required_reason(reason)
    return _decide(submission, user, expected=(Status.APPROVED,), new_status=Status.RETURNED,
                   reason=_reason("重新开放", "reopen", Status.APPROVED, Status.RETURNED, reason),
                   return_reason=reason)


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
            return f"{_fmt(rec.value, indicator)} ({rec.numerator}/{rec.denominator})"
        return _fmt(rec.value, indicator) if rec.value is not None else "—"

    if obs is not None:
        previous = None
        for rec in obs.history.select_related("history_user").order_by("history_date", "history_id"):
            events.append(HistoryEvent(rec.history_date, _user_name(rec.history_user), "value", shown(previous),
                                       shown(rec), "", rec.comment or "", rec.history_change_reason or ""))
            previous = rec
    if sub is not None:
        previous = None
        for rec in sub.history.select_related("history_user").order_by("history_date", "history_id"):
            if previous is None or previous.status != rec.status:
                events.append(HistoryEvent(
                    rec.history_date, _user_name(rec.history_user), "status",
                    status_label(previous.status) if previous else "—", status_label(rec.status), rec.status,
                    rec.return_reason if rec.status == Status.RETURNED else "", rec.history_change_reason or ""))
            previous = rec
    events.sort(key=lambda e: e.when)
    return events
