"""Thin task: take the job's id, call the service (which records a failure on the job itself)."""
from celery import shared_task

from indicators.jobs import services


@shared_task(bind=True, acks_late=True)
def run_job_task(self, job_id: str) -> str:
    return services.job_run(job_id=job_id)
