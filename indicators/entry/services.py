"""Entry writes: save, submit, approve, return, reopen; one transaction each, history kept.

Quarterly data entry: the write services (save, submit, approve, return, reopen) and the reads their pages use.

Workflow: draft → submitted → approved, or submitted → returned (back with the district, with a reason) →
submitted … An approved quarter is locked until an administrator reopens it or revises one of its figures
(observation_revise). Only approved figures count: approval writes an ObservationVersion (kind "district") for
every figure whose value changed and queues the progress recompute. Every write is one transaction; every change
to a figure or a status leaves a django-simple-history row with who, when, the values and a change reason (action
and status change). Every decision names the revision it decides on, so nothing is approved unseen.
"""
from __future__ import annotations

import functools
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from districts import access
from districts.models import District, Plan
from indicators.entry import reminders, tasks
from indicators.entry.validation import (
    NUMBER_FIELDS,
    STATUS_LABELS,
    BusyError,
    ConflictError,
    EntryValidationError,
    FieldConflict,
    LockedError,
    SaveResult,
    StaleDecisionError,
    Status,
    WorkflowError,
    figures_around,
    form_indicators,
    format_value,
    newest_versions,
    same_value,
    validate_values,
)
from indicators.figures.formatting import in_language
from indicators.figures.system_texts import (
    approved_source,
    revised_source,
    revision_reason,
    workflow_reason,
)
from indicators.models import Measure, Observation, ObservationVersion, Submission
from indicators.plans.schedule import entry_years
from indicators.progress.services import enqueue_recompute

MAX_TYPED = 1000  # characters of a field's typed text kept with a draft

# ------------------------------------------------------------------------------------------ writes

logger = logging.getLogger(__name__)
LOCK_ATTEMPTS = 3


def retry_if_locked(func):
    """Run a write service again from the start when SQLite's write lock was not had within the busy timeout
    (OperationalError "database is locked": other writes queued longer than settings' 20 s), LOCK_ATTEMPTS times
    in all; then BusyError, with nothing stored. Only the outermost call retries (a nested one belongs to its
    caller's transaction), and never once the transaction has committed: the work run on commit (the recompute
    an approval queues) failing is no reason to write again. PostgreSQL (row locks) never takes this path.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if connection.in_atomic_block:
            return func(*args, **kwargs)
        for attempt in range(1, LOCK_ATTEMPTS + 1):
            committed = []
            try:
                with transaction.atomic():
                    transaction.on_commit(lambda: committed.append(True))  # the first hook: runs before the others
                    return func(*args, **kwargs)
            except OperationalError as exc:
                if committed or connection.vendor != "sqlite" or "database is locked" not in str(exc):
                    raise
                logger.warning("database locked: %s attempt %s of %s", func.__name__, attempt, LOCK_ATTEMPTS)
        raise BusyError(_("数据库正忙，本次操作未保存任何数据，请稍后重试。"))
    return wrapper


def _code(district: District | None) -> str | None:
    return district.code if district is not None else None


@retry_if_locked
@transaction.atomic
def submission_get_or_create(*, plan: Plan, district: District | None, year: int, quarter: int) -> Submission:
    """The submission of a district (None: the city) for a quarter, created as an empty draft the first time."""
    if district is not None and district.plan_id != plan.id:
        raise ValidationError(_("该县（市、区）不属于此规划。"))
    if plan.status != Plan.Status.IN_FORCE:
        raise ValidationError(_("只能为施行中的规划填报数据。"))
    if not (1 <= quarter <= 4 and year in entry_years(plan)):
        raise ValidationError(_("规划期外的季度。"))
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
    return _("本季度数据已于 %(when)s 由 %(who)s 审核通过并锁定，不能修改；如需更正，请联系管理员重新开放。") % {"who": who, "when": when}


def _submitted_message() -> str:
    return _("本季度数据已报送，等待市级部门审核；如需修改，请联系市级部门退回。")


def user_name(user) -> str:
    if user is None:
        return _("未知用户")
    return user.get_full_name() or user.get_username()


def _last_change(current: Submission) -> tuple[str, str]:
    last = current.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    who = user_name(last.history_user) if last and last.history_user else _("其他用户")
    when = timezone.localtime(last.history_date).strftime("%H:%M:%S") if last else ""
    return who, when


def _conflict(current: Submission, conflicts=(), unpicked=()) -> ConflictError:
    who, when = _last_change(current)
    return ConflictError(_(
        "保存被拒绝：您打开此表后，%(who)s 已于 %(when)s 保存了新的数据（第 %(rev)s 版）。您的修改没有保存，也没有覆盖他人的数据；请核对下方“当前已保存”的数值后再保存。") % {"who": who, "when": when, "rev": current.revision},
        current_revision=current.revision, conflicts=conflicts, unpicked=unpicked)


def _shown(value, indicator) -> str:
    return format_value(value, indicator) if value is not None else "—"


def _field_conflicts(current: Submission, base_revision: int, clean: dict, errors: dict, existing: dict,
                     by_id: dict) -> list[FieldConflict]:
    """The fields changed on this submission after base_revision whose stored value differs from the form's."""
    conflicts = []
    for ind_id, item in clean.items():
        obs = existing.get(ind_id)
        if ind_id in errors or obs is None or obs.submission_id != current.pk or obs.entry_revision <= base_revision:
            continue
        indicator = by_id[ind_id]
        parts = ("numerator", "denominator") if indicator.measure == Measure.SHARE else ("value",)
        for part in (*parts, "comment"):
            mine, stored = getattr(item, part), getattr(obs, part)
            if part == "comment":
                if (mine or "") == (stored or ""):
                    continue
                text = stored or "—"
            else:
                if same_value(mine, stored):
                    continue
                text = _shown(stored, indicator) if part == "value" else (plain_number(stored) or "—")
            conflicts.append(FieldConflict(ind_id, part, stored, text, user_name(obs.updated_by)
                                           if obs.updated_by_id else _("未知用户"), obs.updated_at))
    return conflicts


