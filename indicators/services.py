"""Writes: every change to figures and progress goes through these functions, one transaction each."""
import logging
import math

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from districts.models import Plan
from indicators import progress as maths
from indicators import selectors
from indicators.models import Progress, RecomputeRun

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


def _progress_rows(frame: pd.DataFrame, basis: str, codes: dict[int, str], computed_at) -> list[Progress]:
    rows = []
    for record in frame.to_dict("records"):
        district_id = _clean(record.get("district_id"))
        values = {field: _clean(record.get(field)) for field in PROGRESS_FIELDS}
        values["inputs"] = record.get("inputs") or {}
        values["is_provisional"] = bool(values["is_provisional"])
        values["achieved"] = bool(values["achieved"])
        for text_field in ("target_source", "reason", "light", "status"):
            values[text_field] = values[text_field] or ""
        rows.append(Progress(
            indicator_id=int(record["indicator_id"]), district_id=district_id,
            scope="city" if district_id is None else codes[int(district_id)], basis=basis,
            year=int(record["year"]), quarter=int(record["quarter"]), computed_at=computed_at, **values))
    return rows


@transaction.atomic
def progress_recompute(*, plan: Plan, indicator_ids: list[int] | None = None) -> int:
    """Recompute the progress rows of a plan (or of some of its indicators). Idempotent and all-or-nothing.

    Reads a constant number of queries, computes with the pure functions of indicators.progress, then upserts
    and removes rows that no longer have data. Concurrent runs for one plan are serialised by a row lock on the plan.
    """
    started = timezone.now()
    Plan.objects.select_for_update().get(pk=plan.pk)
    indicators = selectors.indicator_frame(plan, indicator_ids)
    targets = selectors.district_target_frame(plan, indicator_ids)
    assignments = selectors.assignment_frame(plan, indicator_ids)
    codes = selectors.district_codes(plan)
    computed_at = timezone.now()
    rows: list[Progress] = []
    for basis in (Progress.Basis.LATEST, Progress.Basis.FIRST):
        observations = selectors.approved_values_frame(plan, basis, indicator_ids)
        basis_indicators, rebased = indicators, {}
        if basis == Progress.Basis.LATEST:
            basis_indicators, rebased = rebase_baselines(indicators, observations)
        frame = maths.compute_progress(basis_indicators, observations, targets, assignments, thresholds())
        for row in (frame.itertuples() if rebased else ()):
            if row.district_id is None and row.indicator_id in rebased and row.inputs is not None:
                row.inputs["rebased_from"] = rebased[row.indicator_id]
        rows += _progress_rows(frame, basis, codes, computed_at)

    stale = Progress.objects.filter(indicator__plan=plan)
    if indicator_ids is not None:
        stale = stale.filter(indicator_id__in=indicator_ids)
    keep = {(r.indicator_id, r.scope, r.basis, r.year, r.quarter) for r in rows}
    existing = stale.values_list("id", "indicator_id", "scope", "basis", "year", "quarter")
    stale_ids = [pk for pk, *key in existing if tuple(key) not in keep]
    if stale_ids:
        Progress.objects.filter(pk__in=stale_ids).delete()
    if rows:
        Progress.objects.bulk_create(
            rows, batch_size=2000, update_conflicts=True,
            unique_fields=["indicator", "scope", "basis", "year", "quarter"],
            update_fields=["district"] + PROGRESS_FIELDS + ["computed_at"])
    indicator = None
    if indicator_ids is not None and len(indicator_ids) == 1:
        indicator = indicator_ids[0]
    RecomputeRun.objects.create(plan=plan, indicator_id=indicator, rows=len(rows), started_at=started,
                                finished_at=timezone.now())
    logger.info("progress recomputed plan=%s indicators=%s rows=%d", plan.code, indicator_ids or "all", len(rows))
    return len(rows)


def enqueue_recompute(*, plan_id: int, indicator_ids: list[int]) -> None:
    """Queue the recompute after the current transaction commits; run it in-process if the broker is down."""

    def send():
        from indicators.tasks import recompute_indicators_task

        try:
            recompute_indicators_task.delay(plan_id, sorted(set(indicator_ids)))
        except Exception:  # broker unreachable: the figures are saved; keep the dashboards current anyway
            logger.warning("broker unavailable, recomputing in-process", exc_info=True)
            progress_recompute(plan=Plan.objects.get(pk=plan_id), indicator_ids=sorted(set(indicator_ids)))

    transaction.on_commit(send)
