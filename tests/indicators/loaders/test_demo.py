"""Demo data: deterministic, idempotent, consistent with the plan's baselines, never over a real figure;
clear_demo removes exactly the demo rows; the 演示数据 banner shows while demo figures exist."""
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from districts.models import District
from indicators.loaders import demo
from indicators.models import (
    Indicator,
    Observation,
    ObservationVersion,
    Progress,
    ProvinceAssignment,
    RecomputeRun,
)

DEMO = ObservationVersion.Kind.DEMO
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def demo_plan(django_db_setup, django_db_blocker):
    """The plan with its demo data, loaded once for the read-only tests of a class (a load and recompute take
    seconds), and flushed afterwards so that no other test sees it."""
    from indicators.figures.selectors import current_plan
    from indicators.loaders.plan import load_plan
    from tests.conftest import PLAN_FIXTURE

    with django_db_blocker.unblock():
        load_plan(json.loads(PLAN_FIXTURE.read_text(encoding="utf-8")))
        plan = current_plan()
        demo.demo_load(plan=plan)
    yield plan
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _figures(plan, number, year, quarter):
    return {o.district.code if o.district else None: o for o in Observation.objects.filter(
        indicator__plan=plan, indicator__number=number, year=year, quarter=quarter).select_related("district")}


def _snapshot():
    return (sorted(Observation.objects.values_list("id", "value", "numerator", "denominator", "is_demo")),
            sorted(ObservationVersion.objects.values_list("id", "kind", "value")),
            sorted(ProvinceAssignment.objects.values_list("id", "assigned_value", "is_demo")))


def test_generate_is_pure_and_deterministic(plan):
    specs = [demo._spec_from(i) for i in Indicator.objects.filter(plan=plan)]
    codes = list(District.objects.filter(plan=plan).values_list("code", flat=True))
    first, second = demo.generate(specs, codes), demo.generate(list(reversed(specs)), codes)
    assert first.figures == second.figures and first.assignments == second.assignments
    only_one = demo.generate([s for s in specs if s.number == 3], codes)
    assert only_one.figures == [f for f in first.figures if f.indicator == 3]  # a subset gives the same figures


class TestDemoData:
    """Read-only checks on one load of the demo data."""

    def test_load_demo_twice_changes_nothing(self, demo_plan):
        before, runs = _snapshot(), RecomputeRun.objects.count()
        result = demo.demo_load(plan=demo_plan)
        assert (result.created, result.updated, result.assignments, result.recomputed) == (0, 0, 0, None)
        assert _snapshot() == before and RecomputeRun.objects.count() == runs

    def test_every_reported_figure_is_there_for_every_district_and_quarter(self, demo_plan):
        districts = District.objects.filter(plan=demo_plan).count()
        assert districts == 12
        for indicator in Indicator.objects.filter(plan=demo_plan):
            obs = Observation.objects.filter(indicator=indicator, year__gte=2021)
            per_year = 4 if indicator.quarterly and indicator.measure != "qualitative" else 1
            if indicator.by_district:
                assert obs.filter(district__isnull=False).count() == districts * 5 * per_year, indicator
            else:
                assert obs.filter(district__isnull=True).count() == 5 * per_year, indicator
        assert Observation.objects.filter(is_demo=False).count() == 0
        assert set(ObservationVersion.objects.values_list("kind", flat=True)) == {DEMO}
        assert ObservationVersion.objects.count() == Observation.objects.count()

    @pytest.mark.parametrize("number, year, total", [(1, 2020, "890.02"), (5, 2020, "748.31"), (7, 2020, "1040.34"),
                                                     (8, 2019, "134.8")])
    def test_district_base_year_figures_add_up_to_the_plan_baseline(self, demo_plan, number, year, total):
        figures = _figures(demo_plan, number, year, 4)
        assert len(figures) == 12 and None not in figures
        assert sum(o.value for o in figures.values()) == Decimal(total)
        city = Progress.objects.get(indicator__number=number, scope="city", basis="latest", year=year, quarter=4)
        assert city.value == pytest.approx(float(total))

    def test_flows_are_cumulative_year_to_date(self, demo_plan):
        for obs_year in (2021, 2024):
            quarters = [_figures(demo_plan, 1, obs_year, q) for q in range(1, 5)]
            for code in quarters[0]:
                values = [q[code].value for q in quarters]
                assert values == sorted(values) and values[0] > 0, code

    def test_shares_carry_consistent_numerators_and_denominators(self, demo_plan):
        va = _figures(demo_plan, 1, 2023, 2)
        producer = _figures(demo_plan, 3, 2023, 2)
        for code, obs in producer.items():
            assert obs.denominator == va[code].value  # producer services over the same services value added
            assert float(obs.value) == pytest.approx(float(obs.numerator / obs.denominator * 100), abs=0.006)
        base = _figures(demo_plan, 3, 2020, 4)
        city_share = sum(o.numerator for o in base.values()) / sum(o.denominator for o in base.values()) * 100
        assert float(city_share) == pytest.approx(30.0, abs=0.05)  # the plan's “约30%”

    def test_city_rate_follows_the_districts_flows(self, demo_plan):
        now = sum(o.value for o in _figures(demo_plan, 1, 2023, 4).values())
        before = sum(o.value for o in _figures(demo_plan, 1, 2022, 4).values())
        nominal = float(now / before - 1) * 100
        city_rate = float(_figures(demo_plan, 2, 2023, 4)[None].value)
        assert 0 < nominal - city_rate < 2.5  # comparable-price growth = nominal growth less a deflator

    def test_qualitative_indicator_has_demo_assignments_and_some_districts_lag(self, demo_plan):
        assignments = ProvinceAssignment.objects.filter(indicator__number=16)
        assert sorted(assignments.values_list("year", flat=True)) == [2021, 2022, 2023, 2024, 2025]
        assert all(assignments.values_list("is_demo", flat=True))
        lights = set(Progress.objects.filter(indicator__number=1, basis="latest", year=2025, quarter=4)
                     .exclude(scope="city").values_list("light", flat=True))
        assert {"green", "red"} <= lights  # leaders and laggards


