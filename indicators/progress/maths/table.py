"""The engine over DataFrames: every indicator × scope × period judged column-wise (``progress_table``); pure, no Django."""
from __future__ import annotations

import json
import math
from typing import Mapping

import numpy as np
import pandas as pd

from indicators.progress.maths.aggregate import (
    AGGREGATE_COLUMNS,
    AGGREGATED_MEASURES,
    aggregate_district_rows,
    city_periods,
    clean_observations,
    json_numbers,
)
from indicators.progress.maths.assess import (
    COUNT_UNITS,
    MEASURES,
    Thresholds,
    assess_arrays,
    assess_qualitative_arrays,
    jsonable,
)
from indicators.progress.maths.assess import finite as _num

_EPS = 1e-9

# ---------------------------------------------------------------------------------------------
# the engine over DataFrames

OUTPUT_COLUMNS = [
    "indicator_id", "district_id", "scope", "year", "quarter", "value", "quarter_value", "annual_value",
    "is_provisional", "baseline_year", "baseline_value", "target_value", "target_source", "t",
    "completion", "time_share", "cagr_actual", "cagr_required", "ratio", "achieved", "status", "reason",
    "light", "projection", "still_needed", "is_final", "shortfall", "target_share", "inputs",
]
_FLOAT_COLUMNS = [
    "value", "quarter_value", "annual_value", "baseline_year", "baseline_value", "target_value", "t",
    "completion", "time_share", "cagr_actual", "cagr_required", "ratio", "projection", "still_needed", "shortfall",
    "target_share",
]


def _period_frame(indicators: list[dict], obs: pd.DataFrame, given: Mapping) -> pd.DataFrame:
    """One row per indicator × scope × (year, quarter) with the period's value, the reason it cannot be used and
    the start of its ``inputs`` as JSON text (without the closing brace); scope −1 is the city. Sorted by
    indicator, city first, district, year, quarter. City periods (a few per indicator) are built one by one;
    district periods, the bulk, as columns."""
    arrays = {c: obs[c].to_numpy() for c in ("indicator_id", "district_id", "year", "quarter", "value", "numerator",
                                             "denominator", "version_id")}
    positions = obs.groupby("indicator_id", sort=False).indices
    empty = {c: a[:0] for c, a in arrays.items()}
    # the district aggregates of every indicator that has them, in one pass
    measures = {i["indicator_id"]: i["measure"] for i in indicators}
    aggregated = [i["indicator_id"] for i in indicators if i["indicator_id"] not in given and i["measure"] in AGGREGATED_MEASURES
                  and _num(i.get("by_district")) not in (None, 0.0)]
    rows = obs[obs["district_id"].notna() & obs["indicator_id"].isin(aggregated)]
    if len(rows):
        frame = aggregate_district_rows(rows, measures)
        columns = {c: frame[c].to_numpy() for c in AGGREGATE_COLUMNS[1:]}
        given = {**given, **{k: {c: column[at] for c, column in columns.items()}
                             for k, at in frame.groupby("indicator_id", sort=False).indices.items()}}
    city_rows = []
    for ind in indicators:
        at = positions.get(ind["indicator_id"])
        periods = city_periods(ind, {c: a[at] for c, a in arrays.items()} if at is not None else empty,
                                given.get(ind["indicator_id"]))
        for (year, quarter), p in sorted(periods.items()):
            # the inputs of a period are flat (numbers, text, lists of version ids): NaN → null at the top level
            head = json.dumps({k: None if type(v) is float and not math.isfinite(v) else v
                               for k, v in (p.inputs or {}).items()}, ensure_ascii=False)[:-1]
            city_rows.append((ind["indicator_id"], -1, year, quarter, p.value, p.reason, head))
    city = pd.DataFrame.from_records(city_rows, columns=["indicator_id", "scope", "year", "quarter", "value",
                                                         "reason", "head"])
    city["value"] = pd.to_numeric(city["value"], errors="coerce").astype("float64")

    dist = obs[obs["district_id"].notna()]
    measure = dist["indicator_id"].map({i["indicator_id"]: i["measure"] for i in indicators}).to_numpy()
    value, num, den = (dist[c].to_numpy(dtype="float64") for c in ("value", "numerator", "denominator"))
    share = measure == "share"
    with np.errstate(all="ignore"):
        value = np.where(share & np.isnan(value) & ~np.isnan(num) & ~np.isnan(den) & (den != 0), num / den * 100,
                         value)
    version = pd.to_numeric(dist["version_id"], errors="coerce").to_numpy(dtype="float64")
    head = np.full(len(dist), '{"source": "district"', dtype=object)
    has_version = ~np.isnan(version)
    head[has_version] += ', "version_id": ' + pd.Series(version[has_version].astype("int64")).astype(str).to_numpy(
        dtype=object)
    nd = share & (~np.isnan(num) | ~np.isnan(den))
    if nd.any():
        head[nd] += (', "numerator": ' + json_numbers(num[nd]) + ', "denominator": ' + json_numbers(den[nd]))
    district = pd.DataFrame({"indicator_id": dist["indicator_id"].to_numpy(),
                             "scope": dist["district_id"].to_numpy().astype("int64"),
                             "year": dist["year"].to_numpy(), "quarter": dist["quarter"].to_numpy(),
                             "value": value, "reason": "", "head": head})
    frame = pd.concat([city, district], ignore_index=True)
    return frame.sort_values(["indicator_id", "scope", "year", "quarter"], kind="mergesort").reset_index(drop=True)


