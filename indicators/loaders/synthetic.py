"""Synthetic province-scale plans for benchmarks: many districts, many indicators, approved quarterly figures.

``generate`` is pure (a spec in, DataFrames out; numpy seeded, no clock, no ORM): the same spec always gives
the same plan. ``synthetic_load`` writes it as a separate plan (code ``synthetic-…``, not the current plan),
with PostgreSQL COPY when the database is PostgreSQL (a 183-district, 100-indicator, 6-year plan is ~0.4 M
figures) and bulk_create elsewhere. ``synthetic_delete`` removes such a plan.

The indicators repeat the mix of the Leshan plan (16 indicators: 4 flows, 3 stocks, 4 shares, 3 rates, an
index and a qualitative one; 13 reported by district, quarterly). Districts report cumulative year-to-date
flows, end-of-period stocks, numerator and denominator of shares and year-on-year growth rates; the city
publishes rates, the index, the qualitative amount (with the province's assigned amounts) and, for the
first flow of every block of 16, a Q4 figure that differs a little from the districts' sum. 1% of district
figures were revised after approval (two versions). Every eighth district has not had its newest quarter
approved yet: those submissions are "submitted", their figures entered but without a version.
"""
from __future__ import annotations

import io
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import numpy as np
import pandas as pd

BASE_YEAR = 2020
# measure, reported by district (the Leshan plan's 16 indicators, reordered so any 6 cover every kind)
TEMPLATE = [("flow", True), ("stock", True), ("share", True), ("rate", True), ("index", False),
            ("qualitative", False), ("rate", False), ("flow", True), ("share", True), ("stock", True),
            ("flow", True), ("share", True), ("rate", True), ("flow", True), ("share", True), ("stock", True)]
MEASURE_ZH = {"flow": "累计值", "stock": "期末数", "share": "比重", "rate": "增速", "index": "指数",
              "qualitative": "省下达任务"}
UNITS = {"flow": "亿元", "stock": "户", "share": "%", "rate": "%", "index": "点", "qualitative": "亿元"}
PILLARS = [("scale", "规模 Scale"), ("consumption", "消费 Consumption"), ("innovation", "创新 Innovation"),
           ("support", "支撑 Support"), ("opening", "开放 Opening")]
SEASON = np.array([0.23, 0.48, 0.73, 1.0])
YEAR_SHOCK = {2: -0.025}  # growth shock in the plan's third year (as 2022 was)
SOURCE = "合成数据（基准测试用，非官方统计）"  # Chinese only; shown translated (figures.system_texts)


@dataclass(frozen=True)
class SyntheticSpec:
    districts: int = 183
    indicators: int = 100
    years: int = 6  # years of figures, the base year included: 6 → 2020–2025
    seed: int = 2025

    def __post_init__(self):
        if self.districts < 1 or self.indicators < 1 or self.years < 2:
            raise ValueError("need at least 1 district, 1 indicator and 2 years")
        if self.districts > 9999 or self.indicators > 9999:
            raise ValueError("at most 9999 districts and 9999 indicators")

    @property
    def code(self) -> str:
        return f"synthetic-{self.districts}d-{self.indicators}i-{self.years}y-s{self.seed}"

    @property
    def last_year(self) -> int:
        return BASE_YEAR + self.years - 1


@dataclass
class SyntheticData:
    plan: dict
    pillars: list[dict]
    districts: pd.DataFrame      # order, code, name
    indicators: pd.DataFrame     # number, pillar, measure, by_district, quarterly, targets and baselines …
    observations: pd.DataFrame   # indicator, district (order; 0 = city), year, quarter, value, numerator,
                                 # denominator, status ("approved" | "submitted"), versions (0, 1 or 2), kind
    targets: pd.DataFrame        # indicator, district, target_value
    assignments: pd.DataFrame    # indicator, year, assigned_value


def _round(a, decimals):
    return np.round(np.asarray(a, dtype=float), decimals)


