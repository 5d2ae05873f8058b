"""indicators.figures.selectors: the state the overview's cache is keyed on (issue 14)."""
import re
from decimal import Decimal

import pytest
from django.test import Client

from indicators.figures.selectors import current_plan_state
from indicators.models import Indicator, Observation, ObservationVersion
from indicators.progress.services import progress_recompute

pytestmark = pytest.mark.django_db


def test_a_renamed_indicator_shows_on_the_cached_overview_at_once(plan, official, admin_user):
    indicator = Indicator.objects.get(plan=plan, number=1)
    obs = Observation.objects.create(indicator=indicator, year=2023, quarter=4)
    ObservationVersion.objects.create(observation=obs, kind="preliminary", value=Decimal("1104.76"))
    progress_recompute(plan=plan)
    reader = Client()
    reader.force_login(official)
    card = re.compile(r'data-indicator="1">.*?</h3>', re.S)
    assert "服务业增加值" in card.search(reader.get("/overview/").content.decode()).group(0)
    key = current_plan_state(plan.id)[0]
    assert current_plan_state(plan.id)[0] == key  # the cache holds while nothing changes

    admin = Client()
    admin.force_login(admin_user)
    form = admin.get(f"/admin/indicators/indicator/{indicator.pk}/change/").context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update(name="现代服务业增加值（更名）", pillar=indicator.pillar_id, plan=plan.pk)
    assert admin.post(f"/admin/indicators/indicator/{indicator.pk}/change/", data).status_code == 302
    assert current_plan_state(plan.id)[0] != key
    shown = card.search(reader.get("/overview/").content.decode()).group(0)
    assert "现代服务业增加值（更名）" in shown