class _Lookup:
    """Usable values of the same indicator and scope at other periods, by integer key (one hash lookup per row)."""

    def __init__(self, frame: pd.DataFrame, usable_value: np.ndarray):
        self.ind = pd.factorize(frame["indicator_id"])[0].astype("int64")
        self.scope = pd.factorize(frame["scope"])[0].astype("int64")
        self.n_scopes = int(self.scope.max()) + 1 if len(frame) else 1
        self.index = pd.Index(self.key(frame["year"].to_numpy(), frame["quarter"].to_numpy()))
        self.values = usable_value

    def key(self, year, quarter, rows=slice(None)) -> np.ndarray:
        return ((self.ind[rows] * self.n_scopes + self.scope[rows]) * 10_000 + year) * 10 + quarter

    def get(self, year, quarter, rows=slice(None)) -> np.ndarray:
        """The usable value at (year, quarter) (NaN year → missing) of the indicator and scope of each row (of
        ``rows``, positions; default every row)."""
        year = np.asarray(year, dtype="float64")
        known = ~np.isnan(year)
        keys = self.key(np.where(known, year, 0).astype("int64"), np.broadcast_to(quarter, year.shape).astype("int64"),
                        rows)
        at = self.index.get_indexer(keys)
        out = np.where(at >= 0, self.values[np.maximum(at, 0)], np.nan)
        return np.where(known, out, np.nan)


def _fragment(name: str, values: np.ndarray) -> np.ndarray:
    return f', "{name}": ' + json_numbers(values)


