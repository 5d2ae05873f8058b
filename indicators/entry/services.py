"""Entry writes: save, submit, approve, return, reopen; one transaction each, history kept.

Quarterly data entry: the write services (save, submit, approve, return, reopen) and the reads their pages use.

Workflow: draft → submitted → approved, or submitted → returned (back with the district, with a reason) →
submitted … An approved quarter is locked until an administrator reopens it. Only approved figures count:
approval writes an ObservationVersion (kind "district") for every figure whose value changed and queues the
progress recompute. Every write is one transaction; every change to a figure or a status leaves a
django-simple-history row with who, when, the values and a change reason (action and status change).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from districts import access
from districts.models import District, Plan
from indicators.entry.validation import (
    NUMBER_FIELDS,
    STATUS_LABELS,
    ConflictError,
    EntryValidationError,
    LockedError,
    SaveResult,
    Status,
    WorkflowError,
    figures_around,
    form_indicators,
    newest_versions,
    same_value,
    validate_values,
)
from indicators.models import Observation, ObservationVersion, Submission
from indicators.plans.schedule import entry_years
from indicators.progress.services import enqueue_recompute

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
    if plan.status != Plan.Status.IN_FORCE:
        raise ValidationError(_("只能为施行中的规划填报数据。"))
    if not (1 <= quarter <= 4 and year in entry_years(plan)):
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
    who = user_name(submission.decided_by) if submission.decided_by_id else _("市级部门")
    when = timezone.localtime(submission.decided_at).strftime("%Y-%m-%d") if submission.decided_at else ""
    return _("本季度数据已于 %(when)s 由 %(who)s 审核通过并锁定，不能修改；如需更正，请联系管理员重新开放。 "
             "This quarter was approved by %(who)s on %(when)s and is locked; only an administrator (管理员) can "
             "reopen it.") % {"who": who, "when": when}


def _submitted_message() -> str:
    return _("本季度数据已报送，等待市级部门审核；如需修改，请联系市级部门退回。 These figures were submitted and await "
             "a city official's decision; to change them, ask the official to return them.")


def user_name(user) -> str:
    if user is None:
        return _("未知用户")
    return user.get_full_name() or user.get_username()


def _conflict(current: Submission) -> ConflictError:
    last = current.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    who = user_name(last.history_user) if last and last.history_user else _("其他用户")
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
                same_value(obs[n], held[n]) for n in NUMBER_FIELDS):
            continue
        versions.append(ObservationVersion(
            observation_id=obs["id"], kind=ObservationVersion.Kind.DISTRICT, value=obs["value"],
            numerator=obs["numerator"], denominator=obs["denominator"], recorded_by=user, note=comment,
            source_title=_("%(who)s 审核通过的填报数据 figures approved by %(who)s") % {"who": user_name(user)}))
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