def plain_number(value) -> str:
    """A stored Decimal as someone would type it: 1234.500000 → 1234.5."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def _typed(raw: dict | None) -> dict[str, str]:
    """What was typed into an indicator's fields, as kept with a draft (null characters cannot be stored)."""
    out = {}
    for part, text in (raw or {}).items():
        if part in (*NUMBER_FIELDS, "comment") and text not in (None, ""):
            out[part] = (text if isinstance(text, str) else plain_number(text)).replace("\x00", "")[:MAX_TYPED]
    return out


@retry_if_locked
@transaction.atomic
def entry_save(*, submission: Submission, user, expected_revision: int, values: dict[int, dict],
               submit: bool, partial: bool = False, uploaded: bool = False) -> SaveResult:
    """Save a quarter's values as a draft, or save and submit them.

    values: indicator_id → {"value" | "numerator", "denominator", "comment"} (Decimals or typed text); indicators
    left out are not touched. Refused (nothing stored) when the user may not edit the district, the quarter is
    approved (LockedError) or submitted (WorkflowError), or the form is older than the stored revision
    (ConflictError, naming the fields changed since whose stored value differs from the form's; the same values
    sent twice are recognised and stored once).

    All-or-nothing: a value that breaks a rule refuses the save (EntryValidationError). partial: the indicators
    whose values are valid are saved as a draft and the others keep their typed text with the draft
    (Submission.invalid_input), the reasons in SaveResult.errors; a submit with errors saves the draft and does
    not submit.
    """
    access.require_edit(user, _code(submission.district))
    current = Submission.objects.select_for_update(of=("self",)).select_related("district", "plan", "decided_by").get(
        pk=submission.pk)
    indicators = form_indicators(current.plan, current.district, current.quarter)
    by_id = {i.id: i for i in indicators}
    unknown = [k for k in values if k not in by_id]
    if unknown:
        raise EntryValidationError({}, [_("表中含有不属于本表的指标。")])
    figures = figures_around(current.plan, current.district, current.year, indicators)
    clean, errors, warnings = validate_values(indicators=indicators, values=values, year=current.year,
                                              quarter=current.quarter, figures=figures, submit=submit)
    reported = errors
    if partial and submit and errors:  # not submitted: what a draft may hold is kept as one
        clean, errors, warnings = validate_values(indicators=indicators, values=values, year=current.year,
                                                  quarter=current.quarter, figures=figures, submit=False)
    submitting = submit and not reported
    pending = {ind_id: _typed(values[ind_id]) for ind_id in errors} if partial else {}
    existing = {o.indicator_id: o for o in Observation.objects.filter(
        indicator_id__in=list(values), district=current.district, year=current.year, quarter=current.quarter)
        .select_related("updated_by")}

    if current.revision != expected_revision:
        target = Status.SUBMITTED if submitting else current.status
        same = all(item.same_as(existing.get(ind_id)) for ind_id, item in clean.items() if ind_id not in errors)
        same_pending = all(current.invalid_input.get(str(ind_id)) == typed for ind_id, typed in pending.items())
        if (partial or not errors) and same and same_pending and current.status == target:
            return SaveResult(submission=current, duplicate=True, errors=reported)
        raise _conflict(current, _field_conflicts(current, expected_revision, clean, errors, existing, by_id))
    if current.status == Status.APPROVED:
        raise LockedError(_locked_message(current))
    if current.status == Status.SUBMITTED:
        raise WorkflowError(_submitted_message())
    if errors and not partial:
        raise EntryValidationError(errors)

    if not Submission.objects.filter(pk=current.pk, revision=expected_revision).update(
            revision=F("revision") + 1, updated_at=timezone.now()):
        raise _conflict(Submission.objects.get(pk=current.pk))
    revision = expected_revision + 1
    now = timezone.now()
    old_status = current.status
    new_status = Status.SUBMITTED if submitting else old_status
    reason = workflow_reason("提交" if submitting else "上传" if uploaded else "保存草稿", old_status, new_status)
    to_create, to_update = [], []
    for ind_id, item in clean.items():
        if ind_id in errors:
            continue
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
        obs.entry_revision = revision
        obs.full_clean(validate_constraints=False, exclude=["indicator", "district", "submission", "updated_by"])
    if to_create:
        bulk_create_with_history(to_create, Observation, default_user=user, default_change_reason=reason)
    if to_update:
        bulk_update_with_history(to_update, Observation, ["value", "numerator", "denominator", "comment",
                                                          "submission", "updated_by", "updated_at",
                                                          "entry_revision"],
                                 default_user=user, default_change_reason=reason)

    current.refresh_from_db(fields=["revision", "updated_at"])
    current.status = new_status
    if submitting:
        current.submitted_by = user
        current.submitted_at = now
        current.invalid_input = {}
    else:
        kept = {key: typed for key, typed in current.invalid_input.items() if int(key) not in values}
        current.invalid_input = {**kept, **{str(ind_id): typed for ind_id, typed in pending.items()}}
    current.full_clean(validate_constraints=False)
    current._history_user = user
    current._change_reason = reason
    current.save()
    return SaveResult(submission=current, changed=len(to_create) + len(to_update), warnings=warnings,
                      errors=reported)


