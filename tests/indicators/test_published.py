"""Official figures and their revisions: versions with sources, as first published, re-basing (issue 9)."""
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from indicators.models import Indicator, Observation, ObservationVersion, Progress, Series, SeriesPoint
from indicators.published import PublishedDataError, published_load, published_version_record
from indicators.services import progress_recompute

PUBLISHED = Path(__file__).resolve().parents[2] / "fixtures" / "published_figures.json"
pytestmark = pytest.mark.django_db


def load():
    return published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))


def test_published_figures_load_with_their_sources_and_twice_changes_nothing(plan):
    counts = load()
    assert counts["versions"] == 8
    again = load()
    assert again["versions"] == 0 and again["series_points"] == 0 and again["indicators"] == []
    v = ObservationVersion.objects.get(observation__indicator__number=1, observation__year=2023)
    assert v.value == Decimal("1104.76") and v.kind == "preliminary"
    assert v.source_title == "2023年乐山市国民经济和社会发展统计公报"
    assert v.source_url == "https://bbthy.net/kb/5600.html"
    assert not Observation.objects.filter(indicator__number=1, year=2021).exists()  # not found in a bulletin
    gdp = {p.year: p.value for p in SeriesPoint.objects.filter(series__code="gdp")}
    assert gdp == {2020: Decimal("2003.43"), 2022: Decimal("2308.81"), 2023: Decimal("2447.53"),
                   2024: Decimal("2532.53")}


def test_the_2023_structure_revision_is_kept_as_two_versions(plan):
    load()
    points = list(SeriesPoint.objects.filter(series__code="tertiary_share_of_gdp", year=2023)
                  .order_by("recorded_at", "id"))
    assert [(p.value, p.source_title) for p in points] == [
        (Decimal("45.1"), "2023年乐山市国民经济和社会发展统计公报"),
        (Decimal("44.5"), "2024年乐山市国民经济和社会发展统计公报")]
    assert "10.3:45.2:44.5" in points[1].note and "12.6:42.3:45.1" in points[1].note
    assert Series.objects.get(code="tertiary_share_of_gdp").is_context


def test_progress_follows_the_newest_version_and_keeps_first_published(plan):
    load()
    obs = Observation.objects.get(indicator__number=1, district=None, year=2023, quarter=4)
    published_version_record(observation=obs, value=Decimal("1090.00"), kind="verified",
                             source_title="2024年乐山统计年鉴（假设的核实数）")
    progress_recompute(plan=plan)
    latest = Progress.objects.get(indicator__number=1, scope="city", basis="latest", year=2023)
    first = Progress.objects.get(indicator__number=1, scope="city", basis="first", year=2023)
    assert latest.annual_value == pytest.approx(1090.0)
    assert first.annual_value == pytest.approx(1104.76)
    assert latest.completion == pytest.approx((1090 - 890.02) / (1300 - 890.02), rel=1e-6)
    assert first.completion == pytest.approx((1104.76 - 890.02) / (1300 - 890.02), rel=1e-6)


def test_a_census_revised_baseline_rebases_progress_and_the_original_basis_stays(plan):
    load()
    obs = Observation.objects.get(indicator__number=1, district=None, year=2020, quarter=4)
    published_version_record(observation=obs, value=Decimal("900.00"), kind="census",
                             source_title="第五次全国经济普查修订数（示例）")
    progress_recompute(plan=plan)
    rebased = Progress.objects.get(indicator__number=1, scope="city", basis="latest", year=2024)
    original = Progress.objects.get(indicator__number=1, scope="city", basis="first", year=2024)
    assert rebased.baseline_value == pytest.approx(900.0)
    assert rebased.inputs["rebased_from"] == pytest.approx(890.02)
    assert rebased.completion == pytest.approx((1152.40 - 900) / (1300 - 900), rel=1e-6)
    assert original.baseline_value == pytest.approx(890.02)
    assert original.completion == pytest.approx((1152.40 - 890.02) / (1300 - 890.02), rel=1e-6)


def test_bad_published_data_is_refused_and_nothing_is_written(plan):
    data = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    data["indicator_figures"].append({"indicator": 99, "year": 2024, "value": "1", "kind": "preliminary",
                                      "source": "bulletin-2024"})
    with pytest.raises(PublishedDataError, match=r"indicator_figures\[9\]: no indicator 99"):
        published_load(data)
    assert ObservationVersion.objects.count() == 0 and SeriesPoint.objects.filter(series__code="gdp").count() == 0


def test_load_published_command_recomputes(plan):
    out = StringIO()
    call_command("load_published", stdout=out)
    assert "8 new figure versions" in out.getvalue()
    assert Progress.objects.filter(indicator__number=1, year=2024, basis="latest").exists()