def test_demo_never_overrides_a_real_figure(plan):
    shizhong = District.objects.get(code="shizhong")
    ind1, ind2 = Indicator.objects.get(number=1), Indicator.objects.get(number=2)
    real = Observation.objects.create(indicator=ind1, district=shizhong, year=2023, quarter=4, value=Decimal("400"))
    ObservationVersion.objects.create(observation=real, kind="verified", value=Decimal("400"),
                                      source_title="统计公报")
    draft = Observation.objects.create(indicator=ind2, district=None, year=2023, quarter=4, value=Decimal("9.9"))
    ProvinceAssignment.objects.create(indicator=Indicator.objects.get(number=16), year=2023,
                                      assigned_value=Decimal("111"), source="省商务厅")
    result = demo.demo_load(plan=plan)
    assert result.skipped_real == 2
    real.refresh_from_db()
    draft.refresh_from_db()
    assert (real.value, real.is_demo, draft.value, draft.is_demo) == (Decimal("400"), False, Decimal("9.9"), False)
    assert list(real.versions.values_list("kind", flat=True)) == ["verified"]
    assert not draft.versions.exists()
    assert ProvinceAssignment.objects.get(indicator__number=16, year=2023).assigned_value == Decimal("111")
    row = Progress.objects.get(indicator=ind1, scope="shizhong", basis="latest", year=2023, quarter=4)
    assert row.value == 400.0


def test_clear_demo_removes_exactly_the_demo_rows(plan):
    shizhong = District.objects.get(code="shizhong")
    ind1 = Indicator.objects.get(number=1)
    real = Observation.objects.create(indicator=ind1, district=shizhong, year=2019, quarter=4, value=Decimal("250"))
    real_version = ObservationVersion.objects.create(observation=real, kind="district", value=Decimal("250"))
    real_assignment = ProvinceAssignment.objects.create(indicator=Indicator.objects.get(number=16), year=2020,
                                                        assigned_value=Decimal("100"))
    demo.demo_load(plan=plan)
    # a published figure arrives for a demo figure: it is real from now on
    adopted = Observation.objects.get(indicator=ind1, district=shizhong, year=2024, quarter=4)
    ObservationVersion.objects.create(observation=adopted, kind="preliminary", value=Decimal("420.5"))

    result = demo.demo_clear(plan=plan)
    assert result.kept_with_real_versions == 1
    assert not ObservationVersion.objects.filter(kind=DEMO).exists()
    assert not ProvinceAssignment.objects.filter(is_demo=True).exists()
    assert set(Observation.objects.values_list("id", flat=True)) == {real.id, adopted.id}
    assert set(ObservationVersion.objects.values_list("id", flat=True)) == {real_version.id,
                                                                           adopted.versions.get().id}
    adopted.refresh_from_db()
    assert (adopted.is_demo, adopted.value) == (False, Decimal("420.5"))
    assert ProvinceAssignment.objects.get() == real_assignment
    assert set(Progress.objects.values_list("scope", flat=True)) == {"city", "shizhong"}
    assert demo.demo_clear(plan=plan).recomputed is None  # nothing left to remove


def test_commands_and_the_banner(plan, official, client):
    client.force_login(official)
    url = reverse("overview")
    assert 'data-testid="demo-banner"' not in client.get(url).content.decode()
    call_command("load_demo")
    page = client.get(url).content.decode()
    assert 'data-testid="demo-banner"' in page and "演示数据" in page
    call_command("load_demo")  # idempotent from the command line too
    call_command("clear_demo")
    assert not Observation.objects.exists() and not Progress.objects.exists()
    assert 'data-testid="demo-banner"' not in client.get(url).content.decode()
