"""The zero-setup SQLite database holds under a few people saving at once (issue 14).

pytest-django's SQLite test database lives in memory, where locking is not what a deployment sees. These tests
copy the migrated test database to a file and point the `default` alias at it for their duration, with the
OPTIONS of leshan_plan/settings.py (BEGIN IMMEDIATE, WAL, busy timeout), then post real quarter forms from
threads, each through its own test Client logged in as its own county staff member. Skipped on PostgreSQL (CI).
"""
import json
import logging
import sqlite3
import threading
from collections import Counter

import pytest
from django.db import connections
from django.test import Client

from tests.conftest import PLAN_FIXTURE

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20
# the quarter form's fields (fields the form of a quarter does not list are ignored)
VALUES = {"i1_value": "420.5", "i2_value": "6.8", "i3_numerator": "120", "i3_denominator": "400",
          "i4_numerator": "30", "i4_denominator": "60", "i5_value": "310", "i6_value": "7.1", "i7_value": "550",
          "i8_value": "60", "i9_numerator": "20", "i9_denominator": "900", "i12_numerator": "45",
          "i12_denominator": "900", "i13_value": "8", "i14_value": "3", "i15_value": "70"}
# a browser posts every field of the form, the comments too (an incomplete form is refused, nothing blanked)
VALUES.update({f"i{n}_comment": "" for n in sorted({int(k[1:].split("_")[0]) for k in VALUES})})


@pytest.fixture
def file_sqlite(transactional_db, tmp_path):
    """The `default` alias on a file-based copy of the (migrated, empty) test database, in every thread."""
    memory = connections["default"]
    if memory.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has row locks and needs none of this")
    original = connections.settings["default"]
    path = tmp_path / "concurrency.sqlite3"
    memory.ensure_connection()
    target = sqlite3.connect(path)
    memory.connection.backup(target)
    target.close()
    on_file = {**original, "NAME": str(path), "TEST": {**original.get("TEST", {}), "NAME": str(path)}}
    connections.settings["default"] = on_file  # threads open their own connection from this
    connections["default"] = memory.__class__(on_file, "default")
    try:
        yield path
    finally:
        connections["default"].close()
        connections.settings["default"] = original
        connections["default"] = memory  # the in-memory test database was kept open: pytest-django flushes it


