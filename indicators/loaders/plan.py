"""Load a plan's reference data (fixtures/*.json) into the database, keyed by natural keys.

The JSON document (format "leshan-plan-data/1"); keys starting with "_" are comments and ignored:

    format          "leshan-plan-data/1"
    plan            {code, name, start_year, end_year, base_year, is_current, source}            key: code
    districts       [{code, name, order, adcode, is_administrative,
                      function_positioning, development_focus}]                                    key: code
    spatial_areas   [{code, kind, name, parent (code|null), order, description,
                      districts [codes], districts_note}]                                          key: code
    pillars         [{code, name, order, description}]                                           key: code
    indicators      [{number, pillar (code), name, name_en, unit, measure, higher_is_better,
                      target_year, target_value, target_text, target_kind, tolerance,
                      baseline_year, baseline_value, baseline_text, by_district, quarterly,
                      decimals, note}]                                                             key: number
    series          [{code, name, unit, source, indicator (number|null), is_context, scale,
                      points [{year, printed}]}]     key: code; a point's value = printed × scale
    projects        [{kind, number, name, category, positioning, leading_industries,
                      supporting_industries, remark, region_text, districts [codes], status}]     key: kind + number
    sectors         [{order, category, function, name, national_enterprises,
                      local_enterprises [names, in printed order]}]                                key: name

Decimal values are strings (or ints) exactly as printed; null where the plan gives none.

`is_current` says whether a plan goes in force when it is first loaded (unless another plan is in force); after
that its status (draft → in force → ended) changes only through indicators.plans.services.

Loading is an upsert: a row is written only when a value differs, so loading the same data twice writes
nothing (not even a history row). Rows absent from the data are kept (figures and milestones hang off
indicators, districts and projects), except the pure plan text below a row — series points and local
enterprises — which is made to match the data, as are the many-to-many district links.
"""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from districts.models import District, Plan, SpatialArea
from indicators.models import (
    Indicator,
    Measure,
    Pillar,
    Series,
    SeriesPoint,
    TargetKind,
)
from projects.models import Enterprise, Project, Sector

FORMAT = "leshan-plan-data/1"


class PlanDataError(ValueError):
    """The data is malformed; the message names the offending entry. Nothing has been written."""


@dataclass(frozen=True)
class F:
    """One field of an entry: its type, whether it must be present, whether null is allowed, allowed values."""

    type: str  # str, int, bool, decimal, list_str, list_dict
    required: bool = True
    null: bool = False
    choices: tuple = ()


S, REQ_INT, BOOL = F("str"), F("int"), F("bool")
OPT_S = F("str", required=False)
CODES = F("list_str", required=False)

SCHEMA = {
    "plan": {"code": S, "name": S, "start_year": REQ_INT, "end_year": REQ_INT, "base_year": REQ_INT,
             "is_current": BOOL, "source": OPT_S},
    "districts": {"code": S, "name": S, "order": REQ_INT, "adcode": OPT_S, "is_administrative": BOOL,
                  "function_positioning": OPT_S, "development_focus": OPT_S},
    "spatial_areas": {"code": S, "kind": F("str", choices=tuple(SpatialArea.Kind.values)), "name": S,
                      "parent": F("str", required=False, null=True), "order": REQ_INT, "description": OPT_S,
                      "districts": CODES, "districts_note": OPT_S},
    "pillars": {"code": S, "name": S, "order": REQ_INT, "description": OPT_S},
    "indicators": {
        "number": REQ_INT, "pillar": S, "name": S, "name_en": OPT_S, "unit": S,
        "measure": F("str", choices=tuple(Measure.values)), "higher_is_better": BOOL, "target_year": REQ_INT,
        "target_value": F("decimal", null=True), "target_text": S,
        "target_kind": F("str", choices=tuple(TargetKind.values)),
        "tolerance": F("decimal", required=False, null=True),
        "baseline_year": F("int", null=True), "baseline_value": F("decimal", null=True), "baseline_text": S,
        "by_district": BOOL, "quarterly": BOOL, "decimals": REQ_INT, "note": OPT_S,
    },
    "series": {"code": S, "name": S, "unit": S, "source": S, "indicator": F("int", null=True),
               "is_context": BOOL, "scale": F("decimal", required=False), "points": F("list_dict")},
    "points": {"year": REQ_INT, "printed": F("decimal")},
    "projects": {"kind": F("str", choices=tuple(Project.Kind.values)), "number": REQ_INT, "name": S,
                 "category": OPT_S, "positioning": OPT_S, "leading_industries": OPT_S,
                 "supporting_industries": OPT_S, "remark": OPT_S, "region_text": OPT_S, "districts": CODES,
                 "status": F("str", required=False, choices=tuple(Project.Status.values))},
    "sectors": {"order": REQ_INT, "category": S, "function": S, "name": S, "national_enterprises": OPT_S,
                "local_enterprises": F("list_str")},
}
SECTIONS = ["districts", "spatial_areas", "pillars", "indicators", "series", "projects", "sectors"]


