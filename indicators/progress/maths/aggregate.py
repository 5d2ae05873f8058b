"""Periods of a figure and the aggregation of districts into the city (sum, ratio of sums); pure, no Django."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from indicators.progress.maths.assess import finite as _num

AGGREGATED_MEASURES = ("flow", "stock", "share")


@dataclass
class _Period:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    reason: str = ""  # why the value cannot be used (incomplete aggregate, no numerator/denominator)
    inputs: dict | None = None

    @property
    def usable(self) -> bool:
        return self.value is not None and not self.reason


def clean_observations(observations: pd.DataFrame) -> pd.DataFrame:
    columns = ["indicator_id", "district_id", "year", "quarter", "value", "numerator", "denominator"]
    if "version_id" in observations.columns:  # optional: recorded in ``inputs`` for traceability
        columns.append("version_id")
    obs = observations.loc[:, columns].copy()
    if "version_id" not in obs.columns:
        obs["version_id"] = None
    for col in ("district_id", "year", "quarter", "value", "numerator", "denominator"):
        obs[col] = pd.to_numeric(obs[col], errors="coerce").astype("float64")
    obs["quarter"] = obs["quarter"].fillna(4)
    obs = obs[obs["year"].notna()]
    obs["year"] = obs["year"].astype("int64")
    obs["quarter"] = obs["quarter"].astype("int64")
    obs["_d"] = obs["district_id"].fillna(-1)
    keys = ["indicator_id", "_d", "year", "quarter"]
    dup = obs.duplicated(keys, keep=False)
    if dup.any():
        raise ValueError("more than one observation per indicator × scope × year × quarter: "
                         + obs.loc[dup, keys].drop_duplicates().to_string(index=False))
    # canonical order, so that sums are added in the same order whatever the input order was
    return obs.sort_values(keys, kind="mergesort").reset_index(drop=True)


def _own_periods(years, quarters, values, numerators, denominators, versions, measure: str,
                 source: str) -> dict[tuple[int, int], _Period]:
    periods = {}
    for year, quarter, value, num, den, version in zip(years, quarters, values, numerators, denominators, versions):
        v, n, d = _num(value), _num(num), _num(den)
        inputs: dict = {"source": source}
        if _num(version) is not None:
            inputs["version_id"] = int(_num(version))
        if measure == "share" and (n is not None or d is not None):
            inputs.update(numerator=n, denominator=d)
            if v is None and n is not None and d not in (None, 0):
                v = n / d * 100
        periods[(int(year), int(quarter))] = _Period(v, n, d, "", inputs)
    return periods


AGGREGATE_COLUMNS = ["indicator_id", "year", "quarter", "value", "numerator", "denominator", "districts",
                     "districts_expected", "version_ids"]


def aggregate_district_rows(dist: pd.DataFrame, measure) -> pd.DataFrame:
    """City aggregates per (year, quarter) of district rows (in canonical order): the value (the sum, or
    Σnumerator/Σdenominator × 100 for shares), Σnumerator and Σdenominator (shares), the number of districts
    counted, the number expected (every district with a figure of the indicator) and the version ids.

    ``measure``: the measure of the one indicator of ``dist`` (columns AGGREGATE_COLUMNS without indicator_id),
    or {indicator_id: measure} for rows of several indicators (columns AGGREGATE_COLUMNS).
    ``compute_progress`` can be given these rows instead of the district rows (``city_aggregates``): an
    incremental recompute keeps the aggregates of unchanged periods and recomputes only the changed one.
    """
    single = isinstance(measure, str)
    ids = dist["indicator_id"].to_numpy() if "indicator_id" in dist else np.zeros(len(dist), dtype=np.int64)
    expected = pd.Series(dist["district_id"].to_numpy()).groupby(ids).nunique().to_dict() if len(dist) else {}
    values, numerators, denominators = (dist[c].to_numpy(dtype="float64")
                                        for c in ("value", "numerator", "denominator"))
    versions = pd.to_numeric(dist["version_id"], errors="coerce").to_numpy(dtype="float64")
    groups = pd.DataFrame({"i": ids, "y": dist["year"].to_numpy(), "q": dist["quarter"].to_numpy()}).groupby(
        ["i", "y", "q"], sort=True).indices
    rows = []
    for ind_id, year, quarter in sorted(groups):
        at = groups[(ind_id, year, quarter)]
        # exact sums (math.fsum): the same total whatever the order or grouping of the rows, so an incremental
        # recompute of one quarter gives the city figure a full recompute gives
        if (measure if single else measure[ind_id]) == "share":
            ok = at[~np.isnan(numerators[at]) & ~np.isnan(denominators[at])]
            n = len(ok)
            num, den = math.fsum(numerators[ok]), math.fsum(denominators[ok])
            value = num / den * 100 if n and den != 0 else None
        else:
            present = values[at][~np.isnan(values[at])]
            n = len(present)
            value, num, den = (math.fsum(present) if n else None), None, None
        ids_ = versions[at][np.isfinite(versions[at])].astype("int64").tolist()
        rows.append((ind_id, int(year), int(quarter), value, num, den, n, int(expected[ind_id]), ids_ or None))
    frame = pd.DataFrame(rows, columns=AGGREGATE_COLUMNS)
    return frame.drop(columns="indicator_id") if single else frame


def _aggregate_periods(agg, measure: str) -> dict[tuple[int, int], _Period]:
    """_Period per (year, quarter) from aggregate rows (see ``aggregate_district_rows``): a frame, or a mapping
    of its columns to arrays."""
    periods = {}
    for year, quarter, value, num, den, n, expected, version_ids in zip(
            agg["year"], agg["quarter"], agg["value"], agg["numerator"], agg["denominator"], agg["districts"],
            agg["districts_expected"], agg["version_ids"]):
        n, expected = int(n), int(expected)
        inputs: dict = {"source": "district_aggregate", "districts": n, "districts_expected": expected}
        if isinstance(version_ids, list) and version_ids:
            inputs["version_ids"] = version_ids
        reason = ""
        value = _num(value)
        if measure == "share":
            num, den = float(num) if num is not None else math.nan, float(den) if den is not None else math.nan
            inputs.update(numerator=num if n else None, denominator=den if n else None)
            if n == 0:
                reason = "no_numerator_denominator"
        else:
            num = den = None
        if not reason and n < expected:
            reason = "incomplete_districts"
        periods[(int(year), int(quarter))] = _Period(value, num, den, reason, inputs)
    return periods


def json_numbers(values: np.ndarray) -> np.ndarray:
    finite = np.isfinite(values)
    out = np.full(len(values), "null", dtype=object)
    out[finite] = [repr(v) for v in values[finite].tolist()]
    return out


def city_periods(ind: Mapping, obs: Mapping[str, np.ndarray], aggregates) -> dict[tuple[int, int], _Period]:
    """The city's periods of one indicator: its own figures and, for indicators reported by district, the
    aggregates of the district figures (a published city figure wins over the aggregate)."""
    measure = ind["measure"]
    is_city = np.isnan(obs["district_id"])
    columns = [obs[c][is_city].tolist() for c in ("year", "quarter", "value", "numerator", "denominator", "version_id")]
    city = _own_periods(*columns, measure, "observation")
    if _num(ind.get("by_district")) not in (None, 0.0) and measure in AGGREGATED_MEASURES and (
            aggregates is not None or not is_city.all()):
        if aggregates is None:
            aggregates = aggregate_district_rows(pd.DataFrame({c: a[~is_city] for c, a in obs.items()}), measure)
        for key, agg in _aggregate_periods(aggregates, measure).items():
            if key in city and city[key].value is not None:  # a published city figure wins
                city[key].inputs.update(source="published_city_figure", aggregate=agg.value,
                                        districts=agg.inputs["districts"],
                                        districts_expected=agg.inputs["districts_expected"])
                if "version_ids" in agg.inputs:
                    city[key].inputs["aggregate_version_ids"] = agg.inputs["version_ids"]
            else:
                city[key] = agg
    return city
