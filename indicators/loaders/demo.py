"""Demo data: plausible, deterministic quarterly figures 2021–2025 for every district and indicator.

``generate`` is pure (plan and indicator descriptions in, figures out; seeded, no clock, no ORM), so the same
plan always yields the same figures, whatever subset is written. ``demo_load`` and ``demo_clear`` are the
services behind ``manage.py load_demo`` / ``clear_demo``.

What the figures respect:
* flows are cumulative year-to-date (1-3月 … 1-12月) and the districts' base-year figures add up to the plan's
  city baseline exactly (e.g. 890.02 亿元 of services value added in 2020);
* shares carry numerator and denominator, and the denominators are the other figures (services value added,
  GDP, tax revenue), so the city share is Σnumerator/Σdenominator of consistent districts;
* growth rates are derived from the same districts' flows (nominal growth less a deflator);
* some districts lag (a negative growth tilt), some lead;
* rates, the index and the qualitative indicator are also written at city level, with the province's assigned
  amounts (ProvinceAssignment, is_demo=True) for the qualitative one.

Every figure is written as Observation(is_demo=True) with one ObservationVersion(kind="demo"). Demo never
overrides real data: a figure that already exists and is not demo (published, entered, or a draft someone is
working on) is left alone, and so is a demo figure to which a real version has been added.
"""
from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Q

SEED = 14_2021_2025
# stored in Chinese only (the data language); pages and exports show it translated (figures.system_texts)
DEMO_SOURCE = "演示数据（程序生成，非官方统计）"

# 2020 weight in the city's services economy, growth tilt (percentage points a year against the city),
# services share of the district's GDP. Unknown districts (another plan) get seeded values instead.
DISTRICT_PROFILES = {
    "shizhong": (0.300, 0.6, 0.58), "gaoxin": (0.085, 2.2, 0.50), "wutongqiao": (0.070, -2.4, 0.33),
    "shawan": (0.050, -0.4, 0.36), "jinkouhe": (0.015, -3.8, 0.40), "emeishan": (0.150, 1.6, 0.56),
    "qianwei": (0.080, -1.0, 0.40), "jingyan": (0.050, 0.2, 0.42), "jiajiang": (0.070, 0.6, 0.38),
    "muchuan": (0.035, -1.4, 0.45), "ebian": (0.030, -2.8, 0.40), "mabian": (0.025, -3.2, 0.45),
}
YEAR_SHOCKS = {2022: -2.5}  # percentage points on every flow's growth that year
SEASON_DEFAULT = (0.23, 0.48, 0.73)  # cumulative share of the year after Q1, Q2, Q3
SEASON_TOURISM = (0.18, 0.43, 0.76)

# How each of the plan's indicators is simulated, keyed by its name (the plan is data: an unknown indicator
# falls back to a generic profile of its measure).
PROFILES = {
    "服务业增加值": dict(driver="services_va"),
    "服务业增加值年均增速": dict(from_flow="services_va", deflator=1.4),
    "生产性服务业增加值占服务业比重": dict(start=30.0, step=1.15, denominator="services_va"),
    "服务业税收占全市比重": dict(start=53.2, step=0.45, denominator="tax"),
    "社会消费品零售总额": dict(growth=7.4, season=(0.24, 0.48, 0.72)),
    "社会消费品零售总额增速": dict(from_flow="retail", deflator=0.9),
    "旅游总收入": dict(growth=10.6, season=SEASON_TOURISM),
    "餐饮规模": dict(growth=8.4, shocks={2020: -14.0}),
    "金融业增加值占地区生产总值比重": dict(start=5.1, step=0.15, denominator="gdp"),
    "研发经费投入年均增速": dict(yearly=(12.4, 8.1, 9.7, 11.3, 10.9)),
    "科技创新综合水平指数": dict(start=52.6, step=1.3),
    "数字经济核心产业增加值占GDP比重": dict(start=3.0, step=0.32, denominator="gdp"),
    "数字经济核心产业规上企业数量": dict(start=16, growth=12.5),
    "A级以上物流企业": dict(start=9, growth=11.5),
    "限额以上住宿餐饮行业单位": dict(start=205, growth=6.4),
    "进出口总额": dict(assigned=150.0, assigned_growth=8.0, ratios=(1.05, 0.97, 1.03, 0.96, 1.02)),
}
FLOW_KEYS = {"服务业增加值": "services_va", "社会消费品零售总额": "retail"}


