"""Backup and restore: export_all → a fresh database → import_all gives identical data (issue 6)."""
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.loaders.published import published_load
from indicators.models import Indicator, Observation, ObservationVersion, Submission
from indicators.progress.services import progress_recompute

PUBLISHED = Path(__file__).resolve().parent.parent / "fixtures" / "published_figures.json"
pytestmark = pytest.mark.django_db(transaction=True)


def everything():
    models = [m for label in ("districts", "indicators", "projects") for m in apps.get_app_config(label).get_models()]
    models += [apps.get_model("auth", "User"), apps.get_model("auth", "Group")]
    return {m._meta.label: json.loads(serializers.serialize("json", m._default_manager.order_by("pk")))
            for m in models}


def test_export_then_import_into_a_fresh_database_gives_identical_data(plan, staff_shizhong, official, tmp_path):
    published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    indicator = Indicator.objects.get(plan=plan, number=5)
    submission = Submission.objects.create(plan=plan, district=staff_shizhong.district_membership.district,
                                           year=2023, quarter=3, status="approved")
    obs = Observation.objects.create(indicator=indicator, district=submission.district, year=2023, quarter=3,
                                     value=Decimal("123.45"), comment="含<b>标记</b>的说明", submission=submission)
    ObservationVersion.objects.create(observation=obs, kind="district", value=obs.value, recorded_by=official)
    # sub-millisecond timestamps come back exactly (Django's JSON encoder alone would cut them to .000)
    Observation.objects.filter(pk=obs.pk).update(updated_at=datetime(2023, 10, 8, 9, 0, 0, 500, tzinfo=UTC))
    progress_recompute(plan=plan)
    before = everything()
    assert sum(len(rows) for rows in before.values()) > 250

    path = tmp_path / "backup.json"
    call_command("export_all", str(path))
    call_command("flush", "--noinput")
    assert Observation.objects.count() == 0
    call_command("import_all", str(path))
    assert everything() == before

    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("import_all", str(path))
