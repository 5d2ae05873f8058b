"""Official figures and their revisions: load a bulletin's figures as versions, each with its source."""
from decimal import Decimal

from django.db import transaction

from districts.models import Plan
from indicators.models import (
    Indicator,
    Observation,
    ObservationVersion,
    Series,
    SeriesPoint,
)


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


# ------------------------------------------------------------------------------------- bulletin upload

BULLETIN_COLUMNS = {"indicator": ("指标序号", "indicator"), "year": ("年份", "year"),
                    "quarter": ("季度", "quarter"), "value": ("数值", "value")}
MAX_BULLETIN_BYTES = 512 * 1024
MAX_BULLETIN_ROWS = 2000


def _bulletin_lines(content: bytes, filename: str) -> list[list]:
    import csv
    import io

    from openpyxl import load_workbook

    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        try:
            sheet = load_workbook(io.BytesIO(content), data_only=False, read_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds for damaged files
            raise PublishedDataError("无法读取该 xlsx 文件。 The xlsx file cannot be read.") from exc
        lines = []
        for row in sheet.iter_rows(values_only=True):
            if any(isinstance(v, str) and v.startswith("=") for v in row):
                raise PublishedDataError("文件含有公式，请粘贴为数值。 The file holds formulas: paste them as values.")
            lines.append(list(row))
        return lines
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(content.decode(encoding), newline="")))
        except UnicodeDecodeError:
            continue
    raise PublishedDataError("无法识别文件编码（请用 UTF-8 或 GBK）。 Unknown encoding (use UTF-8 or GBK).")


def parse_bulletin(content: bytes, filename: str, *, indicators: dict[int, Indicator]) -> tuple[list[dict], list[str]]:
    """Rows of a bulletin's figures (columns 指标序号, 年份, 季度 optional, 数值) and every error, naming the row."""
    from indicators.figures.parsing import ParseError, parse_number

    if not content:
        return [], ["文件为空。 The file is empty."]
    if len(content) > MAX_BULLETIN_BYTES:
        return [], [f"文件过大（最大 {MAX_BULLETIN_BYTES // 1024} KB）。 The file is too large."]
    try:
        lines = _bulletin_lines(content, filename)
    except PublishedDataError as exc:
        return [], [str(exc)]
    if not lines:
        return [], ["文件为空。 The file is empty."]
    header = [str(h or "").strip().lower() for h in lines[0]]
    columns = {}
    for key, names in BULLETIN_COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in names]
        if found:
            columns[key] = found[0]
    missing = [BULLETIN_COLUMNS[k][0] for k in ("indicator", "year", "value") if k not in columns]
    if missing:
        return [], [f"缺少列：{'、'.join(missing)}。 Missing columns: {', '.join(missing)}."]
    if len(lines) - 1 > MAX_BULLETIN_ROWS:
        return [], [f"行数过多（最多 {MAX_BULLETIN_ROWS} 行）。 Too many rows."]
    rows, errors, seen = [], [], set()
    for line_no, cells in enumerate(lines[1:], start=2):
        if not any(str(c or "").strip() for c in cells):
            continue

        def cell(key):
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        prefix = f"第{line_no}行 row {line_no}："
        try:
            number = int(str(cell("indicator")).strip())
            indicator = indicators[number]
        except (KeyError, ValueError):
            errors.append(f"{prefix}指标序号「{cell('indicator')}」不存在。 No indicator “{cell('indicator')}”.")
            continue
        try:
            year = int(str(cell("year")).strip())
            quarter = int(str(cell("quarter") or 4).strip())
            if not (1990 <= year <= 2100 and 1 <= quarter <= 4):
                raise ValueError
        except ValueError:
            errors.append(f"{prefix}年份或季度无效。 Invalid year or quarter.")
            continue
        try:
            value = parse_number(cell("value"), unit=indicator.unit, label=indicator.name, label_en=indicator.name_en)
        except ParseError as exc:
            errors.append(f"{prefix}{exc}")
            continue
        if (number, year, quarter) in seen:
            errors.append(f"{prefix}{indicator.name} {year}年第{quarter}季度重复。 Duplicate figure.")
            continue
        seen.add((number, year, quarter))
        rows.append({"indicator": indicator, "year": year, "quarter": quarter, "value": value, "line": line_no})
    if not rows and not errors:
        errors.append("文件中没有数据行。 The file has no data rows.")
    return rows, errors


@transaction.atomic
def bulletin_record(*, rows: list[dict], kind: str, source_title: str, source_url: str = "", source_date=None,
                    user=None) -> list[int]:
    """Record every row of a bulletin as a new version of its city figure, all or nothing; returns indicator ids."""
    changed = set()
    for row in rows:
        observation, _ = Observation.objects.get_or_create(indicator=row["indicator"], district=None,
                                                           year=row["year"], quarter=row["quarter"])
        version, created = published_version_record(observation=observation, value=row["value"], kind=kind,
                                                     source_title=source_title, source_url=source_url, user=user)
        if created and source_date:
            version.source_date = source_date
            version.save(update_fields=["source_date"])
        if created:
            changed.add(row["indicator"].id)
    return sorted(changed)