def load_plan(data: dict) -> dict[str, int]:
    """Validate `data`, then upsert it in one transaction. Returns the number of rows in the data per model.

    Raises PlanDataError naming the offending entry; on any error nothing is written.
    """
    _validate(data)
    with transaction.atomic():
        return _write(data)


# Validation ------------------------------------------------------------------------------------------

def _check_value(where: str, key: str, value, field: F):
    if value is None:
        if not field.null:
            raise PlanDataError(f"{where}: '{key}' must not be null")
        return
    ok = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "decimal": isinstance(value, (str, int, float, Decimal)) and not isinstance(value, bool),
        "list_str": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "list_dict": isinstance(value, list) and all(isinstance(v, dict) for v in value),
    }[field.type]
    if not ok:
        raise PlanDataError(f"{where}: '{key}' must be of type {field.type}, got {value!r}")
    if field.type == "decimal":
        _decimal(where, key, value)
    if field.choices and value not in field.choices:
        raise PlanDataError(f"{where}: '{key}' is {value!r}, not one of {', '.join(field.choices)}")


def _check_entry(where: str, entry, schema: dict):
    if not isinstance(entry, dict):
        raise PlanDataError(f"{where}: must be an object, got {type(entry).__name__}")
    unknown = sorted(k for k in entry if not k.startswith("_") and k not in schema)
    if unknown:
        raise PlanDataError(f"{where}: unknown key(s) {', '.join(unknown)}")
    for key, field in schema.items():
        if key not in entry:
            if field.required:
                raise PlanDataError(f"{where}: '{key}' is missing")
            continue
        _check_value(where, key, entry[key], field)


def _decimal(where: str, key: str, value) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise PlanDataError(f"{where}: '{key}' is not a number: {value!r}") from None
    if not number.is_finite():
        raise PlanDataError(f"{where}: '{key}' is not a finite number: {value!r}")
    return number


def _label(section: str, i: int, entry: dict) -> str:
    """Where an entry is, by position and natural key, for error messages."""
    if not isinstance(entry, dict):
        return f"{section}[{i}]"
    if section == "projects":
        key = f"{entry.get('kind')} {entry.get('number')}"
    elif section == "indicators":
        key = f"number {entry.get('number')}"
    else:
        key = entry.get("code") or entry.get("name")
    return f"{section}[{i}] ({key})" if key else f"{section}[{i}]"


def _unique(section: str, entries: list, key) -> None:
    seen = {}
    for i, entry in enumerate(entries):
        k = key(entry)
        if k in seen:
            raise PlanDataError(f"{_label(section, i, entry)}: duplicates {_label(section, seen[k], entries[seen[k]])}")
        seen[k] = i


