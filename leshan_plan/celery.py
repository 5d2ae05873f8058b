"""Celery app. Without REDIS_URL tasks run in-process (eager), so `make run` needs no broker."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leshan_plan.settings")

app = Celery("leshan_plan")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The beat schedule (settings.CELERY_BEAT_SCHEDULE) wires the recomputes and the entry reminders; each part's
# tasks live in its own package.
app.autodiscover_tasks(["indicators.progress", "indicators.entry", "indicators.jobs", "indicators.dashboards"])
