"""Redis down while figures are approved: the figures are saved and progress still recomputes (issue 6)."""
import time
from decimal import Decimal

import pytest
from django.db import transaction

from indicators.models import (
    Indicator,
    Observation,
    ObservationVersion,
    Progress,
    RecomputeRun,
)
from indicators.progress.services import enqueue_recompute
from leshan_plan.celery_control import use_broker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down(celery_eager):
    app = celery_eager
    policy = app.conf.task_publish_retry_policy
    app.conf.update(task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1})
    use_broker(app, "redis://127.0.0.1:1/0")  # nothing listens on port 1: every publish fails fast
    yield app
    use_broker(app, None)
    app.conf.update(task_publish_retry_policy=policy)


def test_approved_figure_is_kept_and_recomputed_in_process_when_the_broker_is_down(plan, broker_down):
    indicator = Indicator.objects.get(plan=plan, number=1)
    started = time.time()
    with transaction.atomic():
        obs = Observation.objects.create(indicator=indicator, district=None, year=2023, quarter=4,
                                         value=Decimal("1104.76"))
        ObservationVersion.objects.create(observation=obs, kind="preliminary", value=obs.value)
        enqueue_recompute(plan_id=plan.id, indicator_ids=[indicator.id])
    print(f"\nbroker down: fell back to in-process recompute in {time.time() - started:.2f} s")
    assert ObservationVersion.objects.filter(observation=obs, value=Decimal("1104.76")).exists()
    row = Progress.objects.get(indicator=indicator, scope="city", basis="latest", year=2023, quarter=4)
    assert row.annual_value == pytest.approx(1104.76)
    assert RecomputeRun.objects.filter(plan=plan).exists()  # the dashboard's "last recomputed" stamp