def progress_table(indicators: pd.DataFrame, observations: pd.DataFrame, district_targets: pd.DataFrame,
                   assignments: pd.DataFrame, thresholds: Thresholds = Thresholds(),
                   city_aggregates: pd.DataFrame | None = None,
                   from_period: tuple[int, int] | None = None) -> pd.DataFrame:
    """The progress rows as one frame, computed column-wise (OUTPUT_COLUMNS but ``scope``; ``district_id`` NaN for
    the city, ``inputs`` as JSON text): what a writer streaming many rows to the database needs.

    ``city_aggregates`` (columns AGGREGATE_COLUMNS, see ``aggregate_district_rows``): for the indicators it
    names, the city's district aggregates are taken from it instead of from the district rows, so an
    incremental recompute can pass only the districts it recomputes.

    ``from_period`` (year, quarter): only rows of that period and later — all that a change of figures of that
    period can alter (a row uses its own period, earlier ones and the base-year figure; a change at or before the
    base-year figure gives every period, as without from_period).
    """
    if indicators["indicator_id"].duplicated().any():
        raise ValueError("indicator_id must be unique in indicators")
    inds = indicators.sort_values("indicator_id", kind="mergesort").to_dict("records")
    for ind in inds:
        if ind["measure"] not in MEASURES:
            raise ValueError(f"indicator {ind['indicator_id']}: unknown measure {ind['measure']!r}")
    obs = clean_observations(observations)
    given = {}
    if city_aggregates is not None and len(city_aggregates):
        columns = {c: city_aggregates[c].to_numpy() for c in AGGREGATE_COLUMNS[1:]}
        for k, at in city_aggregates.groupby("indicator_id", sort=False).indices.items():
            given[k] = {c: column[at] for c, column in columns.items()}
    ids = [ind["indicator_id"] for ind in inds]  # the targets and assignments of these indicators only
    district_targets = district_targets[district_targets["indicator_id"].isin(ids)]
    assignments = assignments[assignments["indicator_id"].isin(ids)]
    dt = {}
    for i, d, v in zip(district_targets["indicator_id"], district_targets["district_id"],
                       district_targets["target_value"]):
        if _num(d) is not None and _num(v) is not None:
            dt[(i, int(_num(d)))] = _num(v)
    asg = {}
    for i, y, v in zip(assignments["indicator_id"], assignments["year"], assignments["assigned_value"]):
        if _num(y) is not None and _num(v) is not None:
            asg[(i, int(_num(y)))] = _num(v)

    P = _period_frame(inds, obs, given)
    if not len(P):
        return pd.DataFrame(columns=[c for c in OUTPUT_COLUMNS if c != "scope"])
    # the indicator's attributes on every row
    by_id = pd.DataFrame(inds).set_index("indicator_id")

    def attr(name, default=np.nan):
        column = by_id[name] if name in by_id else pd.Series(default, index=by_id.index)
        return P["indicator_id"].map(column).to_numpy()

    f = lambda x: pd.to_numeric(pd.Series(x), errors="coerce").to_numpy(dtype="float64")  # noqa: E731
    measure = attr("measure").astype(object)
    base_year, T = f(attr("base_year")), f(attr("target_year"))
    b = f(attr("baseline_year"))
    b = np.where(np.isnan(b), base_year, b)
    b_int = np.where(np.isnan(b), np.nan, np.floor(b))
    city_target, given_baseline = f(attr("target_value")), f(attr("baseline_value"))
    direction = np.where(f(attr("direction")) == -1, -1.0, 1.0)
    kind, tolerance = attr("target_kind").astype(object), f(attr("tolerance"))
    units = by_id["unit"] if "unit" in by_id else pd.Series("", index=by_id.index)
    counted = P["indicator_id"].map(units.fillna("").astype(str).str.strip().isin(COUNT_UNITS)).to_numpy(dtype=bool)
    ind_ids, scope = P["indicator_id"].to_numpy(), P["scope"].to_numpy()
    year, quarter = P["year"].to_numpy().astype("int64"), P["quarter"].to_numpy().astype("int64")
    value, reason = P["value"].to_numpy(dtype="float64"), P["reason"].to_numpy().astype(object)
    is_city = scope == -1
    usable = ~np.isnan(value) & (reason == "")
    look = _Lookup(P, np.where(usable, value, np.nan))
    n = len(P)

    # baselines: the scope's own base-year annual figure; the city's as given, else observed
    own_baseline = look.get(b_int, 4)
    city_own = pd.Series(own_baseline[is_city], index=ind_ids[is_city])
    observed_city = pd.Series(ind_ids).map(city_own[~city_own.index.duplicated()]).to_numpy(dtype="float64")
    city_baseline = np.where(np.isnan(given_baseline), observed_city, given_baseline)
    baseline = np.where(is_city, city_baseline, own_baseline)
    baseline_source = np.where(is_city & ~np.isnan(given_baseline), "indicator",
                               np.where(~np.isnan(baseline), "observed", None)).astype(object)

    # targets: the city's; a district's own (指标分解), else the city's rate or share, else implied in proportion
    # (a count of whole things rounded up to a whole number, and judged as that number)
    own_target = np.full(n, np.nan)
    if dt:
        keys = pd.MultiIndex.from_tuples(list(dt), names=["i", "s"])
        at = keys.get_indexer(pd.MultiIndex.from_arrays([ind_ids, scope]))
        own_target = np.where(at >= 0, np.array(list(dt.values()), dtype="float64")[np.maximum(at, 0)], np.nan)
    target = np.where(is_city, city_target, own_target)
    target_source = np.where(is_city, np.where(np.isnan(city_target), None, "city"),
                             np.where(np.isnan(own_target), None, "district")).astype(object)
    open_ = ~is_city & np.isnan(own_target)
    same = open_ & np.isin(measure, ["share", "rate", "index"]) & ~np.isnan(city_target)
    target[same], target_source[same] = city_target[same], "city"
    with np.errstate(all="ignore"):
        implied = (open_ & np.isin(measure, ["flow", "stock"]) & ~np.isnan(baseline) & ~np.isnan(city_baseline)
                   & (city_baseline != 0) & ~np.isnan(city_target))
        proportional = baseline * city_target / city_baseline
        target[implied] = proportional[implied]
        whole = implied & counted
        target[whole] = np.ceil(proportional[whole] - _EPS * np.maximum(1.0, np.abs(proportional[whole])))
    target_source[implied] = "implied_proportional"
    rate = measure == "rate"
    baseline = np.where(rate, np.where(is_city, given_baseline, np.nan), baseline)
    baseline_source = np.where(rate, np.where(is_city, "indicator", None), baseline_source).astype(object)

    # each measure's value to assess (annual, provisional annual, average growth) and why it cannot be
    forced = np.where((reason == "") & np.isnan(value), "no_data", reason).astype(object)
    t = np.where(np.isin(measure, ["stock", "share", "index"]), year - 1 + quarter / 4, year).astype("float64")
    annual = np.where(usable, value, np.nan)
    quarter_value = np.full(n, np.nan)
    provisional = np.zeros(n, dtype=bool)
    extra = np.full(n, "", dtype=object)

    flow = measure == "flow"
    if flow.any():
        prev = look.get(year, quarter - 1)
        first = flow & usable & (quarter == 1)
        later = flow & usable & (quarter > 1) & ~np.isnan(prev)
        quarter_value[first] = value[first]
        quarter_value[later] = value[later] - prev[later]
        extra[later] += _fragment("cumulative_prev", prev[later])
        ytd = flow & (quarter < 4)
        provisional |= ytd
        last_annual, ytd_last = look.get(year - 1, 4), look.get(year - 1, quarter)
        extra[ytd] += _fragment("last_year_annual", last_annual[ytd]) + _fragment("ytd_last_year", ytd_last[ytd])
        with np.errstate(all="ignore"):
            estimate = np.where(~np.isnan(last_annual) & ~np.isnan(ytd_last) & (ytd_last != 0),
                                last_annual * value / ytd_last, np.nan)
        annual = np.where(ytd, np.where(usable, estimate, np.nan), annual)
        forced[ytd & usable & np.isnan(estimate)] = "no_provisional_estimate"

    if rate.any():
        provisional |= rate & (quarter < 4)
        chained = rate & usable & ~np.isnan(b_int) & (year > b_int)
        # I_y = Π (1 + g/100) over b+1 … y−1 (annual growths) × (1 + this period's growth/100), in that order
        index = np.where(chained, 1.0, np.nan)
        span = int(np.nanmax(np.where(chained, year - b_int, 0))) if chained.any() else 0
        growths = np.full(n, "", dtype=object)  # the JSON members "year": growth, year by year
        rows = np.flatnonzero(chained)
        for j in range(1, span):
            at = rows[(year[rows] - b_int[rows]) > j]
            if len(at):
                g = look.get(b_int[at] + j, 4, at)
                index[at] = index[at] * (1 + g / 100)
                growths[at] += '"' + (b_int[at] + j).astype("int64").astype(str).astype(object) + '": ' \
                    + json_numbers(g) + ", "
        index[rows] = index[rows] * (1 + value[rows] / 100)
        complete = rows[~np.isnan(index[rows])]
        with np.errstate(all="ignore"):
            years_since = (year - b_int)[complete]
            average = np.where(index[complete] > 0, (index[complete] ** (1 / years_since) - 1) * 100, np.nan)
        annual = np.where(rate, np.nan, annual)
        annual[complete] = average
        extra[rows] += (', "growths": {' + growths[rows] + '"' + year[rows].astype(str).astype(object) + '": '
                        + json_numbers(value[rows]) + "}")
        extra[complete] += _fragment("index", index[complete])
        forced[rows[np.isnan(index[rows])]] = "incomplete_growth_chain"
        early = rate & usable & ~np.isnan(b_int) & (year <= b_int)
        forced[early] = np.where(year[early] == b_int[early], "fewer_than_two_points", "before_base_year")

    if whole.any():
        extra[whole] += _fragment("target_unrounded", proportional[whole])
    a = assess_arrays(value=annual, baseline=baseline, target=target, base_year=b, target_year=T, t=t,
                      direction=direction, target_kind=np.where(measure == "qualitative", "at_least", kind),
                      tolerance=tolerance, rate=rate, provisional=provisional, thresholds=thresholds)
    blank = forced != ""
    a["achieved"] = a["achieved"] & ~blank
    a["is_final"] = a["is_final"] & ~blank
    a["light"] = np.where(blank, None, a["light"]).astype(object)
    a["status"] = np.where(blank, "cannot_assess", a["status"]).astype(object)
    a["reason"] = np.where(blank, forced, a["reason"]).astype(object)
    for name in ("shortfall", "target_share"):
        a[name] = np.where(blank, np.nan, a[name])
    extra += np.select([baseline_source == "indicator", baseline_source == "observed"],
                       [', "baseline_source": "indicator"', ', "baseline_source": "observed"'],
                       ', "baseline_source": null').astype(object)

    qualitative = measure == "qualitative"
    if qualitative.any():
        assigned = np.array([asg.get((i, y), np.nan) if s == -1 else dt.get((i, s), np.nan)
                             for i, s, y in zip(ind_ids[qualitative].tolist(), scope[qualitative].tolist(),
                                                year[qualitative].tolist())], dtype="float64")
        q = assess_qualitative_arrays(actual=value[qualitative], assigned=assigned, year=year[qualitative],
                                      base_year=b[qualitative], target_year=T[qualitative],
                                      provisional=quarter[qualitative] < 4, thresholds=thresholds)
        for name in ("achieved", "status", "reason", "light", "completion", "is_final", "shortfall", "target_share"):
            a[name][qualitative] = q[name]
        for name in ("time_share", "cagr_actual", "cagr_required", "ratio", "projection", "still_needed"):
            a[name][qualitative] = np.nan
        annual[qualitative], target[qualitative], baseline[qualitative] = value[qualitative], assigned, np.nan
        provisional[qualitative] = quarter[qualitative] < 4
        b = np.where(qualitative, np.nan, b)
        quarter_value[qualitative] = np.nan
        target_source[qualitative] = np.where(
            np.isnan(assigned), None, np.where(is_city[qualitative], "assignment", "district")).astype(object)
        extra[qualitative] = _fragment("assigned", assigned)

    columns = {
        "indicator_id": ind_ids, "district_id": np.where(is_city, np.nan, scope).astype("float64"),
        "year": year, "quarter": quarter,
        "value": value, "quarter_value": quarter_value, "annual_value": annual, "is_provisional": provisional,
        "baseline_year": b, "baseline_value": baseline, "target_value": target,
        "target_source": np.where(np.isnan(target), None, target_source).astype(object), "t": t,
        "completion": a["completion"], "time_share": a["time_share"], "cagr_actual": a["cagr_actual"],
        "cagr_required": a["cagr_required"], "ratio": a["ratio"], "achieved": a["achieved"].astype(bool),
        "status": a["status"], "reason": a["reason"], "light": a["light"], "projection": a["projection"],
        "still_needed": a["still_needed"], "is_final": a["is_final"].astype(bool), "shortfall": a["shortfall"],
        "target_share": a["target_share"], "inputs": P["head"].to_numpy() + extra + "}"}
    for column in _FLOAT_COLUMNS:  # NaN, never ±inf
        values = np.asarray(columns[column], dtype="float64")
        columns[column] = np.where(np.isfinite(values), values, np.nan)
    out = pd.DataFrame(columns)
    if from_period is not None:
        applies = ~np.isnan(b_int) & (b_int * 10 + 4 < from_period[0] * 10 + from_period[1])
        before = (year * 10 + quarter) < (from_period[0] * 10 + from_period[1])
        out = out[~(applies & before)].reset_index(drop=True)
    return out


