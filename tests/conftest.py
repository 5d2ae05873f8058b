"""Shared fixtures: the plan loaded from fixtures/, users per role, a real browser, eager Celery by default."""
import json
import os
import shutil
from pathlib import Path

import pytest

from leshan_plan.celery_control import use_broker  # noqa: F401  (re-exported for tests)

ROOT = Path(__file__).resolve().parent.parent
PLAN_FIXTURE = ROOT / "fixtures" / "leshan_14th_fyp.json"
PASSWORD = "Test-password-2025"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright in one process


def require(condition: bool, reason: str):
    """Skip locally when a service is missing; in CI (REQUIRE_SERVICES=1) fail instead."""
    if condition:
        return
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def celery_eager():
    """Tasks run in-process unless a test starts a real worker (MACHINE-NOTES: update the app itself)."""
    from leshan_plan.celery import app

    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield app


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Pages cache their bodies per recompute run (dashboards.page_cache): each test starts with none, since ids
    rolled back with one test's rows come again in the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium")
    require(chromium is not None, "Debian's chromium is not installed")
    return {**browser_type_launch_args, "executable_path": chromium,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture
def plan(db):
    from indicators.loaders.plan import load_plan

    load_plan(json.loads(PLAN_FIXTURE.read_text(encoding="utf-8")))
    from indicators.figures.selectors import current_plan

    return current_plan()


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from districts.access import ADMIN, CITY_OFFICIAL, COUNTY_STAFF, DEPARTMENT_STAFF
    from districts.models import Department, DepartmentMembership, District, Membership

    def make(username: str, role: str, district_code: str | None = None, department_code: str | None = None):
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        group = {"staff": COUNTY_STAFF, "official": CITY_OFFICIAL, "admin": ADMIN, "department": DEPARTMENT_STAFF}[role]
        user.groups.add(Group.objects.get_or_create(name=group)[0])
        if role == "admin":
            user.is_staff = user.is_superuser = True
            user.save()
        if district_code:
            Membership.objects.create(user=user, district=District.objects.get(code=district_code))
        if department_code:
            DepartmentMembership.objects.create(user=user, department=Department.objects.get(code=department_code))
        return user

    return make


@pytest.fixture
def official(plan, make_user):
    return make_user("official", "official")


@pytest.fixture
def admin_user(plan, make_user):
    return make_user("admin", "admin")


@pytest.fixture
def staff_shizhong(plan, make_user):
    return make_user("staff_shizhong", "staff", "shizhong")


@pytest.fixture
def staff_emeishan(plan, make_user):
    return make_user("staff_emeishan", "staff", "emeishan")


@pytest.fixture
def departments(db):
    """The starting list of municipal departments (fixtures/departments.json)."""
    from districts.services import load_departments

    load_departments(json.loads((ROOT / "fixtures" / "departments.json").read_text(encoding="utf-8")))


@pytest.fixture
def dept_commerce(plan, departments, make_user):
    return make_user("dept_commerce", "department", department_code="commerce")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (zh-hans): a request in English through the test client leaves
    English active in the thread, and messages are in one language at a time (issue 13)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def approve_shizhong_2023q3(plan, staff, official, comment: str = ""):
    """市中区 2023 Q3 entered by its staff (1. 服务业增加值 = 420.5, 3. the share 120/400), submitted and approved:
    the approved figure of indicator 1 (for the tests of the admin and of the approved-figures export)."""
    from districts.models import District
    from indicators.entry import services as entry
    from indicators.models import Indicator, Observation

    shizhong = District.objects.get(code="shizhong")
    ind = {i.number: i for i in Indicator.objects.filter(plan=plan)}
    sub = entry.submission_get_or_create(plan=plan, district=shizhong, year=2023, quarter=3)
    entry.entry_save(submission=sub, user=staff, expected_revision=0, submit=True, values={
        ind[1].id: {"value": "420.5"}, ind[3].id: {"numerator": "120", "denominator": "400"}})
    entry.submission_approve(submission=sub, user=official, expected_revision=1, comment=comment)
    return Observation.objects.get(indicator=ind[1], district=shizhong, year=2023, quarter=3)