def generate(spec: SyntheticSpec) -> SyntheticData:
    """The plan, its districts and indicators, and every figure; deterministic in ``spec``."""
    rng = np.random.default_rng(spec.seed)
    D, N = spec.districts, spec.years
    years = np.arange(BASE_YEAR, BASE_YEAR + N)
    T = int(max(years[-1], BASE_YEAR + 1))
    elapsed = np.arange(N, dtype=float)  # years since the base year
    # a district is big (or growing fast) on every indicator at once
    weight = rng.lognormal(0.0, 0.7, D)
    weight /= weight.sum()
    tilt = rng.normal(0.0, 0.015, D)
    pending = (np.arange(1, D + 1) % 8 == 0)  # newest quarter submitted, not yet approved

    district_frame = pd.DataFrame({"order": np.arange(1, D + 1),
                                   "code": [f"s{i:04d}" for i in range(1, D + 1)],
                                   "name": [f"合成县{i:04d}" for i in range(1, D + 1)]})
    indicators, frames, targets, assignments = [], [], [], []

    def district_rows(number, values, numerators=None, denominators=None, quarters=(1, 2, 3, 4)):
        """values: (D, N, 4) array → rows of every district × year × the given quarters."""
        dd, yy, qq = np.meshgrid(np.arange(1, D + 1), years, np.arange(1, 5), indexing="ij")
        keep = np.isin(qq, quarters)
        out = pd.DataFrame({"indicator": number, "district": dd[keep], "year": yy[keep], "quarter": qq[keep],
                            "value": values[keep],
                            "numerator": np.nan if numerators is None else numerators[keep],
                            "denominator": np.nan if denominators is None else denominators[keep]})
        last = (out["year"] == years[-1]) & (out["quarter"] == max(quarters))
        out["status"] = np.where(last & pending[out["district"].to_numpy() - 1], "submitted", "approved")
        return out

    def city_rows(number, values, quarters=(1, 2, 3, 4), kind="district"):
        """values: (N, 4) array."""
        yy, qq = np.meshgrid(years, np.arange(1, 5), indexing="ij")
        keep = np.isin(qq, quarters)
        return pd.DataFrame({"indicator": number, "district": 0, "year": yy[keep], "quarter": qq[keep],
                             "value": values[keep], "numerator": np.nan, "denominator": np.nan,
                             "status": "approved", "kind": kind})

    for number in range(1, spec.indicators + 1):
        position = (number - 1) % len(TEMPLATE)
        measure, by_district = TEMPLATE[position]
        higher = not (measure == "share" and number % 10 == 9)
        growth = rng.uniform(0.04, 0.10)
        ambition = rng.uniform(-0.025, 0.03)
        noise = rng.normal(0.0, 0.01, (D, N))
        shock = np.zeros(N)
        for k, v in YEAR_SHOCK.items():
            if k < N:
                shock[k] = v
        ind = {"number": number, "pillar": PILLARS[(number - 1) * len(PILLARS) // spec.indicators][0],
               "measure": measure, "by_district": by_district, "quarterly": measure not in ("index", "qualitative"),
               "higher_is_better": higher, "target_year": T, "tolerance": None, "decimals": 0 if measure == "stock" else 2,
               "baseline_year": BASE_YEAR, "baseline_value": None, "target_value": None}
        if measure == "flow":
            yearly = 1 + growth + tilt[:, None] + noise + shock[None, :]
            yearly[:, 0] = 1.0
            annual = np.exp(rng.uniform(2, 7)) * weight[:, None] * np.cumprod(yearly, axis=1)
            season = np.clip(SEASON[None, None, :] + rng.normal(0, 0.01, (D, N, 4)) * (SEASON < 1), 0.01, 1.0)
            cumulative = _round(annual[:, :, None] * season, 2)
            cumulative[:, :, 3] = _round(annual, 2)
            frames.append(district_rows(number, cumulative))
            baseline = float(_round(cumulative[:, 0, 3].sum(), 2))
            ind.update(baseline_value=baseline,
                       target_value=float(_round(baseline * (1 + growth + ambition) ** (T - BASE_YEAR), 2)),
                       target_kind="at_least")
            if position == 0:  # the statistics bureau publishes its own city figure
                published = _round(cumulative[:, :, 3].sum(axis=0) * (1 + rng.normal(0, 0.01, N)), 2)
                values = np.full((N, 4), np.nan)
                values[:, 3] = published
                frames.append(city_rows(number, values, quarters=(4,), kind="preliminary"))
            if position in (0, 1, 7):
                district_target = baseline * (1 + growth + ambition) ** (T - BASE_YEAR) * weight * rng.uniform(
                    0.96, 1.03)
                targets.append(pd.DataFrame({"indicator": number, "district": np.arange(1, D + 1),
                                             "target_value": _round(district_target, 2)}))
        elif measure == "stock":
            start = np.maximum(1.0, np.round(rng.uniform(50, 3000) * weight * rng.uniform(0.8, 1.2, D)))
            t = elapsed[None, :, None] + (np.arange(1, 5)[None, None, :] - 4) / 4
            rate = growth + tilt[:, None, None] + rng.normal(0, 0.01, (D, 1, 1))
            counts = np.round(start[:, None, None] * (1 + rate) ** t)
            frames.append(district_rows(number, counts))
            base = counts[:, 0, 3].sum()
            ind.update(target_value=float(np.round(base * (1 + growth + ambition) ** (T - BASE_YEAR))),
                       target_kind="at_least")
            if position == 1:
                targets.append(pd.DataFrame({"indicator": number, "district": np.arange(1, D + 1),
                                             "target_value": np.round(counts[:, 0, 3] * (1 + growth) ** (T - BASE_YEAR))}))
        elif measure == "share":
            gdp = np.exp(rng.uniform(4, 8)) * weight[:, None] * np.cumprod(
                np.where(np.arange(N)[None, :] == 0, 1.0, 1.06 + noise), axis=1)
            denominator = _round(gdp[:, :, None] * SEASON[None, None, :], 2)
            level = rng.uniform(0.03, 0.6)
            step = rng.uniform(0.002, 0.012) * (1 if higher else -1)
            t = elapsed[None, :, None] + np.arange(1, 5)[None, None, :] / 4
            share = np.clip(level * (1 + rng.normal(0, 0.1, D))[:, None, None] + step * t
                            + rng.normal(0, 0.002, (D, N, 4)), 0.001, 0.999)
            numerator = _round(denominator * share, 2)
            value = _round(numerator / denominator * 100, 4)
            frames.append(district_rows(number, value, numerator, denominator))
            base = numerator[:, 0, 3].sum() / denominator[:, 0, 3].sum() * 100
            target = base + step * 100 * (T - BASE_YEAR) * rng.uniform(0.8, 1.3)
            ind.update(target_value=float(_round(target, 2)), target_kind="about" if number % 2 else "at_least")
            if number % 2:
                ind["baseline_value"] = float(_round(base, 2))
        elif measure == "rate":
            level = rng.uniform(5, 10)
            yearly = level + rng.normal(0, 1.0, N) + shock * 100
            city = _round(yearly[:, None] + rng.normal(0, 0.3, (N, 4)), 2)
            frames.append(city_rows(number, city))
            if by_district:
                district = _round(city[None, :, :] + tilt[:, None, None] * 100 + rng.normal(0, 0.8, (D, N, 4)), 2)
                frames.append(district_rows(number, district))
            ind.update(target_value=float(_round(level + rng.uniform(-1, 1.5), 1)),
                       target_kind="about" if number % 2 else "more_than")
        elif measure == "index":
            start, step = rng.uniform(40, 70), rng.uniform(0.5, 2.0)
            values = np.full((N, 4), np.nan)
            values[:, 3] = _round(start + step * elapsed + rng.normal(0, 0.4, N), 2)
            frames.append(city_rows(number, values, quarters=(4,)))
            ind.update(target_value=float(_round(start + step * (T - BASE_YEAR) * rng.uniform(0.8, 1.3), 1)),
                       target_kind="at_least")
        else:  # qualitative: the province assigns an amount every plan year; achieved when actual ≥ assigned
            assigned = _round(rng.uniform(50, 500) * 1.08 ** elapsed, 2)
            values = np.full((N, 4), np.nan)
            values[:, 3] = _round(assigned * rng.uniform(0.95, 1.06, N), 2)
            frames.append(city_rows(number, values, quarters=(4,)))
            assignments.append(pd.DataFrame({"indicator": number, "year": years[1:], "assigned_value": assigned[1:]}))
            ind.update(target_kind="qualitative", baseline_year=None)
        indicators.append(ind)

    obs = pd.concat(frames, ignore_index=True)
    obs["kind"] = obs["kind"].fillna("district") if "kind" in obs else "district"
    obs = obs.sort_values(["indicator", "district", "year", "quarter"], kind="mergesort").reset_index(drop=True)
    approved = obs["status"] == "approved"
    revised = approved & (obs["district"] > 0) & (rng.random(len(obs)) < 0.01)
    obs["versions"] = np.where(approved, np.where(revised, 2, 1), 0)

    ind_frame = pd.DataFrame(indicators)
    ind_frame["name"] = [f"合成指标{n:03d}（{MEASURE_ZH[m]}）" for n, m in zip(ind_frame["number"], ind_frame["measure"])]
    ind_frame["name_en"] = [f"Synthetic indicator {n} ({m})" for n, m in zip(ind_frame["number"], ind_frame["measure"])]
    ind_frame["unit"] = ind_frame["measure"].map(UNITS)
    ind_frame["target_text"] = [_target_text(m, k, v) for m, k, v in
                                zip(ind_frame["measure"], ind_frame["target_kind"], ind_frame["target_value"])]
    ind_frame["baseline_text"] = [("未给出" if pd.isna(b) else f"{b:g}") for b in ind_frame["baseline_value"]]
    plan = {"code": spec.code, "name": f"合成规划 Synthetic plan {spec.districts}×{spec.indicators}×{spec.years}",
            "start_year": BASE_YEAR + 1, "end_year": T, "base_year": BASE_YEAR, "status": "draft", "source": SOURCE}
    return SyntheticData(
        plan=plan, pillars=[{"code": c, "name": n, "order": i} for i, (c, n) in enumerate(PILLARS, start=1)],
        districts=district_frame, indicators=ind_frame, observations=obs,
        targets=pd.concat(targets, ignore_index=True) if targets else pd.DataFrame(
            columns=["indicator", "district", "target_value"]),
        assignments=pd.concat(assignments, ignore_index=True) if assignments else pd.DataFrame(
            columns=["indicator", "year", "assigned_value"]))


def _target_text(measure, kind, value) -> str:
    if kind == "qualitative":
        return "完成省下达目标任务"
    unit = UNITS[measure]
    number = f"{value:g}{unit}"
    return {"about": f"{number}左右", "more_than": f"＞{number}"}.get(kind, number)


# ------------------------------------------------------------------------------------------------ writing


@dataclass
class SyntheticResult:
    plan_id: int
    code: str
    districts: int
    indicators: int
    observations: int
    versions: int
    submitted_pending: int
    measures: dict = field(default_factory=dict)


def _approved_at(year: int, quarter: int) -> datetime:
    """Figures of a quarter are approved 25 days after it ends (10:00 in Leshan, 02:00 UTC)."""
    ends = datetime(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1, 2, tzinfo=dt_timezone.utc)
    return ends + timedelta(days=24)


def synthetic_delete(*, code: str) -> bool:
    """Remove a synthetic plan and everything under it (large tables first, with set-based deletes)."""
    from django.db import connection, transaction

    from districts.models import Plan
    from indicators.models import (
        DistrictTarget,
        Indicator,
        Observation,
        ObservationVersion,
        Progress,
        ProvinceAssignment,
        RecomputeRun,
        Submission,
    )

    if not code.startswith("synthetic-"):
        raise ValueError("only synthetic plans are deleted here")
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        return False
    obs_table = Observation._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        suspended = nullcontext()
        if connection.vendor == "postgresql":
            suspended = _foreign_keys_suspended(cursor, [(ObservationVersion._meta.db_table, obs_table),
                                                         (obs_table, Submission._meta.db_table)])
        with suspended:
            ObservationVersion.objects.filter(observation__indicator__plan=plan)._raw_delete(connection.alias)
            Progress.objects.filter(indicator__plan=plan)._raw_delete(connection.alias)
            Observation.objects.filter(indicator__plan=plan)._raw_delete(connection.alias)
            Submission.objects.filter(plan=plan)._raw_delete(connection.alias)
        DistrictTarget.objects.filter(indicator__plan=plan)._raw_delete(connection.alias)
        ProvinceAssignment.objects.filter(indicator__plan=plan)._raw_delete(connection.alias)
        RecomputeRun.objects.filter(plan=plan)._raw_delete(connection.alias)
        Indicator.objects.filter(plan=plan).delete()  # before the pillars, which are protected
        plan.delete()
    return True


def synthetic_load(*, spec: SyntheticSpec, replace: bool = True) -> SyntheticResult:
    """Write the plan of ``spec`` (replacing a plan with the same code when ``replace``), in one transaction."""
    from django.db import connection, transaction

    from districts.models import District, Plan
    from indicators.models import (
        DistrictTarget,
        Indicator,
        Pillar,
        ProvinceAssignment,
        Submission,
    )

    data = generate(spec)
    if Plan.objects.filter(code=spec.code).exists():
        if not replace:
            raise ValueError(f"plan {spec.code} exists")
        synthetic_delete(code=spec.code)
    with transaction.atomic():
        plan = Plan.objects.create(**data.plan)
        pillars = {p["code"]: Pillar.objects.create(plan=plan, **p) for p in data.pillars}
        districts = District.objects.bulk_create([
            District(plan=plan, code=r.code, name=r.name, order=r.order, is_administrative=True)
            for r in data.districts.itertuples()])
        district_id = {d.order: d.id for d in districts}
        if any(v is None for v in district_id.values()):
            district_id = dict(District.objects.filter(plan=plan).values_list("order", "id"))
        indicator_objs = []
        for r in data.indicators.to_dict("records"):
            indicator_objs.append(Indicator(
                plan=plan, pillar=pillars[r["pillar"]], number=r["number"], name=r["name"], name_en=r["name_en"],
                unit=r["unit"], measure=r["measure"], higher_is_better=r["higher_is_better"],
                target_year=r["target_year"], target_value=_dec(r["target_value"]), target_text=r["target_text"],
                target_kind=r["target_kind"], tolerance=None,
                baseline_year=None if pd.isna(r["baseline_year"]) else int(r["baseline_year"]),
                baseline_value=_dec(r["baseline_value"]), baseline_text=r["baseline_text"],
                by_district=r["by_district"], quarterly=r["quarterly"], decimals=r["decimals"]))
        Indicator.objects.bulk_create(indicator_objs)
        indicator_id = dict(Indicator.objects.filter(plan=plan).values_list("number", "id"))
        DistrictTarget.objects.bulk_create([
            DistrictTarget(indicator_id=indicator_id[i], district_id=district_id[d], target_value=_dec(v),
                           source=SOURCE)
            for i, d, v in zip(data.targets["indicator"], data.targets["district"], data.targets["target_value"])],
            batch_size=2000)
        ProvinceAssignment.objects.bulk_create([
            ProvinceAssignment(indicator_id=indicator_id[i], year=int(y), assigned_value=_dec(v), source=SOURCE)
            for i, y, v in zip(data.assignments["indicator"], data.assignments["year"],
                               data.assignments["assigned_value"])])

        obs = data.observations
        # one submission per district (or the city) and quarter: approved, or submitted (awaiting approval)
        subs = (obs.groupby(["district", "year", "quarter"], sort=True)["status"]
                .agg(lambda s: "submitted" if (s == "submitted").any() else "approved").reset_index())
        sub_objs = []
        for d, y, q, status in subs.itertuples(index=False):
            at = _approved_at(int(y), int(q))
            sub_objs.append(Submission(
                plan=plan, district_id=district_id.get(int(d)), year=int(y), quarter=int(q), status=status,
                revision=2 if status == "approved" else 1, submitted_at=at - timedelta(days=5),
                decided_at=at if status == "approved" else None))
        Submission.objects.bulk_create(sub_objs, batch_size=2000)
        sub_id = {(0 if s.district_id is None else s.district_id, s.year, s.quarter): s.id
                  for s in Submission.objects.filter(plan=plan).only("id", "district_id", "year", "quarter")}

        frame = pd.DataFrame({
            "indicator_id": obs["indicator"].map(indicator_id).to_numpy(),
            "district_id": obs["district"].map(district_id).astype("Int64"),
            "year": obs["year"].to_numpy(), "quarter": obs["quarter"].to_numpy(),
            "value": obs["value"].to_numpy(), "numerator": obs["numerator"].to_numpy(),
            "denominator": obs["denominator"].to_numpy()})
        frame["submission_id"] = [sub_id[(0 if pd.isna(d) else int(d), int(y), int(q))] for d, y, q in
                                  zip(frame["district_id"], frame["year"], frame["quarter"])]
        stamps = {(y, q): _approved_at(y, q) for y in range(BASE_YEAR, spec.last_year + 1) for q in range(1, 5)}
        frame["at"] = pd.to_datetime([stamps[(int(y), int(q))] for y, q in zip(frame["year"], frame["quarter"])],
                                     utc=True)
        # versions: the first (for revised figures, 1% lower than the newest) and, for revised ones, the newest
        first = obs["versions"] >= 1
        revised = obs["versions"] == 2
        scale = np.where(revised, 0.99, 1.0)
        vfirst = pd.DataFrame({"row": np.flatnonzero(first), "kind": obs["kind"][first].to_numpy(),
                               "value": _round(obs["value"][first] * scale[first], 6),
                               "numerator": _round(obs["numerator"][first] * scale[first], 2),
                               "denominator": obs["denominator"][first].to_numpy(),
                               "at": frame["at"][first].to_numpy()})
        share = obs["numerator"][first].notna().to_numpy()
        vfirst.loc[share, "value"] = _round(vfirst["numerator"][share] / vfirst["denominator"][share] * 100, 4)
        vnew = pd.DataFrame({"row": np.flatnonzero(revised), "kind": obs["kind"][revised].to_numpy(),
                             "value": obs["value"][revised].to_numpy(),
                             "numerator": obs["numerator"][revised].to_numpy(),
                             "denominator": obs["denominator"][revised].to_numpy(),
                             "at": (frame["at"][revised] + pd.Timedelta(days=61)).to_numpy()})
        versions = pd.concat([vfirst, vnew], ignore_index=True)
        versions["source_title"] = np.where(versions["kind"] == "district", "合成数据 审核通过的填报数据", SOURCE)

        if connection.vendor == "postgresql":
            _copy_figures(frame, versions)
        else:
            _bulk_figures(frame, versions)

    measures = data.indicators["measure"].value_counts().to_dict()
    return SyntheticResult(plan_id=plan.id, code=plan.code, districts=len(districts), indicators=len(indicator_objs),
                           observations=len(frame), versions=len(versions),
                           submitted_pending=int((obs["status"] == "submitted").sum()), measures=measures)


def _dec(x) -> Decimal | None:
    if x is None or pd.isna(x):
        return None
    return Decimal(f"{float(x):.6f}")


def _reserve_ids(cursor, table: str, n: int) -> np.ndarray:
    """n new ids from the table's sequence (the table is locked by the caller, so they are consecutive)."""
    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [sequence])
    first = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
    return np.arange(first, first + n, dtype=np.int64)