def _validate(data) -> None:
    if not isinstance(data, dict):
        raise PlanDataError(f"the plan data must be an object, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise PlanDataError(f"'format' must be {FORMAT!r}, got {data.get('format')!r}")
    unknown = sorted(k for k in data if not k.startswith("_") and k not in {"format", "plan", *SECTIONS})
    if unknown:
        raise PlanDataError(f"unknown top-level key(s) {', '.join(unknown)}")
    if "plan" not in data:
        raise PlanDataError("'plan' is missing")
    _check_entry("plan", data["plan"], SCHEMA["plan"])
    for section in SECTIONS:
        entries = data.get(section, [])
        if not isinstance(entries, list):
            raise PlanDataError(f"'{section}' must be a list")
        for i, entry in enumerate(entries):
            _check_entry(_label(section, i, entry), entry, SCHEMA[section])

    _unique("districts", data.get("districts", []), lambda e: e["code"])
    _unique("districts", data.get("districts", []), lambda e: e["name"])
    _unique("spatial_areas", data.get("spatial_areas", []), lambda e: e["code"])
    _unique("pillars", data.get("pillars", []), lambda e: e["code"])
    _unique("indicators", data.get("indicators", []), lambda e: e["number"])
    _unique("series", data.get("series", []), lambda e: e["code"])
    _unique("projects", data.get("projects", []), lambda e: (e["kind"], e["number"]))
    _unique("sectors", data.get("sectors", []), lambda e: e["name"])

    district_codes = {d["code"] for d in data.get("districts", [])}
    pillar_codes = {p["code"] for p in data.get("pillars", [])}
    indicator_numbers = {i["number"] for i in data.get("indicators", [])}
    areas_before = set()
    for section in ("spatial_areas", "projects"):
        for i, entry in enumerate(data.get(section, [])):
            where = _label(section, i, entry)
            missing = [c for c in entry.get("districts", []) if c not in district_codes]
            if missing:
                raise PlanDataError(f"{where}: unknown district code(s) {', '.join(missing)}")
            if len(set(entry.get("districts", []))) != len(entry.get("districts", [])):
                raise PlanDataError(f"{where}: a district is listed twice")
            if section == "spatial_areas":
                parent = entry.get("parent")
                if parent is not None and parent not in areas_before:
                    raise PlanDataError(f"{where}: parent {parent!r} must be an area listed before it")
                areas_before.add(entry["code"])
    for i, entry in enumerate(data.get("indicators", [])):
        if entry["pillar"] not in pillar_codes:
            raise PlanDataError(f"{_label('indicators', i, entry)}: unknown pillar {entry['pillar']!r}")
        if entry["baseline_value"] is not None and entry["baseline_year"] is None:
            raise PlanDataError(f"{_label('indicators', i, entry)}: a baseline value needs its baseline year")
        if (entry["target_value"] is None) != (entry["target_kind"] == TargetKind.QUALITATIVE):
            raise PlanDataError(f"{_label('indicators', i, entry)}: target_value must be null exactly when "
                                f"target_kind is qualitative")
    for i, entry in enumerate(data.get("series", [])):
        where = _label("series", i, entry)
        if entry["indicator"] is not None and entry["indicator"] not in indicator_numbers:
            raise PlanDataError(f"{where}: unknown indicator number {entry['indicator']}")
        for j, point in enumerate(entry["points"]):
            _check_entry(f"{where} points[{j}]", point, SCHEMA["points"])
        _unique(f"{where} points", entry["points"], lambda p: p["year"])
    for i, entry in enumerate(data.get("sectors", [])):
        names = entry["local_enterprises"]
        if any(not n.strip() for n in names) or len(set(names)) != len(names):
            raise PlanDataError(f"{_label('sectors', i, entry)}: local_enterprises has an empty or repeated name")


# Writing ---------------------------------------------------------------------------------------------

_LOOK_UP = object()


def _upsert(where: str, model, lookup: dict, values: dict, existing=_LOOK_UP):
    """Write the row with this natural key only when something differs (update_or_create would save, and add a
    history row, every time). `existing`: the row (or None) when the caller already looked it up in bulk."""
    obj = model.objects.filter(**lookup).first() if existing is _LOOK_UP else existing
    if obj is None:
        obj, changed = model(**lookup, **values), True
    else:
        changed = False
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
    if changed:
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise PlanDataError(f"{where}: {_messages(exc)}") from None
        obj.save()
    return obj


def _rows(queryset, *key: str) -> dict:
    """Existing rows by natural key, in one query."""
    return {tuple(getattr(obj, k) for k in key): obj for obj in queryset}


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def _set_districts(obj, districts: list) -> None:
    """Like districts.set(), but touches nothing (no signal, no history row) when the links are already right."""
    if {d.pk for d in obj.districts.all()} != {d.pk for d in districts}:
        obj.districts.set(districts)


def _text(entry: dict, *keys: str) -> dict:
    return {k: entry.get(k, "") for k in keys}


def _first_status(p: dict) -> dict:
    """The status of a plan loaded for the first time: in force when the data says it is current and no other plan
    is; an older plan loaded beside the one in force has ended; anything else is a draft."""
    if not p["is_current"]:
        return {"status": Plan.Status.DRAFT}
    in_force = Plan.objects.filter(status=Plan.Status.IN_FORCE).first()
    if in_force is None:
        return {"status": Plan.Status.IN_FORCE, "in_force_at": timezone.now()}
    if p["end_year"] < in_force.start_year:
        return {"status": Plan.Status.ENDED}
    return {"status": Plan.Status.DRAFT}


def _write(data: dict) -> dict[str, int]:
    p = data["plan"]
    existing = Plan.objects.filter(code=p["code"]).first()
    plan = _upsert("plan", Plan, {"code": p["code"]}, {
        "name": p["name"], "start_year": p["start_year"], "end_year": p["end_year"], "base_year": p["base_year"],
        "source": p.get("source", ""), **({} if existing else _first_status(p))}, existing)
    counts = {"Plan": 1}

    districts, existing = {}, _rows(District.objects.filter(plan=plan), "code")
    for i, d in enumerate(data.get("districts", [])):
        districts[d["code"]] = _upsert(_label("districts", i, d), District, {"plan": plan, "code": d["code"]}, {
            "name": d["name"], "order": d["order"], "adcode": d.get("adcode", ""),
            "is_administrative": d["is_administrative"],
            **_text(d, "function_positioning", "development_focus")}, existing.get((d["code"],)))
    counts["District"] = len(districts)

    areas, existing = {}, _rows(SpatialArea.objects.filter(plan=plan).prefetch_related("districts"), "code")
    for i, a in enumerate(data.get("spatial_areas", [])):
        where = _label("spatial_areas", i, a)
        parent = areas[a["parent"]].pk if a.get("parent") else None
        area = _upsert(where, SpatialArea, {"plan": plan, "code": a["code"]}, {
            "kind": a["kind"], "name": a["name"], "parent_id": parent, "order": a["order"],
            **_text(a, "description", "districts_note")}, existing.get((a["code"],)))
        _set_districts(area, [districts[c] for c in a.get("districts", [])])
        areas[a["code"]] = area
    counts["SpatialArea"] = len(areas)

    pillars, existing = {}, _rows(Pillar.objects.filter(plan=plan), "code")
    for i, pl in enumerate(data.get("pillars", [])):
        pillars[pl["code"]] = _upsert(_label("pillars", i, pl), Pillar, {"plan": plan, "code": pl["code"]}, {
            "name": pl["name"], "order": pl["order"], "description": pl.get("description", "")},
            existing.get((pl["code"],)))
    counts["Pillar"] = len(pillars)

    indicators, existing = {}, _rows(Indicator.objects.filter(plan=plan), "number")
    for i, ind in enumerate(data.get("indicators", [])):
        where = _label("indicators", i, ind)
        indicators[ind["number"]] = _upsert(where, Indicator, {"plan": plan, "number": ind["number"]}, {
            "pillar_id": pillars[ind["pillar"]].pk, "name": ind["name"], "name_en": ind.get("name_en", ""),
            "unit": ind["unit"], "measure": ind["measure"], "higher_is_better": ind["higher_is_better"],
            "target_year": ind["target_year"], "target_value": _decimal(where, "target_value", ind["target_value"]),
            "target_text": ind["target_text"], "target_kind": ind["target_kind"],
            "tolerance": _decimal(where, "tolerance", ind.get("tolerance")),
            "baseline_year": ind["baseline_year"],
            "baseline_value": _decimal(where, "baseline_value", ind["baseline_value"]),
            "baseline_text": ind["baseline_text"], "by_district": ind["by_district"], "quarterly": ind["quarterly"],
            "decimals": ind["decimals"], "note": ind.get("note", "")}, existing.get((ind["number"],)))
    counts["Indicator"] = len(indicators)

    counts["Series"] = counts["SeriesPoint"] = 0
    existing = _rows(Series.objects.filter(plan=plan), "code")
    points = _rows(SeriesPoint.objects.filter(series__plan=plan), "series_id", "year")
    for i, s in enumerate(data.get("series", [])):
        where = _label("series", i, s)
        series = _upsert(where, Series, {"plan": plan, "code": s["code"]}, {
            "name": s["name"], "unit": s["unit"], "source": s["source"], "is_context": s["is_context"],
            "indicator_id": indicators[s["indicator"]].pk if s["indicator"] is not None else None},
            existing.get((s["code"],)))
        scale = _decimal(where, "scale", s.get("scale", 1))
        for j, point in enumerate(s["points"]):
            value = _decimal(where, "printed", point["printed"]) * scale
            _upsert(f"{where} points[{j}] ({point['year']})", SeriesPoint,
                    {"series": series, "year": point["year"]}, {"value": value},
                    points.get((series.pk, point["year"])))
        series.points.exclude(year__in=[pt["year"] for pt in s["points"]]).delete()
        counts["Series"] += 1
        counts["SeriesPoint"] += len(s["points"])

    counts["Project"] = 0
    existing = _rows(Project.objects.filter(plan=plan).prefetch_related("districts"), "kind", "number")
    for i, pr in enumerate(data.get("projects", [])):
        project = _upsert(_label("projects", i, pr), Project,
                          {"plan": plan, "kind": pr["kind"], "number": pr["number"]}, {
                              "name": pr["name"], "status": pr.get("status", Project.Status.NOT_GIVEN),
                              **_text(pr, "category", "positioning", "leading_industries",
                                      "supporting_industries", "remark", "region_text")},
                          existing.get((pr["kind"], pr["number"])))
        _set_districts(project, [districts[c] for c in pr.get("districts", [])])
        counts["Project"] += 1

    counts["Sector"] = counts["Enterprise"] = 0
    existing = _rows(Sector.objects.filter(plan=plan), "name")
    enterprises = _rows(Enterprise.objects.filter(sector__plan=plan), "sector_id", "name")
    for i, se in enumerate(data.get("sectors", [])):
        where = _label("sectors", i, se)
        sector = _upsert(where, Sector, {"plan": plan, "name": se["name"]}, {
            "order": se["order"], "category": se["category"], "function": se["function"],
            "national_enterprises": se.get("national_enterprises", "")}, existing.get((se["name"],)))
        names = se["local_enterprises"]
        for order, name in enumerate(names, start=1):
            _upsert(f"{where} local_enterprises[{order - 1}] ({name})", Enterprise,
                    {"sector": sector, "name": name}, {"order": order}, enterprises.get((sector.pk, name)))
        sector.enterprises.exclude(name__in=names).delete()
        counts["Sector"] += 1
        counts["Enterprise"] += len(names)
    return counts