@dataclass(frozen=True)
class IndicatorSpec:
    number: int
    name: str
    measure: str
    by_district: bool = True
    quarterly: bool = True
    baseline_year: int | None = None
    baseline_value: float | None = None
    target_value: float | None = None
    target_year: int = 2025


@dataclass(frozen=True)
class Figure:
    indicator: int
    district: str | None  # None: the whole city
    year: int
    quarter: int
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass
class Demo:
    figures: list[Figure] = field(default_factory=list)
    assignments: dict[tuple[int, int], Decimal] = field(default_factory=dict)  # (indicator, year) → amount


def _rng(*key) -> random.Random:
    return random.Random(zlib.crc32(":".join(str(k) for k in (SEED, *key)).encode()))


def _d(x: float, places: int = 2) -> Decimal:
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _season(base, rng) -> list[float]:
    s = [min(max(x + rng.uniform(-0.012, 0.012), 0.05), 0.97) for x in base]
    s = sorted(s)
    return s + [1.0]


def _profiles(codes: list[str]) -> dict[str, tuple[float, float, float]]:
    out = {}
    for code in codes:
        if code in DISTRICT_PROFILES:
            out[code] = DISTRICT_PROFILES[code]
        else:
            r = _rng("district", code)
            out[code] = (r.uniform(0.02, 0.15), r.uniform(-3, 2), r.uniform(0.35, 0.55))
    total = sum(p[0] for p in out.values())
    return {c: (w / total, tilt, ss) for c, (w, tilt, ss) in out.items()}


def _split_exact(total: float, weights: dict[str, float], key) -> dict[str, Decimal]:
    """Split a city figure over districts (2 decimals) so that the parts add up to it exactly."""
    noisy = {c: w * math.exp(_rng(key, c).gauss(0, 0.06)) for c, w in weights.items()}
    s = sum(noisy.values())
    parts = {c: _d(total * w / s) for c, w in noisy.items()}
    largest = max(parts, key=lambda c: (parts[c], c))
    parts[largest] += _d(total) - sum(parts.values())
    return parts


