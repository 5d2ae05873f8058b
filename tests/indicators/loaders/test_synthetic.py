"""The synthetic plans of the benchmark (issue 7): deterministic, every measure kind, written as approved figures."""
import pandas as pd
import pytest
from django.core.management import call_command

from districts.models import District, Plan
from indicators.loaders.synthetic import SyntheticSpec, generate, synthetic_delete
from indicators.models import (
    Indicator,
    Observation,
    ObservationVersion,
    Progress,
    ProvinceAssignment,
    Submission,
)
from indicators.progress.services import progress_recompute

SMALL = SyntheticSpec(districts=9, indicators=16, years=3, seed=5)


def test_generate_is_deterministic_and_seeded():
    a, b = generate(SMALL), generate(SMALL)
    pd.testing.assert_frame_equal(a.observations, b.observations)
    pd.testing.assert_frame_equal(a.indicators, b.indicators)
    other = generate(SyntheticSpec(districts=9, indicators=16, years=3, seed=6))
    assert not other.observations["value"].equals(a.observations["value"])


def test_generate_covers_every_measure_kind_even_with_six_indicators():
    data = generate(SyntheticSpec(districts=3, indicators=6, years=2, seed=1))
    assert set(data.indicators["measure"]) == {"flow", "stock", "share", "rate", "index", "qualitative"}


def test_generated_figures_follow_the_conventions():
    data = generate(SMALL)
    obs, ind = data.observations, data.indicators.set_index("number")
    flows = obs[obs["indicator"].map(ind["measure"]).eq("flow") & (obs["district"] > 0)]
    # flows are cumulative year-to-date: never falling within a year
    for _, g in flows.groupby(["indicator", "district", "year"]):
        assert g.sort_values("quarter")["value"].is_monotonic_increasing
    shares = obs[obs["indicator"].map(ind["measure"]).eq("share")]
    assert shares["numerator"].notna().all() and shares["denominator"].notna().all()
    assert (shares["value"] - shares["numerator"] / shares["denominator"] * 100).abs().max() < 1e-3
    annual = obs[obs["indicator"].map(ind["measure"]).isin(["index", "qualitative"])]
    assert set(annual["quarter"]) == {4} and (annual["district"] == 0).all()
    # every eighth district's newest quarter is submitted, not yet approved, and has no version
    pending = obs[obs["status"] == "submitted"]
    assert set(pending["district"]) == {8} and (pending["versions"] == 0).all()
    assert set(data.assignments["indicator"]) == set(ind.index[ind["measure"] == "qualitative"])


@pytest.mark.django_db
def test_generate_synthetic_writes_a_separate_plan_and_replaces_it():
    call_command("generate_synthetic", "--districts", "9", "--indicators", "16", "--years", "3", "--seed", "5")
    plan = Plan.objects.get(code=SMALL.code)
    assert not plan.is_current
    assert District.objects.filter(plan=plan).count() == 9
    assert set(Indicator.objects.filter(plan=plan).values_list("measure", flat=True)) == {
        "flow", "stock", "share", "rate", "index", "qualitative"}
    data = generate(SMALL)
    assert Observation.objects.filter(indicator__plan=plan).count() == len(data.observations)
    versions = ObservationVersion.objects.filter(observation__indicator__plan=plan)
    assert versions.count() == int(data.observations["versions"].sum())
    assert set(versions.values_list("kind", flat=True)) == {"district", "preliminary"}
    assert Submission.objects.filter(plan=plan, status="submitted").count() == 1
    assert ProvinceAssignment.objects.filter(indicator__plan=plan).exists()
    assert Observation.objects.filter(indicator__plan=plan, submission__isnull=True).count() == 0

    values = list(Observation.objects.filter(indicator__plan=plan)
                    .order_by("indicator__number", "district__order", "year", "quarter")
                    .values_list("value", flat=True)[:50])
    call_command("generate_synthetic", "--districts", "9", "--indicators", "16", "--years", "3", "--seed", "5")
    assert Plan.objects.filter(code=SMALL.code).count() == 1
    plan = Plan.objects.get(code=SMALL.code)
    assert list(Observation.objects.filter(indicator__plan=plan)
                    .order_by("indicator__number", "district__order", "year", "quarter")
                    .values_list("value", flat=True)[:50]) == values
    assert synthetic_delete(code=SMALL.code) and not Plan.objects.filter(code=SMALL.code).exists()


@pytest.mark.django_db
def test_one_districts_quarter_recomputed_alone_gives_the_rows_of_a_full_recompute():
    from indicators.loaders.synthetic import synthetic_load

    result = synthetic_load(spec=SMALL)
    plan = Plan.objects.get(pk=result.plan_id)
    progress_recompute(plan=plan)
    submission = Submission.objects.get(plan=plan, status="submitted")
    rows = list(Observation.objects.filter(submission=submission))
    ObservationVersion.objects.bulk_create([ObservationVersion(observation=o, kind="district", value=o.value,
                                                               numerator=o.numerator, denominator=o.denominator)
                                            for o in rows])
    progress_recompute(plan=plan, indicator_ids=sorted({o.indicator_id for o in rows}),
                       district_id=submission.district_id, period=(submission.year, submission.quarter))
    columns = ["indicator_id", "scope", "basis", "year", "quarter", "value", "annual_value", "completion", "status",
               "reason", "light", "inputs"]
    incremental = sorted(map(repr, Progress.objects.filter(indicator__plan=plan).values_list(*columns)))
    progress_recompute(plan=plan)
    assert sorted(map(repr, Progress.objects.filter(indicator__plan=plan).values_list(*columns))) == incremental
    city = Progress.objects.get(indicator__plan=plan, indicator__number=1, scope="city", basis="latest",
                                year=submission.year, quarter=submission.quarter)
    assert city.inputs["districts"] == city.inputs["districts_expected"] == 9
