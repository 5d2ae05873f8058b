"""Writes: every change to figures and progress goes through these functions, one transaction each."""
import csv
import io
import json
import logging
import math

import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from districts.models import Plan
from indicators import progress as maths
from indicators import selectors
from indicators.models import Indicator, Progress, RecomputeRun

logger = logging.getLogger(__name__)

PROGRESS_FIELDS = ["value", "quarter_value", "annual_value", "is_provisional", "baseline_year", "baseline_value",
                   "target_value", "target_source", "t", "completion", "time_share", "cagr_actual", "cagr_required",
                   "ratio", "achieved", "status", "reason", "light", "projection", "still_needed", "inputs"]


def thresholds() -> maths.Thresholds:
    return maths.Thresholds(**settings.PROGRESS_THRESHOLDS)


def _clean(value):
    """NaN/NA → None, numpy scalars → Python scalars (JSON- and DB-safe)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


REBASING_KINDS = ("verified", "census")


def rebase_baselines(indicators: pd.DataFrame, observations: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, float]]:
    """Use a revised base-year city figure as the baseline (re-basing, e.g. after an economic census).

    Only a verified or census-revised version re-bases; the plan's printed baseline stays the basis of the
    "as first published" rows, so both are available side by side. Returns the frame and {indicator_id: old}.
    """
    if observations.empty:
        return indicators, {}
    city = observations[observations["district_id"].isna() & (observations["quarter"] == 4)
                        & observations["version_kind"].isin(REBASING_KINDS)]
    revised = {(int(i), int(y)): float(v) for i, y, v in zip(city["indicator_id"], city["year"], city["value"])}
    frame = indicators.copy()
    rebased = {}
    for idx, ind_id, year, value in zip(frame.index, frame["indicator_id"], frame["baseline_year"],
                                        frame["baseline_value"]):
        if pd.isna(year) or pd.isna(value):
            continue
        new = revised.get((int(ind_id), int(year)))
        if new is not None and not math.isclose(new, value):
            frame.at[idx, "baseline_value"] = new
            rebased[int(ind_id)] = float(value)
    return frame, rebased


WRITE_COLUMNS = ["indicator_id", "district_id", "scope", "basis", "year", "quarter"] + PROGRESS_FIELDS + ["computed_at"]
_TEXT_FIELDS = ("target_source", "reason", "light", "status")
_TEMP = "progress_recomputed"


def _float(x):
    if x is None:
        return None
    x = float(x)
    return None if x != x else x


def _db_record(row: dict, basis: str, codes: dict[int, str], computed_at) -> dict:
    """A row of ``progress.progress_rows`` as the values of a Progress row (NaN → None, text never None)."""
    values = {field: _clean(row.get(field)) for field in PROGRESS_FIELDS}
    values["inputs"] = row.get("inputs") or {}
    values["is_provisional"] = bool(values["is_provisional"])
    values["achieved"] = bool(values["achieved"])
    if values["baseline_year"] is not None:
        values["baseline_year"] = int(values["baseline_year"])
    for text_field in _TEXT_FIELDS:
        values[text_field] = values[text_field] or ""
    district_id = _clean(row.get("district_id"))
    return {"indicator_id": int(row["indicator_id"]), "district_id": district_id,
            "scope": "city" if district_id is None else codes[int(district_id)], "basis": basis,
            "year": int(row["year"]), "quarter": int(row["quarter"]), "computed_at": computed_at, **values}


class _ProgressWriter:
    """Writes recomputed rows and removes the rows that no longer have data, for some indicators (and scopes).

    On PostgreSQL the rows are streamed with COPY into a temporary table, then one INSERT … ON CONFLICT updates
    only the rows whose figures changed (an unchanged row keeps its computed_at: it says when those figures were
    computed) and one DELETE removes stale rows: no Python object per row, and a recompute that changes nothing
    writes nothing. Elsewhere (SQLite) bulk_create(update_conflicts=True).
    """

    def __init__(self, codes: dict[int, str], computed_at):
        self.codes, self.computed_at = codes, computed_at
        self.postgres = connection.vendor == "postgresql"
        self.count = 0
        self.records: list[dict] = []
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {_TEMP}")
                cursor.execute(f"CREATE TEMPORARY TABLE {_TEMP} ON COMMIT DROP AS SELECT {', '.join(WRITE_COLUMNS)} "
                               f"FROM {Progress._meta.db_table} WITH NO DATA")

    def add(self, rows: list[dict], basis: str) -> None:
        self.count += len(rows)
        if not self.postgres:
            self.records.extend(_db_record(r, basis, self.codes, self.computed_at) for r in rows)
            return
        # the same values as _db_record, written straight to CSV: this runs for every row of a full recompute
        buffer = io.StringIO()
        write = csv.writer(buffer).writerow
        at, codes, dumps, f = self.computed_at.isoformat(), self.codes, json.dumps, _float
        for r in rows:
            district_id, baseline_year = r["district_id"], f(r["baseline_year"])
            write((r["indicator_id"], district_id, "city" if district_id is None else codes[int(district_id)], basis,
                   r["year"], r["quarter"], f(r["value"]), f(r["quarter_value"]), f(r["annual_value"]),
                   "t" if r["is_provisional"] else "f", None if baseline_year is None else int(baseline_year),
                   f(r["baseline_value"]), f(r["target_value"]), r["target_source"] or "", f(r["t"]),
                   f(r["completion"]), f(r["time_share"]), f(r["cagr_actual"]), f(r["cagr_required"]), f(r["ratio"]),
                   "t" if r["achieved"] else "f", r["status"] or "", r["reason"] or "", r["light"] or "",
                   f(r["projection"]), f(r["still_needed"]), dumps(r["inputs"] or {}), at))
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {_TEMP} ({', '.join(WRITE_COLUMNS)}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL "
                f"({', '.join(_TEXT_FIELDS)}))", buffer)

    def finish(self, plan: Plan, indicator_ids=None, scopes=None, from_period=None) -> int:
        """Apply the rows added; stale rows are looked for among these indicators, scopes and periods."""
        if self.postgres:
            self._finish_postgres(plan, indicator_ids, scopes, from_period)
        else:
            self._finish_orm(plan, indicator_ids, scopes, from_period)
        return self.count

    def _finish_postgres(self, plan, indicator_ids, scopes, from_period):
        table, keys = Progress._meta.db_table, ["indicator_id", "scope", "basis", "year", "quarter"]
        changing = [c for c in WRITE_COLUMNS if c not in keys and c != "computed_at"]
        where, params = ["i.plan_id = %s"], [plan.pk]
        if indicator_ids is not None:
            where.append("p.indicator_id = ANY(%s)")
            params.append(list(indicator_ids))
        if scopes is not None:
            where.append("p.scope = ANY(%s)")
            params.append(list(scopes))
        if from_period is not None:
            where.append("(p.year, p.quarter) >= (%s, %s)")
            params += list(from_period)
        match = " AND ".join(f"n.{k} = p.{k}" for k in keys)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_TEMP}")
            cursor.execute(
                f"DELETE FROM {table} p USING {Indicator._meta.db_table} i WHERE p.indicator_id = i.id AND "
                + " AND ".join(where) + f" AND NOT EXISTS (SELECT 1 FROM {_TEMP} n WHERE {match})", params)
            # only rows whose figures changed are rewritten (the plan's row lock keeps other recomputes out)
            cursor.execute(
                f"UPDATE {table} p SET " + ", ".join(f"{c} = n.{c}" for c in changing + ["computed_at"])
                + f" FROM {_TEMP} n WHERE {match} AND ({', '.join(f'p.{c}' for c in changing)}) IS DISTINCT FROM "
                  f"({', '.join(f'n.{c}' for c in changing)})")
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(WRITE_COLUMNS)}) SELECT {', '.join(WRITE_COLUMNS)} FROM {_TEMP} n "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} p WHERE {match})")
            cursor.execute(f"DROP TABLE {_TEMP}")

    def _finish_orm(self, plan, indicator_ids, scopes, from_period):
        stale = Progress.objects.filter(indicator__plan=plan)
        if indicator_ids is not None:
            stale = stale.filter(indicator_id__in=indicator_ids)
        if scopes is not None:
            stale = stale.filter(scope__in=scopes)
        if from_period is not None:
            stale = stale.filter(Q(year__gt=from_period[0]) | Q(year=from_period[0], quarter__gte=from_period[1]))
        keep = {(r["indicator_id"], r["scope"], r["basis"], r["year"], r["quarter"]) for r in self.records}
        existing = stale.values_list("id", "indicator_id", "scope", "basis", "year", "quarter")
        stale_ids = [pk for pk, *key in existing if tuple(key) not in keep]
        if stale_ids:
            Progress.objects.filter(pk__in=stale_ids).delete()
        if self.records:
            Progress.objects.bulk_create(
                [Progress(**r) for r in self.records], batch_size=2000, update_conflicts=True,
                unique_fields=["indicator", "scope", "basis", "year", "quarter"],
                update_fields=["district"] + PROGRESS_FIELDS + ["computed_at"])


def _compute_into(writer: _ProgressWriter, indicators: pd.DataFrame, versions: pd.DataFrame, targets, assignments,
                  th: maths.Thresholds, aggregates: dict | None = None, from_period=None) -> None:
    """Both bases of some indicators from their versions; ``aggregates``: {basis: city aggregates frame}."""
    for basis in (Progress.Basis.LATEST, Progress.Basis.FIRST):
        observations = selectors.values_for_basis(versions, basis)
        basis_indicators, rebased = indicators, {}
        if basis == Progress.Basis.LATEST:
            basis_indicators, rebased = rebase_baselines(indicators, observations)
        rows = maths.progress_rows(basis_indicators, observations, targets, assignments, th,
                                   (aggregates or {}).get(basis), from_period)
        for row in (rows if rebased else ()):
            if row["district_id"] is None and row["indicator_id"] in rebased and row["inputs"] is not None:
                row["inputs"]["rebased_from"] = rebased[row["indicator_id"]]
        writer.add(rows, basis)


def _recompute_all(plan: Plan, indicator_ids, codes, computed_at) -> int:
    indicators = selectors.indicator_frame(plan, indicator_ids)
    targets = selectors.district_target_frame(plan, indicator_ids)
    assignments = selectors.assignment_frame(plan, indicator_ids)
    writer, th = _ProgressWriter(codes, computed_at), thresholds()
    # one query, streamed in chunks of whole indicators: memory stays bounded however large the plan
    for versions in selectors.approved_versions_chunks(plan, indicator_ids):
        chunk = indicators[indicators["indicator_id"].isin(versions["indicator_id"].unique())]
        _compute_into(writer, chunk, versions, targets, assignments, th)
    return writer.finish(plan, indicator_ids)


def _base_year(ind: dict, plan: Plan) -> int:
    return int(ind["baseline_year"]) if not pd.isna(ind["baseline_year"]) else plan.base_year


def _stored_aggregates(indicators: pd.DataFrame, stored, fresh: dict, *, plan: Plan,
                       district_id: int, period: tuple[int, int], own: pd.DataFrame):
    """City aggregates of each basis for an incremental recompute of one district's quarter: the stored ones
    of the other quarters (the city rows' inputs keep them) and ``fresh`` ones of the changed quarter.

    Returns ({basis: frame}, indicator ids that need a full recompute): the changed quarter is the base-year
    figure or earlier (every period's baseline and implied targets depend on it), the district reports this
    indicator for the first time (the number of districts expected changes), or the stored rows do not have the
    aggregates.
    """
    by_key: dict = {}
    for ind_id, basis, year, quarter, value, source, n, expected, num, den, aggregate, ids, aggregate_ids in stored:
        if (year, quarter) == period or expected is None:
            continue
        if source == "published_city_figure":
            row = (ind_id, year, quarter, aggregate, None, None, n, expected, aggregate_ids)
        else:
            row = (ind_id, year, quarter, value, num, den, n, expected, ids)
        by_key.setdefault((ind_id, basis), []).append(row)
    mine = own[own["district_id"] == district_id]
    reported_before = set(mine.loc[(mine["year"] != period[0]) | (mine["quarter"] != period[1]), "indicator_id"])
    frames: dict = {basis: [] for basis in (Progress.Basis.LATEST, Progress.Basis.FIRST)}
    full = []
    for ind in indicators.to_dict("records"):
        ind_id = ind["indicator_id"]
        if period <= (_base_year(ind, plan), 4):
            full.append(ind_id)
            continue
        if not (ind["by_district"] and ind["measure"] in maths._AGGREGATED):
            continue  # the city scope does not depend on district figures
        parts = {basis: list(by_key.get((ind_id, basis), ())) for basis in frames}
        if ind_id not in reported_before or not all(parts.values()):
            full.append(ind_id)
            continue
        for basis, kept in parts.items():
            expected = kept[0][7]
            kept += [(*row[:7], expected, row[8]) for row in fresh[basis].get(ind_id, ())]
            frames[basis].extend(kept)
    return {basis: pd.DataFrame.from_records(rows, columns=maths.AGGREGATE_COLUMNS) if rows else None
            for basis, rows in frames.items()}, full


def _recompute_district_quarter(plan: Plan, indicator_ids, district_id: int, period: tuple[int, int], codes,
                                computed_at) -> int:
    """Recompute what one district's quarter changes: that district's rows and the city's, of some indicators,
    from that quarter on (earlier rows do not depend on it)."""
    indicators = selectors.indicator_frame(plan, indicator_ids)
    indicator_ids = list(indicators["indicator_id"])
    targets = selectors.district_target_frame(plan, indicator_ids)
    assignments = selectors.assignment_frame(plan, indicator_ids)
    versions = selectors.approved_versions_frame(plan, indicator_ids, district_id=district_id, period=period)
    base_years = {_base_year(ind, plan) for ind in indicators.to_dict("records")}
    # a row of period P uses periods back to the same quarter of the year before, and the base-year figure
    stored = selectors.stored_city_progress(plan, indicator_ids, since_year=period[0] - 1, annual_years=base_years,
                                            ids_after=period)
    district = versions["district_id"]
    own = versions[district.isna() | (district == district_id)]
    quarter = versions[district.notna() & (versions["year"] == period[0]) & (versions["quarter"] == period[1])]
    fresh = {}
    measures = dict(zip(indicators["indicator_id"], indicators["measure"]))
    for basis in (Progress.Basis.LATEST, Progress.Basis.FIRST):
        values = maths.aggregate_district_rows(
            maths._clean_observations(selectors.values_for_basis(quarter, basis)), measures)
        fresh[basis] = {}
        for row in values.itertuples(index=False, name=None):
            fresh[basis].setdefault(row[0], []).append(row)
    aggregates, full = _stored_aggregates(indicators, stored, fresh, plan=plan, district_id=district_id,
                                          period=period, own=own)
    count = 0
    if full:
        count += _recompute_all(plan, full, codes, computed_at)
    incremental = indicators[~indicators["indicator_id"].isin(full)]
    if len(incremental):
        writer = _ProgressWriter(codes, computed_at)
        _compute_into(writer, incremental, own[own["indicator_id"].isin(incremental["indicator_id"])], targets,
                      assignments, thresholds(), aggregates, from_period=period)
        count += writer.finish(plan, list(incremental["indicator_id"]), scopes=["city", codes[district_id]],
                               from_period=period)
    return count


@transaction.atomic
def progress_recompute(*, plan: Plan, indicator_ids: list[int] | None = None, district_id: int | None = None,
                       period: tuple[int, int] | None = None) -> int:
    """Recompute the progress rows of a plan (or of some of its indicators). Idempotent and all-or-nothing.

    With ``district_id`` and ``period`` (year, quarter): only what that district's quarter changes — its own rows
    and the city's — from its figures, that quarter's figures of every district and the city rows' stored
    aggregates of the other quarters (falling back to the full recompute of an indicator where those do not
    suffice). Same rows as a full recompute, in a fraction of the time.

    Reads a constant number of queries, computes with the pure functions of indicators.progress, then upserts
    and removes rows that no longer have data. Concurrent runs for one plan are serialised by a row lock on the plan.
    """
    started = timezone.now()
    Plan.objects.select_for_update().get(pk=plan.pk)
    codes = selectors.district_codes(plan)
    computed_at = timezone.now()
    if district_id is not None and period is not None:
        count = _recompute_district_quarter(plan, indicator_ids, district_id, tuple(period), codes, computed_at)
    else:
        count = _recompute_all(plan, indicator_ids, codes, computed_at)
    indicator = None
    if indicator_ids is not None and len(indicator_ids) == 1:
        indicator = indicator_ids[0]
    RecomputeRun.objects.create(plan=plan, indicator_id=indicator, rows=count, started_at=started,
                                finished_at=timezone.now())
    logger.info("progress recomputed plan=%s indicators=%s district=%s period=%s rows=%d", plan.code,
                indicator_ids or "all", district_id, period, count)
    return count


def enqueue_recompute(*, plan_id: int, indicator_ids: list[int], district_id: int | None = None,
                      period: tuple[int, int] | None = None) -> None:
    """Queue the recompute after the current transaction commits; run it in-process if the broker is down.

    ``district_id`` and ``period``: the change is one district's quarter (an approval): only its rows and the
    city's are recomputed."""
    ids = sorted(set(indicator_ids))
    extra = {"district_id": district_id, "period": list(period)} if district_id is not None and period else {}

    def send():
        from indicators.tasks import recompute_indicators_task

        try:
            recompute_indicators_task.delay(plan_id, ids, **extra)
        except Exception:  # broker unreachable: the figures are saved; keep the dashboards current anyway
            logger.warning("broker unavailable, recomputing in-process", exc_info=True)
            progress_recompute(plan=Plan.objects.get(pk=plan_id), indicator_ids=ids, **extra)

    transaction.on_commit(send)