def progress_rows(indicators: pd.DataFrame, observations: pd.DataFrame, district_targets: pd.DataFrame,
                  assignments: pd.DataFrame, thresholds: Thresholds = Thresholds(),
                  city_aggregates: pd.DataFrame | None = None,
                  from_period: tuple[int, int] | None = None) -> list[dict]:
    """The rows of ``progress_table`` as plain dicts (None where the frame holds NaN, ``inputs`` a dict)."""
    table = progress_table(indicators, observations, district_targets, assignments, thresholds, city_aggregates,
                           from_period)
    rows = []
    for r in table.to_dict("records"):
        r = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        r["district_id"] = None if r["district_id"] is None else int(r["district_id"])
        r["scope"] = "city" if r["district_id"] is None else f"d{r['district_id']}"
        r["inputs"] = json.loads(r["inputs"])
        rows.append(r)
    return rows


def compute_progress(indicators: pd.DataFrame, observations: pd.DataFrame, district_targets: pd.DataFrame,
                     assignments: pd.DataFrame, thresholds: Thresholds = Thresholds(),
                     city_aggregates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Progress rows for every indicator × scope (city, each district with data) × (year, quarter).

    Pure: same frames in, identical frame out (rows sorted by indicator_id, city before districts,
    district_id, year, quarter). Float columns hold NaN when not computable; district_id, light and
    target_source hold None; ``inputs`` is a JSON-serialisable dict of what each row used.
    """
    rows = progress_rows(indicators.copy(), observations, district_targets, assignments, thresholds,
                         city_aggregates)
    frame = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    for col in _FLOAT_COLUMNS:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame["district_id"] = pd.Series([None if pd.isna(x) else int(x) for x in frame["district_id"]],
                                     index=frame.index, dtype="object")
    for col in ("target_source", "light", "inputs"):
        frame[col] = pd.Series([None if x is None or (isinstance(x, float) and math.isnan(x)) else x
                                for x in frame[col]], index=frame.index, dtype="object")
    frame["year"] = frame["year"].astype("int64")
    frame["quarter"] = frame["quarter"].astype("int64")
    frame["achieved"] = frame["achieved"].astype("bool")
    frame["is_provisional"] = frame["is_provisional"].astype("bool")
    frame["is_final"] = frame["is_final"].astype("bool")
    frame["status"] = frame["status"].astype("object")
    frame["reason"] = frame["reason"].astype("object")
    frame["scope"] = frame["scope"].astype("object")

    order = pd.Series([-1 if d is None else d for d in frame["district_id"]], index=frame.index)
    frame = (frame.assign(_order=order)
             .sort_values(["indicator_id", "_order", "year", "quarter"], kind="mergesort")
             .drop(columns="_order").reset_index(drop=True))
    return frame


def progress_records(frame: pd.DataFrame) -> list[dict]:
    """Rows of a compute_progress frame as plain dicts (NaN → None, numpy → Python), e.g. to store them."""
    return [jsonable(r) for r in frame.to_dict("records")]
