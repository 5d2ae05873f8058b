"""Deadlines of the quarterly reports and the reminders to districts that have not submitted yet.

A quarter's deadline is its ReportingPeriod row, or the quarter's last day plus
settings.ENTRY_DEFAULT_DEADLINE_DAYS. A district is reminded (e-mail and a notice on its entry home page)
when it has not submitted ENTRY_REMINDER_DAYS days before the deadline; the page notice stays until it
submits, and turns into an overdue notice after the deadline.
"""
from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import COUNTY_STAFF
from districts.models import District, Plan
from indicators.models import ReportingPeriod, Submission

logger = logging.getLogger(__name__)

DONE = (Submission.Status.SUBMITTED, Submission.Status.APPROVED)
OVERDUE_NOTICE_DAYS = 120  # older overdue quarters are on the completeness grid, not in the home page notice


def quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])


def default_deadline(year: int, quarter: int) -> date:
    return quarter_end(year, quarter) + timedelta(days=settings.ENTRY_DEFAULT_DEADLINE_DAYS)


def deadlines(plan: Plan, years) -> dict[tuple[int, int], date]:
    """Every quarter's deadline for the given years (one query)."""
    years = sorted(set(years))
    found = {(y, q): d for y, q, d in ReportingPeriod.objects.filter(plan=plan, year__in=years)
             .values_list("year", "quarter", "deadline")}
    return {(y, q): found.get((y, q)) or default_deadline(y, q) for y in years for q in range(1, 5)}


def today() -> date:
    return timezone.localdate()


def timeliness(*, status: str | None, submitted_at, deadline: date, on: date) -> str:
    """on_time / late (submitted after the deadline) / overdue (not submitted, deadline passed) / open."""
    if status in DONE and submitted_at is not None:
        return "on_time" if timezone.localdate(submitted_at) <= deadline else "late"
    if status in DONE:
        return "on_time"
    return "overdue" if on > deadline else "open"


@dataclass(frozen=True)
class Reminder:
    district_id: int
    district_code: str
    district_name: str
    year: int
    quarter: int
    deadline: date
    days_left: int
    status: str  # "not_started", "draft", "returned"

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


def _reminder_quarters(plan: Plan, on: date, horizon_days: int) -> dict[tuple[int, int], date]:
    """Plan quarters already ended whose deadline lies within [on - OVERDUE_NOTICE_DAYS, on + horizon_days]."""
    years = [y for y in (on.year - 1, on.year) if plan.start_year <= y <= plan.end_year]
    return {key: deadline for key, deadline in deadlines(plan, years).items()
            if quarter_end(*key) < on and -OVERDUE_NOTICE_DAYS <= (deadline - on).days <= horizon_days}


def due_reminders(plan: Plan, *, on: date | None = None, district_codes: list[str] | None = None) -> list[Reminder]:
    """Districts × quarters not yet submitted whose deadline is within ENTRY_REMINDER_DAYS or has passed."""
    on = on or today()
    quarters = _reminder_quarters(plan, on, settings.ENTRY_REMINDER_DAYS)
    if not quarters:
        return []
    districts = District.objects.filter(plan=plan).order_by("order")
    if district_codes is not None:
        districts = districts.filter(code__in=district_codes)
    districts = list(districts.values_list("id", "code", "name"))
    status = {(d, y, q): s for d, y, q, s in Submission.objects.filter(
        plan=plan, district_id__in=[d[0] for d in districts], year__in={y for y, _q in quarters})
        .values_list("district_id", "year", "quarter", "status")}
    reminders = []
    for (year, quarter), deadline in sorted(quarters.items()):
        for district_id, code, name in districts:
            current = status.get((district_id, year, quarter), "not_started")
            if current in DONE:
                continue
            reminders.append(Reminder(district_id, code, name, year, quarter, deadline, (deadline - on).days,
                                      current))
    return reminders


