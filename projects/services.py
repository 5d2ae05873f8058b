"""Writes for projects, tracked targets and the key-enterprise register. Each is atomic, checks everything before
it writes anything, and leaves who / when / old → new / why in the rows' history (django-simple-history)."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.figures.parsing import ParseError, parse_number
from projects.models import (
    EnterpriseFigure,
    Milestone,
    Project,
    ProjectReport,
    ProjectYearInvestment,
    RegisterEnterprise,
    TrackedTarget,
    TrackedTargetValue,
)

EDITABLE = (ProjectReport.Status.DRAFT, ProjectReport.Status.RETURNED)


class InputError(ValueError):
    """Bad input: ``errors`` maps a field name to its message; nothing was written."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class StaleRevision(ValueError):
    """Someone saved since the form was opened (or decided since the page was shown); nothing was written."""

    def __init__(self, report):
        super().__init__(_("该季度进展已被他人修改，请核对后再提交。"))
        self.report = report


class WrongState(ValueError):
    pass


def _number(errors: dict, key: str, text, *, unit: str, label: str, label_en: str, required=False,
            non_negative=True) -> Decimal | None:
    try:
        value = parse_number(text, unit=unit, label=label, label_en=label_en, required=required)
    except ParseError as exc:
        errors[key] = exc.message
        return None
    if value is not None and non_negative and value < 0:
        errors[key] = _("「%(field)s」不能为负数。") % {"field": label}
        return None
    return value


