"""Official figures and their revisions: load a bulletin's figures as versions, each with its source."""
from decimal import Decimal

from django.db import transaction

from districts.models import Plan
from indicators.models import Indicator, Observation, ObservationVersion, Series, SeriesPoint


class PublishedDataError(ValueError):
    pass


def published_version_record(*, observation: Observation, value: Decimal, kind: str, source_title: str,
                             source_url: str = "", note: str = "", user=None) -> tuple[ObservationVersion, bool]:
    """Record a published value as the figure's newest version; the same value from the same source twice is a no-op."""
    existing = (ObservationVersion.objects.filter(observation=observation, kind=kind, source_title=source_title)
                .order_by("-recorded_at", "-id").first())
    if existing is not None and existing.value == value:
        return existing, False
    version = ObservationVersion(observation=observation, kind=kind, value=value, source_title=source_title,
                                 source_url=source_url, note=note, recorded_by=user)
    version.full_clean()
    version.save()
    return version, True


@transaction.atomic
def published_load(data: dict, *, user=None) -> dict[str, int]:
    """Load city-level published figures (fixtures/published_figures.json). Idempotent, all or nothing.

    Returns the indicator ids whose figures changed under "indicators" so the caller can recompute them.
    """
    try:
        plan = Plan.objects.get(code=data["plan"])
    except (KeyError, Plan.DoesNotExist) as exc:
        raise PublishedDataError(f"unknown plan {data.get('plan')!r}: load the plan first") from exc
    sources = data.get("sources", {})
    indicators = {i.number: i for i in Indicator.objects.filter(plan=plan)}
    counts = {"versions": 0, "series_points": 0}
    changed: set[int] = set()

    def source_of(entry, where):
        key = entry.get("source")
        if key not in sources:
            raise PublishedDataError(f"{where}: unknown source {key!r}")
        return sources[key]

    for n, entry in enumerate(data.get("indicator_figures", []), start=1):
        where = f"indicator_figures[{n}]"
        indicator = indicators.get(entry.get("indicator"))
        if indicator is None:
            raise PublishedDataError(f"{where}: no indicator {entry.get('indicator')!r} in plan {plan.code}")
        source = source_of(entry, where)
        observation, _ = Observation.objects.get_or_create(
            indicator=indicator, district=None, year=entry["year"], quarter=entry.get("quarter", 4))
        _, created = published_version_record(
            observation=observation, value=Decimal(entry["value"]), kind=entry["kind"],
            source_title=source["title"], source_url=source.get("url", ""), note=entry.get("note", ""), user=user)
        if created:
            counts["versions"] += 1
            changed.add(indicator.id)

    for series_data in data.get("series", []):
        series, _ = Series.objects.update_or_create(
            plan=plan, code=series_data["code"],
            defaults={"name": series_data["name"], "unit": series_data["unit"], "is_context": True,
                      "source": "乐山市国民经济和社会发展统计公报"})
        for n, point in enumerate(series_data["points"], start=1):
            source = source_of(point, f"series {series.code} point {n}")
            _, created = SeriesPoint.objects.update_or_create(
                series=series, year=point["year"], source_title=source["title"],
                defaults={"value": Decimal(point["value"]), "kind": point["kind"],
                          "source_url": source.get("url", ""), "note": point.get("note", "")})
            counts["series_points"] += int(created)
    counts["indicators"] = sorted(changed)
    return counts
