"""Task writes: load the plan's tasks, assign lead and supporting units and milestones, the half-yearly reports
(save, submit, the supporting units' parts, evidence files, approve, return). One transaction each, history kept.

Workflow of a report, as for figures (indicators/entry/services.py): draft → submitted → approved (locked), or
submitted → returned (with a reason) → submitted … Every write raises the report's revision and names the revision
the person's page showed: a write or a decision on an older page is refused (nothing is overwritten unseen).
Every change leaves a django-simple-history row with who, when, the values and a reason (action, old → new, why).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from districts import access
from districts.models import Department, District, Plan
from projects.tasks.reasons import ACTIONS, state_zh
from projects.models import (
    Task,
    TaskContribution,
    TaskEvidence,
    TaskMilestone,
    TaskProgress,
    TaskReport,
)

State = TaskReport.State
MAX_TEXT = 5000
MAX_FILES = 10
EVIDENCE_TYPES = {  # extension → (content type, how the file starts)
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def _joined(messages) -> str:
    """Several messages in one: 。-ended Chinese ones joined by ；, English ones by "; " (ASCII in English)."""
    from indicators.figures import formatting

    return ("; " if formatting.english() else "；").join(str(m) for m in messages)


class TaskError(Exception):
    """A write was refused; `message` says why. Nothing was stored."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class TaskConflict(TaskError):
    """The report changed after the person's page was opened."""


def _reason(action: str, old: str = "", new: str = "", note: str = "") -> str:
    """The stored change reason, in Chinese whatever the page's language (reasons.shown_reason translates it when
    shown): the action (a key of reasons.ACTIONS), the state change, then what the person typed."""
    assert action in ACTIONS, action
    text = action + (f": {state_zh(old)}→{state_zh(new)}" if old or new else "")
    if note:
        text += f" · {note}"
    return text if len(text) <= 100 else text[:99] + "…"


def user_name(user) -> str:
    if user is None:
        return _("未知用户")
    return user.get_full_name() or user.get_username()


# ------------------------------------------------------------------------------------------ loading

TASK_FIELDS = ("chapter", "chapter_title", "section", "section_title", "subsection", "title", "text")


@transaction.atomic
def tasks_load(*, plan: Plan, tasks: list[dict]) -> int:
    """Upsert the plan's task paragraphs by number (a row is written only when a value differs: loading twice
    writes nothing). Assignments, milestones and reports are kept. Returns the number of tasks in the data."""
    existing = {t.number: t for t in Task.objects.filter(plan=plan)}
    seen = set()
    for entry in tasks:
        number = entry["number"]
        if number in seen:
            raise ValidationError(_("任务序号 %(n)s 重复") % {"n": number})
        seen.add(number)
        values = {k: entry.get(k) if k == "section" else (entry.get(k) or "") for k in TASK_FIELDS}
        task = existing.get(number)
        if task is None:
            task = Task(plan=plan, number=number, **values)
        elif all(getattr(task, k) == v for k, v in values.items()):
            continue
        else:
            for k, v in values.items():
                setattr(task, k, v)
        task.full_clean()
        task._change_reason = _reason("载入规划原文")
        task.save()
    return len(tasks)


# ------------------------------------------------------------------------------------------ units

@dataclass(frozen=True)
class Unit:
    """A lead or supporting unit: a department or a county (district of the task's plan)."""

    kind: str  # "department" | "district"
    obj: object

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.obj.code}"


def units_of(plan: Plan) -> dict[str, Unit]:
    """Every unit that may lead or support a task of the plan, by key (two queries)."""
    units = {f"department:{d.code}": Unit("department", d) for d in Department.objects.filter(is_active=True)}
    units.update({f"district:{d.code}": Unit("district", d) for d in District.objects.filter(plan=plan)})
    return units


def _milestones(text: str, plan: Plan) -> list[tuple[int, str]]:
    """Lines "2023：完成……" (year, a colon or a space, the text) → [(year, text)]; TaskError naming the bad line."""
    out, errors = {}, []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = re.match(r"^(\d{4})\s*(?:年)?\s*[:：\s]\s*(.+)$", line)
        if not match:
            errors.append(_("第%(n)s行：应为“年份：内容”，如“2023：建成并投运”") % {"n": n})
            continue
        year, body = int(match.group(1)), match.group(2).strip()
        if not plan.start_year <= year <= plan.end_year:
            errors.append(_("第%(n)s行：%(y)s年不在规划期 %(a)s—%(b)s 内") % {
                "n": n, "y": year, "a": plan.start_year, "b": plan.end_year})
        elif year in out:
            errors.append(_("第%(n)s行：%(y)s年已填写过") % {"n": n, "y": year})
        elif len(body) > 500:
            errors.append(_("第%(n)s行：内容不能超过500字") % {"n": n})
        else:
            out[year] = body
    if errors:
        raise TaskError(_joined(errors), {"milestones": errors})
    return sorted(out.items())