def _plan_and_staff(count: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from districts.access import COUNTY_STAFF
    from districts.models import District, Membership
    from indicators.loaders.plan import load_plan

    load_plan(json.loads(PLAN_FIXTURE.read_text(encoding="utf-8")))
    group = Group.objects.get_or_create(name=COUNTY_STAFF)[0]
    districts = list(District.objects.order_by("order"))
    staff = []
    for i in range(count):
        district = districts[i % len(districts)]
        user = get_user_model().objects.create_user(f"staff{i:02d}", password="Test-password-2025")
        user.groups.add(group)
        Membership.objects.create(user=user, district=district)
        staff.append((user, district.code, 1 + i // len(districts)))  # one (district, quarter) each
    return staff


def _errors(responses) -> list[str]:
    """The exceptions behind the 500 responses (the test Client keeps them as exc_info), for the message."""
    import traceback

    return [repr(r.exc_info[1]) + " in " + " < ".join(
        f"{f.name}" for f in reversed(traceback.extract_tb(r.exc_info[2])) if "/indicators/" in f.filename
        or "/leshan_plan/" in f.filename)
        for r in responses if getattr(r, "status_code", None) == 500 and r.exc_info]


def _run_at_once(jobs):
    """Run the callables in threads released together; returns their results (or exceptions) in order."""
    results = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(i, job):
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except Exception as exc:  # noqa: BLE001  (reported by the test)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def test_settings_give_sqlite_immediate_transactions_wal_and_a_busy_timeout(file_sqlite):
    options = connections["default"].settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 20
    with connections["default"].cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20000


def test_twenty_concurrent_quarter_saves_give_no_server_error(file_sqlite):
    from indicators.models import Observation, Submission

    staff = _plan_and_staff(THREADS)
    clients = []
    for user, code, quarter in staff:
        client = Client(raise_request_exception=False)  # a crash is a 500 response here, as a browser sees it
        client.force_login(user)
        clients.append((client, f"/entry/{code}/2023-Q{quarter}/"))
    jobs = [lambda c=c, url=url: c.post(url, {"revision": 0, "action": "save", **VALUES}) for c, url in clients]
    responses = _run_at_once(jobs)

    crashes = [r for r in responses if isinstance(r, Exception)]
    assert not crashes, crashes
    statuses = Counter(r.status_code for r in responses)
    assert statuses[500] == 0, (statuses, _errors(responses))
    assert statuses == {302: THREADS}, statuses  # every save went through (each its own district and quarter)
    assert Submission.objects.count() == THREADS
    assert Observation.objects.filter(submission__isnull=False).values("submission").distinct().count() == THREADS


def test_concurrent_saves_of_one_quarter_store_one_and_refuse_the_others_cleanly(file_sqlite):
    """Ten people of one district save the same new quarter at once: one save wins, the others get the
    conflict page (409), none a server error, and no figure is stored twice."""
    from django.contrib.auth import get_user_model

    from districts.models import District, Membership
    from indicators.models import Observation, Submission

    staff = _plan_and_staff(1)
    user, code, _quarter = staff[0]
    district = District.objects.get(code=code)
    clients = []
    for i in range(10):
        colleague = user if i == 0 else get_user_model().objects.create_user(f"colleague{i}", password="x-Pass-123456")
        if i:
            colleague.groups.set(user.groups.all())
            Membership.objects.create(user=colleague, district=district)
        client = Client(raise_request_exception=False)
        client.force_login(colleague)
        clients.append(client)
    url = f"/entry/{code}/2023-Q3/"
    # each with a different first figure, so that no save is the same as another (a repeat is not a conflict)
    jobs = [lambda c=c, i=i: c.post(url, {"revision": 0, "action": "save", **VALUES, "i1_value": f"42{i}"})
            for i, c in enumerate(clients)]
    responses = _run_at_once(jobs)
    assert not [r for r in responses if isinstance(r, Exception)]
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {302: 1, 409: 9}, (statuses, _errors(responses))
    assert Submission.objects.count() == 1
    sub = Submission.objects.get()
    assert sub.revision == 1
    assert Observation.objects.filter(indicator__number=1, district=district, year=2023, quarter=3).count() == 1


APPROVALS = 6


def test_concurrent_approvals_and_saves_give_no_server_error(file_sqlite):
    """Six officials approve six submitted quarters (each approval recomputes progress in-process, as without
    Redis) while fourteen county staff save other quarters, twenty requests at once: no server error, every
    approval versioned, every save stored."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from districts.access import CITY_OFFICIAL
    from districts.models import District
    from indicators.entry import services as entry
    from indicators.models import ObservationVersion, Submission

    staff = _plan_and_staff(THREADS)
    plan = District.objects.first().plan
    submitted, saving = [], []
    for i, (user, code, quarter) in enumerate(staff):
        if i < APPROVALS:  # six districts: Q1 submitted, to be approved
            entry.quarter_save(plan=plan, district=District.objects.get(code=code), year=2023, quarter=1, user=user,
                               expected_revision=0, values=_values_of(plan, code), submit=True)
            submitted.append(code)
            continue
        client = Client(raise_request_exception=False)
        client.force_login(user)
        saving.append((client, f"/entry/{code}/2023-Q{quarter + 2}/"))  # Q3 / Q4: not the quarter approved
    group = Group.objects.get_or_create(name=CITY_OFFICIAL)[0]
    approving = []
    for i, code in enumerate(submitted):
        official = get_user_model().objects.create_user(f"official{i:02d}", password="x-Pass-123456")
        official.groups.add(group)
        client = Client(raise_request_exception=False)
        client.force_login(official)
        revision = Submission.objects.get(district__code=code, year=2023, quarter=1).revision
        approving.append((client, f"/entry/{code}/2023-Q1/approve/", revision))  # an approval names what it approves
    jobs = [lambda c=c, url=url, r=r: c.post(url, {"comment": "ok", "revision": r}) for c, url, r in approving]
    jobs += [lambda c=c, url=url: c.post(url, {"revision": 0, "action": "save", **VALUES}) for c, url in saving]
    assert len(jobs) == THREADS
    responses = _run_at_once(jobs)

    assert not [r for r in responses if isinstance(r, Exception)]
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {302: len(jobs)}, (statuses, _errors(responses))
    approved = Submission.objects.filter(year=2023, quarter=1, status=Submission.Status.APPROVED)
    assert approved.count() == len(submitted)
    assert ObservationVersion.objects.filter(observation__submission__in=approved).values(
        "observation__submission").distinct().count() == len(submitted)
    assert Submission.objects.filter(year=2023, quarter__in=[3, 4], revision=1).count() == len(saving)


def _values_of(plan, code):
    from districts.models import District
    from indicators.entry.validation import form_indicators
    from indicators.models import Measure

    values = {}
    for indicator in form_indicators(plan, District.objects.get(code=code), 1):
        if indicator.measure == Measure.SHARE:
            values[indicator.id] = {"numerator": VALUES[f"i{indicator.number}_numerator"],
                                    "denominator": VALUES[f"i{indicator.number}_denominator"], "comment": ""}
        else:
            values[indicator.id] = {"value": VALUES[f"i{indicator.number}_value"], "comment": ""}
    return values


# ------------------------------------------------------------------ a write lock held too long elsewhere

@pytest.fixture
def quick_timeout(file_sqlite):
    """The busy timeout cut from 20 s to 0.4 s, so that a lock held elsewhere runs it out in a test's time."""
    options = connections.settings["default"]["OPTIONS"]
    saved = dict(options)
    options.update(timeout=0.4, init_command=options["init_command"].replace("busy_timeout=20000",
                                                                             "busy_timeout=400"))
    connections["default"].close()
    yield file_sqlite
    options.clear()
    options.update(saved)
    connections["default"].close()


class _Attempts(logging.Handler):
    """Counts the failed attempts indicators.entry logs; `reached(n)` is set once n have failed."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.failed = 0
        self.events = {n: threading.Event() for n in range(1, 10)}

    def emit(self, record):
        if record.getMessage().startswith("database locked"):
            self.failed += 1
            self.events[self.failed].set()

    def reached(self, n) -> threading.Event:
        return self.events[n]


@pytest.fixture
def attempts():
    handler = _Attempts()
    logger = logging.getLogger("indicators.entry")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def _hold_write_lock(path, until: threading.Event) -> threading.Thread:
    """Another process's write transaction, as sqlite sees it: BEGIN IMMEDIATE held until `until` is set."""
    taken = threading.Event()

    def hold():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        until.wait(60)
        other.execute("ROLLBACK")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(5)
    return thread


def test_a_save_that_waited_out_the_lock_is_run_again_and_stored_once(quick_timeout, attempts):
    from indicators.models import Observation, Submission

    (user, code, _quarter), = _plan_and_staff(1)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    holder = _hold_write_lock(quick_timeout, until=attempts.reached(1))  # released once the first attempt failed
    response = client.post(f"/entry/{code}/2023-Q3/", {"revision": 0, "action": "save", **VALUES})
    holder.join()
    assert response.status_code == 302, _errors([response])
    assert attempts.failed == 1
    sub = Submission.objects.get()
    assert sub.revision == 1 and Observation.objects.filter(submission=sub).count() > 0


def test_a_save_that_never_gets_the_lock_says_so_and_stores_nothing(quick_timeout, attempts):
    from indicators.models import Observation, Submission

    (user, code, _quarter), = _plan_and_staff(1)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    holder = _hold_write_lock(quick_timeout, until=attempts.reached(3))  # held through every attempt (3)
    response = client.post(f"/entry/{code}/2023-Q3/", {"revision": 0, "action": "save", **VALUES})
    page = response.content.decode()
    holder.join()
    assert response.status_code == 503, _errors([response])
    assert attempts.failed == 3
    assert page.index("数据库正忙，本次操作未保存任何数据") < page.index("The database is busy: nothing was saved")
    assert 'name="i1_value" value="420.5"' in page  # what was typed is still on the form
    assert not Submission.objects.exists() and not Observation.objects.exists()
