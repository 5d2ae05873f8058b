"""A real Celery worker on Redis recomputes progress after a figure changes (issue 3)."""
import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from indicators.loaders.published import published_version_record
from indicators.models import Indicator, Observation, Progress
from indicators.progress.services import enqueue_recompute
from leshan_plan.celery_control import running_worker, use_broker
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[3]
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL", "")
    require(bool(url), "TEST_REDIS_URL is not set (a real Redis for the Celery worker test)")
    require(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
            "the worker shares the test database: needs PostgreSQL (DATABASE_URL)")
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def worker(redis_url, plan):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "leshan_plan.settings_test", "REDIS_URL": redis_url,
           "DATABASE_URL": _database_url()}
    try:
        with running_worker(env, ROOT / "celery-worker-test.log") as proc:
            yield proc
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def celery_on_redis(celery_eager, redis_url):
    app = celery_eager
    use_broker(app, redis_url)
    yield app
    use_broker(app, None)


def test_real_worker_updates_progress_after_a_figure_changes(plan, worker, celery_on_redis):
    indicator = Indicator.objects.get(plan=plan, number=1)
    observation = Observation.objects.create(indicator=indicator, district=None, year=2023, quarter=4)
    with transaction.atomic():
        published_version_record(observation=observation, value=Decimal("1104.76"), kind="preliminary",
                                 source_title="2023年乐山市国民经济和社会发展统计公报")
        enqueue_recompute(plan_id=plan.id, indicator_ids=[indicator.id])
    started = time.time()
    row = None
    while time.time() - started < 20 and row is None:
        row = Progress.objects.filter(indicator=indicator, scope="city", basis="latest", year=2023, quarter=4).first()
        time.sleep(0.2)
    assert row is not None, "the worker did not write the progress row within 20 s"
    elapsed = time.time() - started
    print(f"\nprogress row written by the worker {elapsed:.2f} s after commit")
    # PROGRESS.md §3: C = (1104.76 − 890.02)/(1300 − 890.02) = 214.74/409.98 = 0.523782
    assert row.annual_value == pytest.approx(1104.76)
    assert row.completion == pytest.approx(214.74 / 409.98, rel=1e-6)
    assert row.time_share == pytest.approx(0.6)

    # a revision of the same figure is picked up too: the row follows the newest version
    with transaction.atomic():
        published_version_record(observation=observation, value=Decimal("1110.00"), kind="verified",
                                 source_title="2024年乐山市国民经济和社会发展统计公报")
        enqueue_recompute(plan_id=plan.id, indicator_ids=[indicator.id])
    started = time.time()
    while time.time() - started < 20:
        row.refresh_from_db()
        if row.annual_value == pytest.approx(1110.0):
            break
        time.sleep(0.2)
    assert row.annual_value == pytest.approx(1110.0)
    assert row.completion == pytest.approx((1110.0 - 890.02) / 409.98, rel=1e-6)