def parse_milestones(text: str, plan: Plan) -> list[tuple[int, str]]:
    return _milestones(text, plan)


@transaction.atomic
def task_assign(*, task: Task, user, lead: str, supporting: list[str], milestones_text: str,
                reason: str = "") -> Task:
    """Officials: set the lead unit (a unit key, "" for none), the supporting units and the yearly milestones
    ("年份：内容" a line). Refused whole (TaskError naming the field) on an unknown unit, the lead among the
    supporting units or a bad milestone line."""
    access.require_assign_tasks(user)
    task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if task.plan.status != Plan.Status.IN_FORCE:
        raise TaskError(_("只能为施行中的规划分配任务。"))
    units = units_of(task.plan)
    errors = {}
    if lead and lead not in units:
        errors["lead"] = [_("未知的牵头单位")]
    unknown = [k for k in supporting if k not in units]
    if unknown:
        errors["supporting"] = [_("未知的配合单位")]
    elif lead and lead in supporting:
        errors["supporting"] = [_("牵头单位不能同时是配合单位")]
    try:
        milestones = _milestones(milestones_text, task.plan)
    except TaskError as exc:
        errors.update(exc.errors)
        milestones = []
    if errors:
        raise TaskError(_joined(m for msgs in errors.values() for m in msgs), errors)
    old_lead = str(task.lead or "—")
    unit = units.get(lead)
    task.lead_department = unit.obj if unit and unit.kind == "department" else None
    task.lead_district = unit.obj if unit and unit.kind == "district" else None
    chosen = [units[k] for k in supporting]
    task.full_clean()
    # the history rows the many-to-many changes write carry who and why too
    task._history_user = user
    task._change_reason = _reason("分配", old_lead, str(task.lead or "—"), reason.strip())
    task.save()
    task.supporting_departments.set([u.obj for u in chosen if u.kind == "department"])
    task.supporting_districts.set([u.obj for u in chosen if u.kind == "district"])
    _set_milestones(task, milestones, user, reason)
    return task


def _set_milestones(task: Task, milestones: list[tuple[int, str]], user, reason: str) -> None:
    existing = {m.year: m for m in task.milestones.all()}
    wanted = dict(milestones)
    for year, milestone in existing.items():
        if year not in wanted:
            milestone._history_user = user
            milestone._change_reason = _reason("删除年度目标", note=reason.strip())
            milestone.delete()
    for year, text in wanted.items():
        milestone = existing.get(year)
        if milestone is not None and milestone.text == text:
            continue
        milestone = milestone or TaskMilestone(task=task, year=year)
        milestone.text = text
        milestone.full_clean()
        milestone._history_user = user
        milestone._change_reason = _reason("年度目标", note=reason.strip())
        milestone.save()


# ------------------------------------------------------------------------------------------ reports

def half_allowed(plan: Plan, year: int, half: int, *, on=None) -> bool:
    """Half-years of the plan's years that have begun."""
    on = on or timezone.localdate()
    return half in (1, 2) and plan.start_year <= year <= plan.end_year and (year, half) <= (
        on.year, 1 if on.month <= 6 else 2)


def report_get_or_create(*, task: Task, year: int, half: int) -> TaskReport:
    """The report of a task for a half-year, created as an empty draft the first time (the plan in force only)."""
    if task.plan.status != Plan.Status.IN_FORCE:
        raise TaskError(_("只能为施行中的规划报送任务进展。"))
    if not half_allowed(task.plan, year, half):
        raise TaskError(_("该半年不在可报送范围内。"))
    report = TaskReport.objects.filter(task=task, year=year, half=half).first()
    if report is not None:
        return report
    try:
        with transaction.atomic():
            return TaskReport.objects.create(task=task, year=year, half=half)
    except IntegrityError:  # created meanwhile by a concurrent request
        return TaskReport.objects.get(task=task, year=year, half=half)


def _locked(report: TaskReport) -> TaskError:
    return TaskError(_("该报告已于 %(when)s 由 %(who)s 审核通过并锁定，不能修改。") % {
        "who": user_name(report.decided_by),
        "when": timezone.localtime(report.decided_at).strftime("%Y-%m-%d") if report.decided_at else ""})