@retry_if_locked
@transaction.atomic
def quarter_save(*, plan: Plan, district: District | None, year: int, quarter: int, user, expected_revision: int,
                 values: dict[int, dict], submit: bool, partial: bool = False, uploaded: bool = False) -> SaveResult:
    """entry_save for a quarter that may have no submission yet: the submission is created in the same
    transaction, so a refused save leaves nothing behind (not even an empty draft)."""
    access.require_edit(user, _code(district))
    submission = submission_get_or_create(plan=plan, district=district, year=year, quarter=quarter)
    return entry_save(submission=submission, user=user, expected_revision=expected_revision, values=values,
                      submit=submit, partial=partial, uploaded=uploaded)


@retry_if_locked
@transaction.atomic
def quarter_resolve(*, plan: Plan, district: District | None, year: int, quarter: int, user, base_revision: int,
                    resolve_revision: int, values: dict[int, dict], picks: dict[tuple[int, str], str],
                    submit: bool) -> SaveResult:
    """The save after a conflict, once the user has seen the values stored at resolve_revision.

    For every field changed since the form's base_revision whose stored value differs from the form's, picks
    says "stored" (keep what is stored) or "mine" (the form's value); then the values are saved as entry_save
    does (partial) on resolve_revision. Refused, nothing stored (ConflictError), while a choice is missing or when
    the submission changed again since resolve_revision.
    """
    access.require_edit(user, _code(district))
    submission = submission_get_or_create(plan=plan, district=district, year=year, quarter=quarter)
    current = Submission.objects.select_for_update(of=("self",)).select_related("district", "plan").get(
        pk=submission.pk)
    indicators = form_indicators(current.plan, current.district, current.quarter)
    by_id = {i.id: i for i in indicators}
    known = {ind_id: raw for ind_id, raw in values.items() if ind_id in by_id}
    clean, errors, _warnings = validate_values(indicators=indicators, values=known, year=current.year,
                                               quarter=current.quarter, figures={}, submit=False)
    existing = {o.indicator_id: o for o in Observation.objects.filter(
        indicator_id__in=list(known), district=current.district, year=current.year, quarter=current.quarter)
        .select_related("updated_by")}
    conflicts = _field_conflicts(current, base_revision, clean, errors, existing, by_id)
    if current.revision != resolve_revision:
        raise _conflict(current, conflicts)
    unpicked = [c for c in conflicts if picks.get((c.indicator_id, c.part)) not in ("stored", "mine")]
    if unpicked:
        raise _conflict(current, conflicts, unpicked)
    merged = {ind_id: dict(raw or {}) for ind_id, raw in values.items()}
    for c in conflicts:
        if picks[(c.indicator_id, c.part)] == "stored":
            merged[c.indicator_id][c.part] = c.stored if c.stored is not None else ""
    return entry_save(submission=current, user=user, expected_revision=resolve_revision, values=merged,
                      submit=submit, partial=True)


