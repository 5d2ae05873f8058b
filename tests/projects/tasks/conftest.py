"""Fixtures of the task tests: the plan with its tasks (the companion fixture), units and users."""
import json

import pytest

from tests.conftest import ROOT

TASKS_FIXTURE = ROOT / "fixtures" / "leshan_14th_fyp_tasks.json"


@pytest.fixture
def tasks_plan(plan, departments):
    from projects.tasks.services import tasks_document_load

    tasks_document_load(json.loads(TASKS_FIXTURE.read_text(encoding="utf-8")))
    return plan


@pytest.fixture
def task(tasks_plan):
    """Task 16: 加强金融风险防范化解."""
    from projects.models import Task

    return Task.objects.get(plan=tasks_plan, number=16)