def _current(report: TaskReport, expected_revision: int | None) -> TaskReport:
    current = (TaskReport.objects.select_for_update(of=("self",))
               .select_related("task__plan", "task__lead_department", "task__lead_district", "decided_by")
               .get(pk=report.pk))
    if expected_revision is not None and current.revision != expected_revision:
        last = current.history.select_related("history_user").order_by("-history_date", "-history_id").first()
        raise TaskConflict(_("未执行：您打开此页后，%(who)s 已于 %(when)s 更改了该报告（现为第 %(rev)s 版）。"
                             "请核对页面上当前的内容后再操作。") % {
            "who": user_name(last.history_user) if last and last.history_user else _("其他用户"),
            "when": timezone.localtime(last.history_date).strftime("%H:%M:%S") if last else "",
            "rev": current.revision})
    return current


def _bump(current: TaskReport) -> None:
    TaskReport.objects.filter(pk=current.pk).update(revision=F("revision") + 1)
    current.refresh_from_db(fields=["revision"])


def check_evidence(files) -> list[str]:
    """Problems of uploaded files (type by name and content, size, count), one message each; [] when all fit."""
    problems = []
    limit = settings.TASK_EVIDENCE_MAX_BYTES
    if len(files) > MAX_FILES:
        problems.append(_("一次最多上传 %(n)s 个文件") % {"n": MAX_FILES})
    for f in files:
        name = PurePath(f.name or "").name
        suffix = PurePath(name).suffix.lower()
        if suffix not in EVIDENCE_TYPES:
            problems.append(_("“%(name)s”：只接受 pdf、docx、xlsx、jpg、png 文件") % {"name": name})
            continue
        if f.size > limit:
            problems.append(_("“%(name)s”：文件过大（最大 %(mb)s MB）") % {"name": name, "mb": limit // (1024 * 1024)})
            continue
        if f.size == 0:
            problems.append(_("“%(name)s”：文件为空") % {"name": name})
            continue
        f.seek(0)
        head = f.read(8)
        f.seek(0)
        if not head.startswith(EVIDENCE_TYPES[suffix][1]):
            problems.append(_("“%(name)s”：文件内容与扩展名不符") % {"name": name})
    return problems


def _safe_name(name: str) -> str:
    name = PurePath(name or "").name
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "", name).strip() or "file"
    return name[-200:]


def _clean_report(progress: str, narrative: str, submit: bool) -> dict:
    errors = {}
    if progress and progress not in TaskProgress.values:
        errors["progress"] = [_("请选择进展状态")]
    if len(narrative) > MAX_TEXT:
        errors["narrative"] = [_("进展情况不能超过%(n)s字") % {"n": MAX_TEXT}]
    if submit:
        if not progress:
            errors.setdefault("progress", [_("报送前请选择进展状态")])
        if not narrative.strip():
            errors.setdefault("narrative", [_("报送前请填写进展情况")])
    return errors


def report_save(*, report: TaskReport, user, expected_revision: int, progress: str, narrative: str,
                files=(), submit: bool = False) -> TaskReport:
    """The lead unit saves (or submits) its report with new evidence files: all of it, or nothing (files checked
    before anything is written, and removed again when the transaction fails)."""
    stored: list[TaskEvidence] = []
    try:
        with transaction.atomic():
            return _report_save(report, user, expected_revision, progress or "", narrative or "", list(files),
                                submit, stored)
    except Exception:
        for evidence in stored:
            evidence.file.delete(save=False)
        raise


def _report_save(report, user, expected_revision, progress, narrative, files, submit, stored):
    current = _current(report, None)
    access.require_report_task(user, current.task)
    if current.state == State.APPROVED:
        raise _locked(current)
    if current.state == State.SUBMITTED:
        raise TaskError(_("该报告已报送，等待市级部门审核；如需修改，请联系市级部门退回。"))
    current = _current(report, expected_revision)
    errors = _clean_report(progress, narrative, submit)
    problems = check_evidence(files)
    if problems:
        errors["files"] = problems
    if errors:
        raise TaskError(_joined(m for msgs in errors.values() for m in msgs), errors)
    old_state = current.state
    _bump(current)
    current.progress, current.narrative, current.updated_by = progress, narrative, user
    if submit:
        current.state, current.submitted_by, current.submitted_at = State.SUBMITTED, user, timezone.now()
    current.full_clean()
    current._history_user = user
    current._change_reason = _reason("报送" if submit else "保存", old_state, current.state)
    current.save()
    for f in files:
        evidence = TaskEvidence(report=current, name=_safe_name(f.name), size=f.size, uploaded_by=user)
        evidence._history_user = user
        evidence.file.save(_safe_name(f.name), f, save=False)
        stored.append(evidence)
        evidence.save()
    return current


@transaction.atomic
def evidence_delete(*, evidence: TaskEvidence, user, expected_revision: int) -> None:
    current = _current(evidence.report, None)
    access.require_report_task(user, current.task)
    if current.state in (State.APPROVED, State.SUBMITTED):
        raise _locked(current) if current.state == State.APPROVED else TaskError(_("该报告已报送，不能删除材料。"))
    current = _current(evidence.report, expected_revision)
    _bump(current)
    current._history_user = user
    current._change_reason = _reason("删除材料", note=evidence.name)
    current.save()
    evidence._history_user = user
    evidence.delete()
    name = evidence.file.name
    transaction.on_commit(lambda: evidence.file.storage.delete(name))


@transaction.atomic
def contribution_save(*, report: TaskReport, user, narrative: str, expected_revision: int) -> TaskContribution:
    """A supporting unit's staff write their unit's part (one per unit); not once the report is approved."""
    current = _current(report, None)
    unit = access.require_contribute_task(user, current.task)
    if current.state == State.APPROVED:
        raise _locked(current)
    current = _current(report, expected_revision)
    narrative = (narrative or "").strip()
    if not narrative:
        raise TaskError(_("请填写本单位的配合进展"), {"narrative": [_("请填写本单位的配合进展")]})
    if len(narrative) > MAX_TEXT:
        raise TaskError(_("进展情况不能超过%(n)s字") % {"n": MAX_TEXT}, {"narrative": [_("进展情况不能超过%(n)s字") % {
            "n": MAX_TEXT}]})
    kind, code = unit
    lookup = {"report": current, "department__code" if kind == "department" else "district__code": code}
    part = TaskContribution.objects.filter(**lookup).first()
    if part is None:
        part = TaskContribution(report=current, department=Department.objects.get(code=code) if kind == "department"
                                else None,
                                district=District.objects.get(plan=current.task.plan, code=code)
                                if kind == "district" else None)
    part.narrative, part.updated_by = narrative, user
    part.full_clean()
    part._history_user = user
    part._change_reason = _reason("配合单位进展")
    part.save()
    _bump(current)
    current._history_user = user
    current._change_reason = _reason("配合单位进展", note=str(part.unit))
    current.save()
    return part


def _decide(report, user, expected_revision, new_state, action, note="", return_reason=None) -> TaskReport:
    access.require_decide_tasks(user)
    current = _current(report, None)
    if current.state != State.SUBMITTED:
        if current.state == State.APPROVED:
            raise _locked(current)
        raise TaskError(_("当前状态为「%(state)s」，不能执行此操作。") % {"state": current.get_state_display()})
    current = _current(report, expected_revision)
    _bump(current)
    current.state, current.decided_by, current.decided_at = new_state, user, timezone.now()
    if return_reason is not None:
        current.return_reason = return_reason
    current.full_clean()
    current._history_user = user
    current._change_reason = _reason(action, State.SUBMITTED, new_state, note)
    current.save()
    return current


@transaction.atomic
def report_approve(*, report: TaskReport, user, expected_revision: int, comment: str = "") -> TaskReport:
    """Approve a submitted report as the official saw it: it is locked and counts on the ledger and in reviews."""
    return _decide(report, user, expected_revision, State.APPROVED, "审核通过", (comment or "").strip()[:200])


@transaction.atomic
def report_return(*, report: TaskReport, user, reason: str, expected_revision: int) -> TaskReport:
    """Return a submitted report to the lead unit with a reason (required)."""
    reason = (reason or "").strip()
    if not reason:
        raise TaskError(_("请填写退回原因。"), {"reason": [_("请填写退回原因。")]})
    if len(reason) > 2000:
        raise TaskError(_("原因不能超过2000字。"), {"reason": [_("原因不能超过2000字。")]})
    return _decide(report, user, expected_revision, State.RETURNED, "退回", reason, return_reason=reason)


TASKS_FORMAT = "leshan-plan-tasks/1"


def tasks_document_load(data: dict) -> int:
    """Load a tasks fixture ({"format": TASKS_FORMAT, "plan": code, "tasks": [...]}) into its plan, which must
    be loaded already. ValidationError naming the problem; nothing is written then."""
    if not isinstance(data, dict) or data.get("format") != TASKS_FORMAT:
        raise ValidationError(_("任务数据的格式应为 %(f)s") % {"f": TASKS_FORMAT})
    plan = Plan.objects.filter(code=data.get("plan")).first()
    if plan is None:
        raise ValidationError(_("没有代码为“%(code)s”的规划") % {"code": data.get("plan")})
    tasks = data.get("tasks")
    if not isinstance(tasks, list) or not all(isinstance(t, dict) and isinstance(t.get("number"), int)
                                              and t.get("text") and t.get("title") for t in tasks):
        raise ValidationError(_("每项任务须有序号、任务名称和原文"))
    return tasks_load(plan=plan, tasks=tasks)