def check_values(*, plan: Plan, district: District | None, year: int, quarter: int, values: dict[int, dict],
                 submit: bool = False) -> tuple[dict[int, dict[str, list[str]]], list[str]]:
    """The checks of entry_save without writing (an upload's preview): (errors, warnings)."""
    indicators = form_indicators(plan, district, quarter)
    figures = figures_around(plan, district, year, indicators)
    _clean, errors, warnings = validate_values(indicators=indicators, values=values, year=year, quarter=quarter,
                                               figures=figures, submit=submit)
    return errors, warnings


def _stale_decision(current: Submission) -> StaleDecisionError:
    who, when = _last_change(current)
    return StaleDecisionError(_(
        "未执行：您打开此页后，%(who)s 已于 %(when)s 更改了这些数据（现为第 %(rev)s 版）。请核对页面上当前的数值后再作决定。")
        % {"who": who, "when": when, "rev": current.revision}, current_revision=current.revision)


def _decide(submission: Submission, user, *, expected: tuple[str, ...], new_status: str, reason: str,
            expected_revision: int | None, return_reason: str | None = None, allowed=None) -> Submission:
    """Move a submission to new_status, refused unless it is in one of the expected statuses and (when
    expected_revision is given) still the revision the user's page showed; allowed(current) may refuse too."""
    current = Submission.objects.select_for_update(of=("self",)).select_related("district", "plan", "decided_by").get(
        pk=submission.pk)
    if current.status not in expected:
        if current.status == Status.APPROVED:
            raise LockedError(_locked_message(current))
        labels = STATUS_LABELS.get(current.status, (current.status, current.status))
        raise WorkflowError(_("当前状态为「%(status)s」，不能执行此操作。") % {"status": in_language(labels[0], labels[1])})
    if expected_revision is not None and current.revision != expected_revision:
        raise _stale_decision(current)
    if allowed is not None:
        allowed(current)
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
        raise EntryValidationError({}, [_("请填写原因。")])
    if len(reason) > 2000:
        raise EntryValidationError({}, [_("原因不能超过2000字。")])
    return reason


def submission_authors(submission: Submission) -> set[int]:
    """The users who submitted the submission or wrote one of its current values (one query)."""
    writers = set(Observation.objects.filter(submission=submission, updated_by__isnull=False)
                  .values_list("updated_by_id", flat=True).distinct())
    return writers | ({submission.submitted_by_id} if submission.submitted_by_id else set())


def _four_eyes(user):
    def check(current: Submission) -> None:
        if not access.can_approve(user, _code(current.district), submission_authors(current)):
            raise WorkflowError(_(
                "您填报或提交了这些市级数据，不能由本人审核通过（四眼原则）；请由另一位市级部门人员或管理员审核。"))
    return check


def _notify(current: Submission) -> None:
    """E-mail the decision to the district's staff (the city's: its submitter) once the transaction commits."""
    if reminders.decision_recipients(current):
        submission_id, status = current.pk, current.status
        # robust: a mail server that is down must not turn a decision already committed into an error page
        transaction.on_commit(lambda: tasks.notify_decision.delay(submission_id=submission_id, status=status),
                              robust=True)


@retry_if_locked
@transaction.atomic
def submission_approve(*, submission: Submission, user, expected_revision: int, comment: str = "") -> Submission:
    """Approve a submitted quarter as the official saw it (expected_revision, else StaleDecisionError): lock it,
    version every changed figure, queue the progress recompute and the e-mail to the district.

    The city's own figures need four eyes: whoever entered or submitted them cannot approve them.
    """
    access.require_official(user)
    comment = (comment or "").strip()[:2000]
    old = Submission.objects.only("status").get(pk=submission.pk).status
    current = _decide(submission, user, expected=(Status.SUBMITTED,), new_status=Status.APPROVED,
                      reason=workflow_reason("审核通过", old, Status.APPROVED, comment),
                      expected_revision=expected_revision, allowed=_four_eyes(user))
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
            source_title=approved_source(user_name(user))))
    # a figure approved over a demo figure is the district's own from now on: no longer counted as demo (the
    # completeness tables, the demo banner)
    Observation.objects.filter(submission=current, is_demo=True, value__isnull=False).update(is_demo=False)
    if versions:
        ObservationVersion.objects.bulk_create(versions)
        indicator_of = {o["id"]: o["indicator_id"] for o in observations}
        # only this district's rows and the city's, from this quarter on (a city submission: its indicators)
        enqueue_recompute(plan_id=current.plan_id,
                          indicator_ids=sorted({indicator_of[v.observation_id] for v in versions}),
                          district_id=current.district_id,
                          period=(current.year, current.quarter) if current.district_id else None)
    _notify(current)
    return current