def _message(reminder: Reminder) -> tuple[str, str]:
    from indicators.figures.formatting import quarter_label

    label = quarter_label(reminder.year, reminder.quarter)
    subject = _("【填报提醒】%(district)s %(quarter)s数据尚未报送") % {
        "district": reminder.district_name, "quarter": label}
    body = _(
        "%(district)s %(quarter)s的规划指标数据尚未报送，截止日期为 %(deadline)s（还剩 %(days)s 天）。请登录系统填报并提交：%(path)s"
    ) % {"district": reminder.district_name, "quarter": label, "deadline": reminder.deadline.isoformat(),
         "days": reminder.days_left, "path": f"/entry/{reminder.district_code}/{reminder.year}-Q{reminder.quarter}/"}
    return subject, body


def send_due_reminders(plan: Plan, *, on: date | None = None) -> int:
    """E-mail the county staff (with an address) of every district due in exactly ENTRY_REMINDER_DAYS days.

    Run once a day by celery beat, so each district is mailed once per quarter. Returns the number of e-mails.
    """
    on = on or today()
    due = [r for r in due_reminders(plan, on=on) if r.days_left == settings.ENTRY_REMINDER_DAYS]
    if not due:
        return 0
    recipients: dict[int, list[str]] = {}
    staff = (get_user_model().objects.filter(
        is_active=True, groups__name=COUNTY_STAFF, district_membership__district_id__in={r.district_id for r in due})
        .exclude(email="").values_list("district_membership__district_id", "email").distinct())
    for district_id, email in staff:
        recipients.setdefault(district_id, []).append(email)
    messages = []
    for reminder in due:
        if recipients.get(reminder.district_id):
            subject, body = _message(reminder)
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, sorted(recipients[reminder.district_id])))
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    logger.info("entry reminders: %d due, %d e-mails sent", len(due), sent)
    return sent


# ------------------------------------------------------------------------------------ decisions

def decision_recipients(submission: Submission) -> list[str]:
    """Who hears of an approval or a return: the district's active county staff with an address (one query); for
    the city's figures, the official who submitted them."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if submission.district_id is None:
        users = users.filter(pk=submission.submitted_by_id)
    else:
        users = users.filter(groups__name=COUNTY_STAFF, district_membership__district_id=submission.district_id)
    return sorted(set(users.values_list("email", flat=True)))


def _decision_message(submission: Submission, status: str) -> tuple[str, str]:
    from indicators.figures.formatting import quarter_label

    place = submission.district.name if submission.district_id else _("全市")
    label = quarter_label(submission.year, submission.quarter)
    code = submission.district.code if submission.district_id else "city"
    path = f"/entry/{code}/{submission.year}-Q{submission.quarter}/"
    who = (submission.decided_by.get_full_name() or submission.decided_by.get_username()) \
        if submission.decided_by_id else ""
    values = {"place": place, "quarter": label, "who": who, "path": path, "reason": submission.return_reason}
    if status == Submission.Status.RETURNED:
        return (_("【数据退回】%(place)s %(quarter)s数据已被退回") % values,
                _("%(place)s %(quarter)s的规划指标数据已被 %(who)s 退回，请修改后重新提交。\n\n退回原因：%(reason)s\n\n"
                  "请登录系统查看：%(path)s") % values)
    return (_("【审核通过】%(place)s %(quarter)s数据已审核通过") % values,
            _("%(place)s %(quarter)s的规划指标数据已由 %(who)s 审核通过，已计入规划进度。\n\n请登录系统查看：%(path)s")
            % values)


def send_decision_mail(*, submission_id: int, status: str) -> int:
    """E-mail an approval or a return (status: what was decided) to decision_recipients; returns the e-mails sent."""
    submission = Submission.objects.select_related("district", "decided_by").filter(pk=submission_id).first()
    if submission is None:
        return 0
    recipients = decision_recipients(submission)
    if not recipients:
        return 0
    subject, body = _decision_message(submission, status)
    sent = send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)], fail_silently=False)
    logger.info("entry decision mail: submission=%s status=%s sent=%d", submission_id, status, sent)
    return sent