def _date(errors: dict, key: str, text: str, label: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[key] = _("「%(field)s」应为日期，如 2024-06-30。") % {"field": label}
        return None


def _with_reason(obj, reason: str):
    """The history row's reason: a person's text, or one of reasons.SYSTEM_REASONS stored in Chinese."""
    obj._change_reason = reason[:100] if reason else ""
    return obj


# ---- quarterly project progress

@dataclass
class ReportInput:
    investment: str = ""
    milestone: str = ""
    milestone_done_date: str = ""
    problems: str = ""
    change_reason: str = ""
    extra: dict = field(default_factory=dict)


@transaction.atomic
def project_report_save(*, project: Project, year: int, quarter: int, user, revision: int, data: ReportInput,
                        submit: bool) -> ProjectReport:
    """Save (and with ``submit`` send for approval) a quarter's progress. Refused whole on bad input
    (``InputError``), on a save based on an older revision (``StaleRevision``) or when the quarter is awaiting a
    decision or approved (``WrongState``)."""
    report = ProjectReport.objects.select_for_update().filter(project=project, year=year, quarter=quarter).first()
    if report is not None and report.status not in EDITABLE:
        raise WrongState(_("该季度进展已报送或已审核，不能修改。"))
    if (report.revision if report else 0) != revision:
        raise StaleRevision(report)
    errors = {}
    investment = _number(errors, "investment", data.investment, unit="亿元", label=_("本季度完成投资（亿元）"),
                         label_en="Investment completed in the quarter", required=submit)
    milestone = None
    if data.milestone:
        milestone = Milestone.objects.filter(project=project, pk=data.milestone if str(data.milestone).isdigit()
                                             else None).first()
        if milestone is None:
            errors["milestone"] = _("所选里程碑不属于该项目。")
    done_on = _date(errors, "milestone_done_date", data.milestone_done_date, _("里程碑完成日期"))
    if milestone is not None and done_on is None and "milestone_done_date" not in errors:
        errors["milestone_done_date"] = _("请填写里程碑完成日期。")
    if done_on is not None and done_on > timezone.localdate():
        errors["milestone_done_date"] = _("里程碑完成日期不能晚于今天。")
    if report is not None and report.status == ProjectReport.Status.RETURNED and not data.change_reason.strip():
        errors["change_reason"] = _("退回后修改请说明修改原因。")
    if errors:
        raise InputError(errors)
    report = report or ProjectReport(project=project, year=year, quarter=quarter)
    report.investment, report.milestone, report.milestone_done_date = investment, milestone, done_on
    report.problems, report.change_reason = data.problems.strip(), data.change_reason.strip()
    report.entered_by, report.revision = user, report.revision + 1
    if submit:
        report.status, report.submitted_at = ProjectReport.Status.SUBMITTED, timezone.now()
    else:
        report.status = ProjectReport.Status.DRAFT if report.status != ProjectReport.Status.RETURNED else report.status
    report.full_clean()
    _with_reason(report, report.change_reason or ("报送" if submit else "保存草稿")).save()
    return report


def _decide(report: ProjectReport, revision: int) -> ProjectReport:
    report = ProjectReport.objects.select_for_update().get(pk=report.pk)
    if report.revision != revision:
        raise StaleRevision(report)
    if report.status != ProjectReport.Status.SUBMITTED:
        raise WrongState(_("只能审核已报送的季度进展。"))
    return report


@transaction.atomic
def project_report_approve(*, report: ProjectReport, user, revision: int) -> ProjectReport:
    """Approve: the project's completed investment becomes the sum of its approved quarters, and the milestone
    reported is marked done on the date reported."""
    report = _decide(report, revision)
    report.status, report.decided_by, report.decided_at = ProjectReport.Status.APPROVED, user, timezone.now()
    report.return_reason = ""
    _with_reason(report, "审核通过").save()
    project = Project.objects.select_for_update().get(pk=report.project_id)
    total = ProjectReport.objects.filter(project=project, status=ProjectReport.Status.APPROVED).aggregate(
        s=Sum("investment"))["s"]
    if total is not None and project.completed_investment != total:
        project.completed_investment = total
        _with_reason(project, "季度进展审核通过").save()
    if report.milestone_id and report.milestone.done_date is None:
        milestone = report.milestone
        milestone.done_date = report.milestone_done_date
        milestone.save(update_fields=["done_date"])
    return report


@transaction.atomic
def project_report_return(*, report: ProjectReport, user, revision: int, reason: str) -> ProjectReport:
    if not reason.strip():
        raise InputError({"reason": _("退回须说明理由。")})
    report = _decide(report, revision)
    report.status, report.decided_by, report.decided_at = ProjectReport.Status.RETURNED, user, timezone.now()
    report.return_reason = reason.strip()
    report.revision += 1
    _with_reason(report, reason.strip()).save()
    return report


# ---- how officials track a project

@transaction.atomic
def project_tracking_update(*, project: Project, user, values: dict, yearly: dict[int, str], reason: str) -> Project:
    """Responsible unit, districts, years, planned investment (total and per year) and 验收, as an official
    enters them. ``values`` are cleaned form values; ``yearly`` maps a year to the typed amount (empty: none)."""
    errors = {}
    amounts = {year: _number(errors, f"year_{year}", text, unit="亿元", label=_("%(y)s年计划投资") % {"y": year},
                             label_en=f"Planned investment {year}") for year, text in yearly.items()}
    if values.get("start_year") and values.get("end_year") and values["start_year"] > values["end_year"]:
        errors["end_year"] = _("完工年份不能早于开工年份。")
    if errors:
        raise InputError(errors)
    districts = values.pop("districts", None)
    for name, value in values.items():
        setattr(project, name, value)
    project.full_clean()
    _with_reason(project, reason).save()
    if districts is not None:
        project.districts.set(districts)
    existing = {r.year: r for r in ProjectYearInvestment.objects.filter(project=project)}
    for year, amount in amounts.items():
        row = existing.get(year)
        if amount is None:
            if row is not None:
                _with_reason(row, reason).delete()
        elif row is None or row.planned != amount:
            row = row or ProjectYearInvestment(project=project, year=year)
            row.planned = amount
            _with_reason(row, reason).save()
    return project


# ---- targets outside 专栏6

@transaction.atomic
def tracked_target_value_save(*, target: TrackedTarget, year: int, value_text: str, note: str, user,
                              reason: str = "") -> TrackedTargetValue:
    errors = {}
    value = _number(errors, "value", value_text, unit=target.unit, label=target.name, label_en=target.code,
                    required=True)
    if not target.plan.base_year <= year <= target.plan.end_year:
        errors["year"] = _("年份须在规划期内。")
    if errors:
        raise InputError(errors)
    row = TrackedTargetValue.objects.filter(target=target, year=year).first() or TrackedTargetValue(
        target=target, year=year)
    if row.pk and not reason.strip() and row.value != value:
        raise InputError({"reason": _("修改已填报的数值请说明原因。")})
    row.value, row.note, row.entered_by = value, note.strip(), user
    row.full_clean()
    _with_reason(row, reason or "填报").save()
    return row


@transaction.atomic
def tracked_target_assign(*, target: TrackedTarget, value_text: str, note: str, user) -> TrackedTarget:
    """The amount the province assigned (省下达数); empty clears it (未下达)."""
    errors = {}
    value = _number(errors, "assigned", value_text, unit=target.unit, label=_("省下达数"), label_en="Assigned amount")
    if errors:
        raise InputError(errors)
    target.assigned_value, target.assigned_note = value, note.strip()
    target.full_clean()
    _with_reason(target, "省下达数").save()
    return target


# ---- the key-enterprise register

FIGURE_FIELDS = (("revenue", "亿元", "营业收入（亿元）", "Revenue"), ("employees", "人", "从业人员（人）", "Employees"),
                 ("taxes", "万元", "纳税（万元）", "Taxes"))


@transaction.atomic
def enterprise_figures_save(*, enterprises: list[RegisterEnterprise], year: int, quarter: int,
                            typed: dict[int, dict[str, str]], user) -> int:
    """A quarter's figures for many enterprises at once: all or nothing. ``typed`` maps an enterprise id to its
    typed fields; an enterprise whose fields are all empty is left as it was. Returns the rows written."""
    errors, parsed = {}, {}
    for enterprise in enterprises:
        fields = typed.get(enterprise.pk, {})
        values = {}
        for code, unit, label, label_en in FIGURE_FIELDS:
            v = _number(errors, f"e{enterprise.pk}_{code}", fields.get(code, ""), unit=unit,
                        label=f"{enterprise.name} {label}", label_en=f"{enterprise.name} {label_en}")
            if code == "employees" and v is not None and v != v.to_integral_value():
                errors[f"e{enterprise.pk}_{code}"] = _("「%(field)s」应为整数。") % {
                    "field": f"{enterprise.name} {label}"}
            values[code] = v
        if any(v is not None for v in values.values()):
            parsed[enterprise.pk] = values
    if errors:
        raise InputError(errors)
    existing = {f.enterprise_id: f for f in EnterpriseFigure.objects.filter(
        enterprise__in=[e.pk for e in enterprises], year=year, quarter=quarter)}
    written = 0
    for enterprise in enterprises:
        values = parsed.get(enterprise.pk)
        if values is None:
            continue
        row = existing.get(enterprise.pk) or EnterpriseFigure(enterprise=enterprise, year=year, quarter=quarter)
        employees = None if values["employees"] is None else int(values["employees"])
        if row.pk and (row.revenue, row.employees, row.taxes) == (values["revenue"], employees, values["taxes"]):
            continue
        row.revenue, row.employees, row.taxes, row.entered_by = values["revenue"], employees, values["taxes"], user
        row.full_clean()
        _with_reason(row, "季度填报").save()
        written += 1
    return written
