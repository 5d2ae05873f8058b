"""Official figures and their revisions: versions with sources, as first published, re-basing (issue 9)."""
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from indicators.loaders.published import (
    PublishedDataError,
    published_load,
    published_version_record,
)
from indicators.models import (
    Observation,
    ObservationVersion,
    Progress,
    Series,
    SeriesPoint,
)
from indicators.progress.services import progress_recompute

PUBLISHED = Path(__file__).resolve().parents[3] / "fixtures" / "published_figures.json"
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
    assert v.source_url == ""  # the copy read was a third-party repost: only an official address is kept
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


def test_indicator_page_marks_published_and_revised_figures_and_offers_first_published(client, plan, official):
    load()
    obs = Observation.objects.get(indicator__number=1, district=None, year=2023, quarter=4)
    published_version_record(observation=obs, value=Decimal("1090.00"), kind="verified",
                             source_title="2024年乐山统计年鉴（核实数）")
    progress_recompute(plan=plan)
    client.force_login(official)
    page = client.get("/indicators/1/").content.decode()
    assert page.count('data-testid="source-mark"') == 4  # 2020, 2022, 2023, 2024 published
    assert "乐山市统计局《2024年乐山市国民经济和社会发展统计公报》" in page and "hongheiku" not in page
    assert page.count('data-testid="revised-mark"') == 1
    revisions = page[page.index('data-testid="revisions"'):]
    assert "1,104.76 亿元" in revisions and "1,090.00 亿元" in revisions
    assert revisions.index("1,104.76 亿元") < revisions.index("1,090.00 亿元")  # old → new
    # the newest version counts; "as first published" shows the figure as the 2023 bulletin printed it
    assert "1,090.00 亿元" in page.split('data-testid="city-table"')[1].split("</table>")[0]
    first = client.get("/indicators/1/?basis=first").content.decode()
    city_table = first.split('data-testid="city-table"')[1].split("</table>")[0]
    assert "1,104.76 亿元" in city_table and "1,090.00 亿元" not in city_table
    assert "按首次公布数计算</strong>" in first


BULLETIN_CSV = "指标序号,年份,季度,数值\n1,2024,4,\"1,160.5\"\n5,2024,4,1000.1亿元\n".encode("utf-8")


def test_admin_uploads_a_bulletin_as_new_versions_and_progress_follows(client, plan, admin_user,
                                                                     django_capture_on_commit_callbacks):
    load()
    client.force_login(admin_user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/published/upload/", {
            "source_title": "2024年乐山统计年鉴", "source_url": "https://example.gov.cn/yearbook", "kind": "verified",
            "source_date": "2025-09-30", "file": SimpleUploadedFile("bulletin.csv", BULLETIN_CSV)}, follow=True)
    assert "已记录 2 个数据版本" in response.content.decode()
    versions = ObservationVersion.objects.filter(source_title="2024年乐山统计年鉴").order_by("observation__indicator__number")
    assert [(v.observation.indicator.number, v.value, v.kind, v.recorded_by_id) for v in versions] == [
        (1, Decimal("1160.5"), "verified", admin_user.id), (5, Decimal("1000.1"), "verified", admin_user.id)]
    row = Progress.objects.get(indicator__number=1, scope="city", basis="latest", year=2024, quarter=4)
    first = Progress.objects.get(indicator__number=1, scope="city", basis="first", year=2024, quarter=4)
    assert row.annual_value == pytest.approx(1160.5) and first.annual_value == pytest.approx(1152.40)


def test_a_bulletin_with_one_bad_row_stores_nothing_and_names_the_row(client, plan, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    bad = "指标序号,年份,数值\n1,2024,1160.5\n5,2024,一千\n99,2024,3\n".encode("utf-8")
    response = client.post("/published/upload/", {"source_title": "X", "kind": "verified",
                                                   "file": SimpleUploadedFile("b.csv", bad)})
    page = response.content.decode()
    assert "第3行 row 3" in page and "第4行 row 4" in page and "指标序号「99」不存在" in page
    assert ObservationVersion.objects.count() == 0


def test_only_admins_may_upload_bulletins(client, plan, official, staff_shizhong):
    for user in (official, staff_shizhong):
        client.force_login(user)
        assert client.get("/published/upload/").status_code == 403


@pytest.mark.parametrize("url, row, end", [
    ("/reports/2024/", 'data-indicator="{n}"', "</tr>"),
    ("/", 'data-testid="indicator-card" data-indicator="{n}"', "</article>"),
], ids=["annual review table", "overview card"])
def test_pages_mark_the_published_figure_with_its_source(client, plan, official, url, row, end):
    """Issue 9: a published figure is marked with its source on every page where it appears."""
    load()
    progress_recompute(plan=plan)
    client.force_login(official)
    page = client.get(url).content.decode()
    published = page.split(row.format(n=1))[1].split(end)[0]
    assert "1,152.40 亿元" in published
    assert 'title="乐山市统计局《2024年乐山市国民经济和社会发展统计公报》"' in published
    assert 'data-testid="source-mark"' in published
    other = page.split(row.format(n=5))[1].split(end)[0]
    assert 'data-testid="source-mark"' not in other