@retry_if_locked
@transaction.atomic
def submission_return(*, submission: Submission, user, reason: str, expected_revision: int) -> Submission:
    """Return a submitted quarter, as the official saw it, to the district with a reason (required); it becomes
    editable again and the district's staff are e-mailed."""
    access.require_official(user)
    reason = _required_reason(reason)
    current = _decide(submission, user, expected=(Status.SUBMITTED,), new_status=Status.RETURNED,
                      reason=workflow_reason("退回", Status.SUBMITTED, Status.RETURNED, reason),
                      expected_revision=expected_revision, return_reason=reason)
    _notify(current)
    return current


@retry_if_locked
@transaction.atomic
def submission_reopen(*, submission: Submission, user, reason: str, expected_revision: int | None = None
                      ) -> Submission:
    """Admin only: unlock an approved quarter (it goes back to the district as returned, with the reason).

    The figures approved so far keep counting until the corrected ones are approved.
    """
    access.require_admin(user)
    reason = _required_reason(reason)
    return _decide(submission, user, expected=(Status.APPROVED,), new_status=Status.RETURNED,
                   reason=workflow_reason("重新开放", Status.APPROVED, Status.RETURNED, reason),
                   expected_revision=expected_revision, return_reason=reason)


@retry_if_locked
@transaction.atomic
def observation_revise(*, observation: Observation, user, values: dict, reason: str) -> ObservationVersion:
    """Admin only: correct a figure that counts (approved or published) without reopening its quarter.

    values: {"value"} or {"numerator", "denominator"} (Decimals or typed text), checked as an entry is. The
    working copy takes the new value, its history row names the administrator, old → new and the reason; a new
    version counts from now (its note: the reason); the submission's revision is raised (a page opened before
    cannot approve or return on the old values); progress is recomputed.
    """
    access.require_admin(user)
    reason = _required_reason(reason)
    obs = (Observation.objects.select_for_update(of=("self",)).select_related("indicator", "district")
           .get(pk=observation.pk))
    indicator = obs.indicator
    held = newest_versions([obs.pk]).get(obs.pk)
    if held is None or held["kind"] == ObservationVersion.Kind.DEMO:
        raise WorkflowError(_("该数据尚未审核，请在填报页面修改。"))
    clean, errors, _warnings = validate_values(
        indicators=[indicator], values={indicator.id: {**values, "comment": obs.comment}}, year=obs.year,
        quarter=obs.quarter, figures={}, submit=True)
    if errors:
        raise EntryValidationError(errors)
    item = clean[indicator.id]
    if all(same_value(getattr(item, n), held[n]) for n in NUMBER_FIELDS):
        raise EntryValidationError({}, [_("新数值与当前已审核的数值相同，无需修订。")])
    with translation.override("zh-hans"):  # stored in Chinese (values with their Chinese units), shown translated
        change = revision_reason(_shown(held["value"], indicator), _shown(item.value, indicator), reason)
    sub = (Submission.objects.select_for_update(of=("self",)).get(pk=obs.submission_id)
           if obs.submission_id else None)
    if sub is not None:
        obs.entry_revision = sub.revision + 1
    obs.value, obs.numerator, obs.denominator = item.value, item.numerator, item.denominator
    obs.updated_by = user
    obs.full_clean(validate_constraints=False, exclude=["indicator", "district", "submission", "updated_by"])
    obs._history_user = user
    obs._change_reason = change
    obs.save()
    if sub is not None:  # after the figure: its comment stays the one approved with it (form_rows)
        sub.revision += 1
        sub._history_user = user
        sub._change_reason = change
        sub.save()
    version = ObservationVersion(
        observation=obs, kind=ObservationVersion.Kind.DISTRICT if obs.submission_id else held["kind"],
        value=item.value, numerator=item.numerator, denominator=item.denominator, recorded_by=user, note=reason,
        source_title=revised_source(user_name(user)))
    version.full_clean(exclude=["observation", "recorded_by"])
    version.save()
    enqueue_recompute(plan_id=indicator.plan_id, indicator_ids=[indicator.id], district_id=obs.district_id,
                      period=(obs.year, obs.quarter) if obs.district_id else None)
    return version