def _split_counts(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Largest remainder: integer counts that add up to total."""
    raw = {c: total * w for c, w in weights.items()}
    counts = {c: int(math.floor(v)) for c, v in raw.items()}
    rest = total - sum(counts.values())
    for c in sorted(raw, key=lambda c: (-(raw[c] - counts[c]), c))[:rest]:
        counts[c] += 1
    return counts


class _Flows:
    """Year-to-date flows per district: {code: {(year, quarter): value}} (floats, rounded when written)."""

    def __init__(self, codes, profiles, first_year, last_year):
        self.codes, self.profiles = codes, profiles
        self.first_year, self.last_year = first_year, last_year

    def simulate(self, key: str, base_year: int, baseline: float, growth: float, season=SEASON_DEFAULT,
                 shocks: dict | None = None) -> dict[str, dict[tuple[int, int], float]]:
        weights = {c: p[0] for c, p in self.profiles.items()}
        split = _split_exact(baseline, weights, key)
        shocks = {**YEAR_SHOCKS, **(shocks or {})}
        out = {}
        for code in self.codes:
            tilt = self.profiles[code][1]
            rng = _rng(key, code)
            annual = float(split[code])
            series = {}
            for year in range(base_year, self.last_year + 1):
                if year > base_year:
                    g = growth + tilt + shocks.get(year, 0.0) + rng.gauss(0, 0.8)
                    annual *= 1 + g / 100
                s = _season(season, rng)
                for q in range(1, 5):
                    series[(year, q)] = float(split[code]) if (year == base_year and q == 4) else annual * s[q - 1]
            out[code] = series
        return out


def _spec_from(indicator) -> IndicatorSpec:
    def f(x):
        return None if x is None else float(x)

    return IndicatorSpec(number=indicator.number, name=indicator.name, measure=indicator.measure,
                         by_district=indicator.by_district, quarterly=indicator.quarterly,
                         baseline_year=indicator.baseline_year, baseline_value=f(indicator.baseline_value),
                         target_value=f(indicator.target_value), target_year=indicator.target_year)


def generate(indicators: list[IndicatorSpec], district_codes: list[str], *, base_year: int = 2020,
             first_year: int = 2021, last_year: int = 2025) -> Demo:
    """The demo figures of a plan: pure and deterministic (seeded by indicator name and district code)."""
    codes = list(district_codes)
    profiles = _profiles(codes)
    flows = _Flows(codes, profiles, first_year, last_year)
    quarters = [(y, q) for y in range(base_year, last_year + 1) for q in range(1, 5)]
    demo = Demo()

    # The drivers every consistent figure hangs off: services value added, GDP and tax revenue by district.
    by_name = {spec.name: spec for spec in indicators}
    va_spec = by_name.get("服务业增加值")
    va_base = va_spec.baseline_value if va_spec and va_spec.baseline_value else 890.02
    drivers = {"services_va": flows.simulate("services_va", base_year, va_base, 7.6)}
    drivers["gdp"] = {c: {k: v / (profiles[c][2] + 0.004 * (k[0] - base_year)) for k, v in s.items()}
                      for c, s in drivers["services_va"].items()}
    drivers["tax"] = {c: {k: v * (0.052 + _rng("tax", c).uniform(-0.008, 0.008)) for k, v in s.items()}
                      for c, s in drivers["gdp"].items()}

    def flow_of(spec: IndicatorSpec, prof: dict):
        key = prof.get("driver") or FLOW_KEYS.get(spec.name) or f"flow{spec.number}"
        if key in drivers:
            return drivers[key]
        b = spec.baseline_year or base_year
        growth = prof.get("growth")
        baseline = spec.baseline_value
        if growth is None:
            req = ((spec.target_value / baseline) ** (1 / (spec.target_year - b)) - 1) * 100 \
                if spec.target_value and baseline else 7.0
            growth = req * 0.9
        if baseline is None:
            baseline = (spec.target_value or 100.0) / (1 + growth / 100) ** (spec.target_year - b) * 0.97
        drivers[key] = flows.simulate(key, b, baseline, growth, prof.get("season", SEASON_DEFAULT),
                                      prof.get("shocks"))
        return drivers[key]

    # flows first: rates are derived from them
    ordered = sorted(indicators, key=lambda s: (s.measure != "flow", s.number))
    for spec in ordered:
        prof = PROFILES.get(spec.name, {})
        periods = quarters if spec.quarterly else [(y, 4) for y in range(base_year, last_year + 1)]
        if spec.measure == "flow":
            series = flow_of(spec, prof)
            b = spec.baseline_year or base_year
            keep = [(y, q) for (y, q) in sorted(next(iter(series.values())))
                    if y >= b and (spec.quarterly or q == 4)]
            _emit_levels(demo, spec, series, keep, places=2)
        elif spec.measure == "stock":
            _stock(demo, spec, prof, codes, profiles, periods, base_year)
        elif spec.measure == "share":
            _share(demo, spec, prof, codes, profiles, drivers, periods, base_year)
        elif spec.measure == "rate":
            _rate(demo, spec, prof, codes, drivers, periods, base_year, by_name, flow_of)
        elif spec.measure == "index":
            start = prof.get("start", spec.baseline_value or (spec.target_value or 100) * 0.87)
            step = prof.get("step", start * 0.025)
            rng = _rng("index", spec.name)
            for y, q in periods:
                t = y - 1 + q / 4 - base_year
                demo.figures.append(Figure(spec.number, None, y, q, _d(start + step * t + rng.gauss(0, 0.25), 1)))
        elif spec.measure == "qualitative":
            assigned = prof.get("assigned", 100.0)
            grow = prof.get("assigned_growth", 6.0)
            ratios = prof.get("ratios", (1.02, 0.98, 1.03, 1.01, 1.02))
            rng = _rng("qualitative", spec.name)
            for i, y in enumerate(range(first_year, last_year + 1)):
                amount = _d(assigned * (1 + grow / 100) ** i, 0)
                demo.assignments[(spec.number, y)] = amount
                actual = float(amount) * ratios[i % len(ratios)] * (1 + rng.uniform(-0.004, 0.004))
                demo.figures.append(Figure(spec.number, None, y, 4, _d(actual)))
    demo.figures.sort(key=lambda f: (f.indicator, f.district or "", f.year, f.quarter))
    return demo


def _emit_levels(demo: Demo, spec: IndicatorSpec, series: dict, periods, *, places: int):
    """District figures, or their sum as a city figure when the indicator is not reported by district."""
    if spec.by_district:
        for code, s in series.items():
            for y, q in periods:
                demo.figures.append(Figure(spec.number, code, y, q, _d(s[(y, q)], places)))
    else:
        for y, q in periods:
            demo.figures.append(Figure(spec.number, None, y, q,
                                       sum((_d(s[(y, q)], places) for s in series.values()), Decimal(0))))


def _stock(demo, spec, prof, codes, profiles, periods, base_year):
    start = int(prof.get("start") or spec.baseline_value or max(1, round((spec.target_value or 20) * 0.6)))
    growth = prof.get("growth", 8.0)
    weights0 = {c: profiles[c][0] * math.exp(_rng("stock", spec.name, c).gauss(0, 0.25)) for c in codes}
    base = _split_counts(start, {c: w / sum(weights0.values()) for c, w in weights0.items()})
    series = {}
    for c in codes:
        tilt = profiles[c][1]
        s = {}
        for y, q in periods:
            t = y - 1 + q / 4 - base_year
            if t <= 0:
                s[(y, q)] = float(base[c])
                continue
            new_entrants = start * weights0[c] / sum(weights0.values()) * ((1 + (growth + tilt) / 100) ** t - 1)
            s[(y, q)] = float(max(0, round(base[c] + new_entrants)))
        series[c] = s
    _emit_levels(demo, spec, series, periods, places=0)


def _share(demo, spec, prof, codes, profiles, drivers, periods, base_year):
    start = prof.get("start", spec.baseline_value or (spec.target_value or 50) * 0.8)
    step = prof.get("step", ((spec.target_value or start * 1.2) - start) / 6)
    den_series = drivers[prof.get("denominator", "gdp")]
    offsets = {c: start * _rng("share", spec.name, c).gauss(0, 0.18) for c in codes}
    # rescale so that the base year's city share (Σnum/Σden) is the baseline
    base_den = {c: den_series[c][(base_year, 4)] for c in codes}
    weighted = sum(base_den[c] * (start + offsets[c]) for c in codes) / sum(base_den.values())
    factor = start / weighted
    city_num, city_den = {}, {}
    figures = []
    for c in codes:
        tilt = profiles[c][1]
        rng = _rng("share-noise", spec.name, c)
        for y, q in periods:
            t = y - 1 + q / 4 - base_year
            noise = rng.gauss(0, 0.08)
            if t == 0:  # the base year's annual figure: exactly the baseline split, no noise
                noise = 0.0
            share = (start + offsets[c]) * factor + max(t, 0) * step * (1 + tilt / 6) + noise
            share = max(share, 0.2)
            den = _d(den_series[c][(y, q)])
            num = _d(float(den) * share / 100)
            city_num[(y, q)] = city_num.get((y, q), Decimal(0)) + num
            city_den[(y, q)] = city_den.get((y, q), Decimal(0)) + den
            figures.append(Figure(spec.number, c, y, q, _d(float(num) / float(den) * 100), num, den))
    if spec.by_district:
        demo.figures.extend(figures)
    else:
        for (y, q), num in city_num.items():
            den = city_den[(y, q)]
            demo.figures.append(Figure(spec.number, None, y, q, _d(float(num) / float(den) * 100), num, den))


def _rate(demo, spec, prof, codes, drivers, periods, base_year, by_name, flow_of):
    """Year-on-year growth (同比) of the year to date, in percent, 1 decimal as published; years after the base."""
    periods = [(y, q) for (y, q) in periods if y > base_year]
    key = prof.get("from_flow")
    if key and key not in drivers:
        source = next((s for s in by_name.values() if FLOW_KEYS.get(s.name) == key), None)
        if source is not None:
            flow_of(source, PROFILES.get(source.name, {}))
    if key and key in drivers:
        series = drivers[key]
        deflator = prof.get("deflator", 1.5)
        rng = _rng("deflator", spec.name)
        defl = {y: deflator + rng.uniform(-0.3, 0.3) for y in range(base_year, max(y for y, _ in periods) + 1)}
        if spec.by_district:
            for c in codes:
                for y, q in periods:
                    g = (series[c][(y, q)] / series[c][(y - 1, q)] - 1) * 100 - defl[y]
                    demo.figures.append(Figure(spec.number, c, y, q, _d(g, 1)))
        for y, q in periods:
            now = sum(series[c][(y, q)] for c in codes)
            before = sum(series[c][(y - 1, q)] for c in codes)
            demo.figures.append(Figure(spec.number, None, y, q, _d((now / before - 1) * 100 - defl[y], 1)))
        return
    yearly = prof.get("yearly") or tuple((spec.target_value or 8.0) * f for f in (1.05, 0.85, 0.95, 1.1, 1.02))
    rng = _rng("rate", spec.name)
    for y, q in periods:
        annual = yearly[(y - base_year - 1) % len(yearly)]
        value = annual + (4 - q) * rng.uniform(-0.6, 0.6) / 2
        demo.figures.append(Figure(spec.number, None, y, q, _d(value, 1)))


# ------------------------------------------------------------------------------------------------ services


@dataclass
class DemoResult:
    created: int = 0
    updated: int = 0
    skipped_real: int = 0
    assignments: int = 0
    recomputed: int | None = None


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)


@transaction.atomic
def demo_load(*, plan, indicator_numbers: list[int] | None = None, district_codes: list[str] | None = None,
              recompute: bool = True) -> DemoResult:
    """Write the plan's demo figures (Observation is_demo=True + ObservationVersion kind "demo") and the
    province's demo assignments. Idempotent: a second run writes nothing. Never touches a figure that is not
    demo, or a demo figure that has since received a real version. Recomputes progress when anything changed
    (or when the plan has no progress rows yet)."""
    from districts.models import District
    from indicators.models import (
        Indicator,
        Observation,
        ObservationVersion,
        Progress,
        ProvinceAssignment,
    )
    from indicators.progress import services

    indicators = list(Indicator.objects.filter(plan=plan).order_by("number"))
    districts = list(District.objects.filter(plan=plan).order_by("order"))
    demo = generate([_spec_from(i) for i in indicators], [d.code for d in districts], base_year=plan.base_year,
                    first_year=plan.start_year, last_year=plan.end_year)
    by_number = {i.number: i for i in indicators}
    district_ids = {d.code: d.id for d in districts}
    wanted_numbers = set(indicator_numbers) if indicator_numbers is not None else set(by_number)
    wanted_codes = set(district_codes) if district_codes is not None else set(district_ids)
    figures = [f for f in demo.figures if f.indicator in wanted_numbers
               and (f.district is None or f.district in wanted_codes)]

    existing = {(o.indicator_id, o.district_id, o.year, o.quarter): o
                for o in Observation.objects.filter(indicator__plan=plan)}
    versions: dict[int, list] = {}
    for v in ObservationVersion.objects.filter(observation__indicator__plan=plan).order_by("recorded_at", "id"):
        versions.setdefault(v.observation_id, []).append(v)

    result = DemoResult()
    new_obs, new_versions_for, changed_obs, changed_versions = [], [], [], []
    for f in figures:
        key = (by_number[f.indicator].id, district_ids.get(f.district), f.year, f.quarter)
        obs = existing.get(key)
        values = dict(value=f.value, numerator=f.numerator, denominator=f.denominator)
        if obs is None:
            new_obs.append(Observation(indicator_id=key[0], district_id=key[1], year=f.year, quarter=f.quarter,
                                       is_demo=True, comment="演示数据", **values))
            continue
        obs_versions = versions.get(obs.id, [])
        if not obs.is_demo or any(v.kind != ObservationVersion.Kind.DEMO for v in obs_versions):
            result.skipped_real += 1
            continue
        if not all(_same(getattr(obs, k), v) for k, v in values.items()):
            for k, v in values.items():
                setattr(obs, k, v)
            changed_obs.append(obs)
        demo_versions = [v for v in obs_versions if v.kind == ObservationVersion.Kind.DEMO]
        if not demo_versions:
            new_versions_for.append(obs)
        elif not all(_same(getattr(demo_versions[-1], k), v) for k, v in values.items()):
            for k, v in values.items():
                setattr(demo_versions[-1], k, v)
            changed_versions.append(demo_versions[-1])

    if new_obs:
        created = Observation.objects.bulk_create(new_obs, batch_size=1000)
        if any(o.pk is None for o in created):  # backends that return no ids
            created = list(Observation.objects.filter(indicator__plan=plan, is_demo=True,
                                                      versions__isnull=True))
        new_versions_for += created
    if changed_obs:
        Observation.objects.bulk_update(changed_obs, ["value", "numerator", "denominator"], batch_size=1000)
    if changed_versions:
        ObservationVersion.objects.bulk_update(changed_versions, ["value", "numerator", "denominator"],
                                               batch_size=1000)
    if new_versions_for:
        ObservationVersion.objects.bulk_create([
            ObservationVersion(observation=o, kind=ObservationVersion.Kind.DEMO, value=o.value,
                               numerator=o.numerator, denominator=o.denominator, source_title=DEMO_SOURCE)
            for o in new_versions_for], batch_size=1000)
    result.created = len(new_obs)
    result.updated = len(changed_obs) + len(changed_versions) + (len(new_versions_for) - len(new_obs))
    if new_obs and connection.vendor == "postgresql":
        # the planner's statistics follow a bulk load at once (as the synthetic loader's do): a table analysed while
        # empty would otherwise be planned as empty until autovacuum comes by, and the recompute and review reads
        # that follow in this transaction join thousands of rows with nested loops
        with connection.cursor() as cursor:
            for model in (Observation, ObservationVersion):
                cursor.execute(f"ANALYZE {model._meta.db_table}")

    present = set(ProvinceAssignment.objects.filter(indicator__plan=plan).values_list("indicator_id", "year"))
    new_assignments = [
        ProvinceAssignment(indicator_id=by_number[n].id, year=y, assigned_value=amount, source=DEMO_SOURCE,
                           is_demo=True)
        for (n, y), amount in sorted(demo.assignments.items())
        if n in wanted_numbers and (by_number[n].id, y) not in present]
    if new_assignments:
        ProvinceAssignment.objects.bulk_create(new_assignments)
    result.assignments = len(new_assignments)

    changed = result.created or result.updated or result.assignments
    if recompute and (changed or not Progress.objects.filter(indicator__plan=plan).exists()):
        result.recomputed = services.progress_recompute(plan=plan)
    return result


@dataclass
class ClearResult:
    versions: int = 0
    observations: int = 0
    kept_with_real_versions: int = 0
    assignments: int = 0
    district_targets: int = 0
    recomputed: int | None = None


@transaction.atomic
def demo_clear(*, plan=None, recompute: bool = True) -> ClearResult:
    """Remove exactly the demo rows: demo versions, demo figures left without a version, demo assignments
    and demo district targets. A demo figure that has received a real version stays, as a real figure
    (is_demo off, its working copy set to its newest real version). Recomputes progress when anything changed."""
    from districts.models import Plan
    from indicators.models import (
        DistrictTarget,
        Observation,
        ObservationVersion,
        ProvinceAssignment,
    )
    from indicators.progress import services

    scope = Q() if plan is None else Q(indicator__plan=plan)
    obs_scope = Q() if plan is None else Q(observation__indicator__plan=plan)
    result = ClearResult()
    result.versions, _ = ObservationVersion.objects.filter(obs_scope, kind=ObservationVersion.Kind.DEMO).delete()
    demo_obs = Observation.objects.filter(scope, is_demo=True)
    orphan_ids = list(demo_obs.filter(versions__isnull=True).values_list("id", flat=True))
    kept = list(demo_obs.exclude(id__in=orphan_ids))
    for start in range(0, len(orphan_ids), 900):
        Observation.objects.filter(id__in=orphan_ids[start:start + 900]).delete()
    result.observations = len(orphan_ids)
    for obs in kept:
        newest = obs.versions.order_by("-recorded_at", "-id").first()
        obs.is_demo = False
        obs.value, obs.numerator, obs.denominator = newest.value, newest.numerator, newest.denominator
        obs.save(update_fields=["is_demo", "value", "numerator", "denominator", "updated_at"])
    result.kept_with_real_versions = len(kept)
    result.assignments, _ = ProvinceAssignment.objects.filter(scope, is_demo=True).delete()
    result.district_targets, _ = DistrictTarget.objects.filter(scope, is_demo=True).delete()
    if recompute and (result.versions or result.observations or result.assignments or result.district_targets):
        plans = [plan] if plan is not None else list(Plan.objects.all())
        result.recomputed = sum(services.progress_recompute(plan=p) for p in plans)
    return result
