"""Celery beat task of the data entry: remind districts that have not submitted (issue 4).

Beat entry (settings.CELERY_BEAT_SCHEDULE, owned by the lead):
    "remind-due-submissions": {"task": "indicators.entry.tasks.remind_due_submissions",
                               "schedule": crontab(hour=8, minute=30)}
Run once a day: a district is mailed on the day it is exactly ENTRY_REMINDER_DAYS days before the deadline.
notify_decision is queued by the approval and return services when their transaction commits.
"""
from celery import shared_task

from districts.models import Plan
from indicators.entry import reminders


@shared_task(bind=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=3)
def remind_due_submissions(self, plan_id: int | None = None) -> int:
    """E-mail the staff of districts due in ENTRY_REMINDER_DAYS days; returns the number of e-mails sent. Only the
    plan in force takes figures, so only its districts are reminded (drafts and ended plans never)."""
    plans = Plan.objects.filter(status=Plan.Status.IN_FORCE)
    if plan_id:
        plans = plans.filter(pk=plan_id)
    return sum(reminders.send_due_reminders(plan) for plan in plans)


@shared_task(bind=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=3)
def notify_decision(self, submission_id: int, status: str) -> int:
    """E-mail an approval or a return to the district's staff (queued when the decision commits)."""
    return reminders.send_decision_mail(submission_id=submission_id, status=status)
