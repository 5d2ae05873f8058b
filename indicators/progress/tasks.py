"""Thin tasks: take ids, call a service, own their retries."""
from celery import shared_task

from districts.models import Plan
from indicators.progress import services


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def recompute_indicators_task(self, plan_id: int, indicator_ids: list[int], district_id: int | None = None,
                              period: list[int] | None = None) -> int:
    return services.progress_recompute(plan=Plan.objects.get(pk=plan_id), indicator_ids=indicator_ids,
                                       district_id=district_id, period=tuple(period) if period else None)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def recompute_all_task(self, plan_id: int | None = None) -> int:
    plans = Plan.objects.filter(pk=plan_id) if plan_id else Plan.objects.all()
    return sum(services.progress_recompute(plan=plan) for plan in plans)