def _timestamps(column: pd.Series) -> pd.Series:
    """UTC timestamps as text, formatting each distinct value once (there is one per quarter)."""
    stamps = pd.to_datetime(column, utc=True)
    text = {v: v.strftime("%Y-%m-%d %H:%M:%S+00") for v in stamps.unique()}
    return stamps.map(text)


def _copy(cursor, table: str, frame: pd.DataFrame, not_null=()):
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False)  # shortest float repr: exact for PostgreSQL's numeric
    buffer.seek(0)
    options = "FORMAT csv" + (f", FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else "")
    cursor.copy_expert(f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH ({options})", buffer)
    cursor.execute(f"ANALYZE {table}")  # the planner's statistics follow a bulk load at once, not at autovacuum's pace


@contextmanager
def _foreign_keys_suspended(cursor, pairs):
    """Drop the foreign keys from each (table, referenced table) and add them back, validated, on exit.

    Checking 0.4 M rows one by one (deferred triggers at commit) takes ~30 s; re-adding the constraint checks
    them in one query. The caller's transaction keeps this all-or-nothing; the tables are locked meanwhile.
    """
    saved = []
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the checks already queued: ALTER refuses pending ones
    for table, referenced in pairs:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = %s::regclass AND confrelid = %s::regclass", [table, referenced])
        for name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            saved.append((table, name, definition))
    yield
    for table, name, definition in saved:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are INITIALLY DEFERRED


def _copy_figures(frame: pd.DataFrame, versions: pd.DataFrame) -> None:
    from django.db import connection

    from districts.models import District
    from indicators.models import Indicator, Observation, ObservationVersion, Submission

    obs_table, ver_table = Observation._meta.db_table, ObservationVersion._meta.db_table
    pairs = [(obs_table, Indicator._meta.db_table), (obs_table, District._meta.db_table),
             (obs_table, Submission._meta.db_table), (ver_table, obs_table)]
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        with _foreign_keys_suspended(raw, pairs):
            ids = _reserve_ids(raw, obs_table, len(frame))
            out = frame.drop(columns=["at"]).assign(id=ids, comment="", is_demo=False,
                                                    updated_at=_timestamps(frame["at"]))
            _copy(raw, obs_table, out[["id", "indicator_id", "district_id", "year", "quarter", "submission_id",
                                       "value", "numerator", "denominator", "comment", "is_demo", "updated_at"]],
                  not_null=["comment"])
            vids = _reserve_ids(raw, ver_table, len(versions))
            vout = pd.DataFrame({"id": vids, "observation_id": ids[versions["row"].to_numpy()],
                                 "kind": versions["kind"], "value": versions["value"],
                                 "numerator": versions["numerator"], "denominator": versions["denominator"],
                                 "source_title": versions["source_title"], "source_url": "", "note": "",
                                 "recorded_at": _timestamps(versions["at"])})
            _copy(raw, ver_table, vout, not_null=["source_title", "source_url", "note"])


def _bulk_figures(frame: pd.DataFrame, versions: pd.DataFrame) -> None:
    from indicators.models import Observation, ObservationVersion

    created = Observation.objects.bulk_create([
        Observation(indicator_id=int(r.indicator_id), district_id=None if pd.isna(r.district_id) else int(r.district_id),
                    year=int(r.year), quarter=int(r.quarter), submission_id=int(r.submission_id),
                    value=_dec(r.value), numerator=_dec(r.numerator), denominator=_dec(r.denominator))
        for r in frame.itertuples()], batch_size=1000)
    ids = [o.pk for o in created]
    rows = ObservationVersion.objects.bulk_create([
        ObservationVersion(observation_id=ids[int(r.row)], kind=r.kind, value=_dec(r.value),
                           numerator=_dec(r.numerator), denominator=_dec(r.denominator), source_title=r.source_title)
        for r in versions.itertuples()], batch_size=1000)
    # recorded_at is auto_now_add: set the approval dates afterwards (one UPDATE per quarter and version order)
    at = pd.Series(pd.to_datetime(versions["at"], utc=True).to_numpy(), index=[v.pk for v in rows])
    for stamp, group in at.groupby(at):
        ObservationVersion.objects.filter(pk__in=list(group.index)).update(
            recorded_at=pd.Timestamp(stamp).tz_localize("UTC").to_pydatetime() if pd.Timestamp(stamp).tzinfo is None
            else pd.Timestamp(stamp).to_pydatetime())
