"""Thin task: take the plan's and the run's ids, call the service."""
from celery import shared_task

from indicators.dashboards import warming


@shared_task(ignore_result=True)
def warm_pages_task(plan_id: int, run_id: int | None = None) -> int:
    return len(warming.pages_warm(plan_id=plan_id, run_id=run_id))
