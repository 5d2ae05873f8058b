"""A recompute killed in the middle never leaves the progress table half-written; the rerun gives the same rows
as an uninterrupted run (issue 6)."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from indicators.loaders.synthetic import SyntheticSpec, synthetic_load
from indicators.models import ObservationVersion, Progress
from indicators.progress.services import progress_recompute
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[3]
COLUMNS = ["indicator_id", "scope", "basis", "year", "quarter", "annual_value", "completion", "status", "light",
           "inputs"]
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def snapshot(plan_id):
    rows = Progress.objects.filter(indicator__plan_id=plan_id).values_list(*COLUMNS)
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def progress_writes_in_progress(pid_of_other: int | None) -> bool:
    """True once another backend holds a write lock on the progress table (the recompute is writing)."""
    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                          WHERE c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()""",
                       [Progress._meta.db_table])
        return cursor.fetchone()[0] > 0


def test_killed_recompute_leaves_the_table_as_it_was_and_the_rerun_matches(plan):
    require(connection.vendor == "postgresql", "a second process shares the test database: needs PostgreSQL")
    result = synthetic_load(spec=SyntheticSpec(districts=40, indicators=32, years=6, seed=7))
    synthetic = result.plan_id
    from districts.models import Plan

    synthetic_plan = Plan.objects.get(pk=synthetic)
    progress_recompute(plan=synthetic_plan)
    before = snapshot(synthetic)
    assert len(before) > 10000

    # every figure revised (a census revision, say), so that the next recompute rewrites every row: a recompute
    # writes only the rows whose figures changed, and the kill must land while it is writing
    ObservationVersion.objects.bulk_create([
        ObservationVersion(observation_id=v.observation_id, kind="census",
                           value=None if v.value is None else v.value * 2 + 1,
                           numerator=None if v.numerator is None else v.numerator + 1, denominator=v.denominator)
        for v in ObservationVersion.objects.filter(observation__indicator__plan=synthetic, kind="district")])

    db = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "leshan_plan.settings_test",
           "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
                           f"{db['PORT'] or 5432}/{db['NAME']}"}
    proc = subprocess.Popen([sys.executable, "manage.py", "recompute_progress", "--plan", synthetic_plan.code],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not progress_writes_in_progress(proc.pid):
        time.sleep(0.01)
    assert proc.poll() is None, "the recompute finished before it could be killed mid-write"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    time.sleep(0.5)  # PostgreSQL notices the dead client and rolls its transaction back
    assert snapshot(synthetic) == before, "the killed recompute left a half-written progress table"

    progress_recompute(plan=synthetic_plan)  # the retry
    retried = snapshot(synthetic)
    assert retried != before
    Progress.objects.filter(indicator__plan_id=synthetic).delete()
    progress_recompute(plan=synthetic_plan)  # an uninterrupted run from nothing
    assert snapshot(synthetic) == retried
