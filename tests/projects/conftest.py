"""The plan's work beyond its tables, loaded on top of the plan (fixtures/leshan_14th_fyp_work.json)."""
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORK_FIXTURE = ROOT / "fixtures" / "leshan_14th_fyp_work.json"
PLAN_TEXT = ROOT / "docs" / "plan" / "leshan-14th-fyp-modern-services-plan.txt"


@pytest.fixture
def plan_work(plan):
    from projects.loaders import load_plan_work

    load_plan_work(json.loads(WORK_FIXTURE.read_text(encoding="utf-8")))
    return plan
