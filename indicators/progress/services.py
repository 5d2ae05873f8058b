"""Writes: every change to figures and progress goes through these functions, one transaction each."""
import contextlib
import io
import json
import logging
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from districts.models import Plan
from indicators.figures import selectors as figures
from indicators.models import Progress, RecomputeRun
from indicators.progress import maths, pgcopy
from indicators.progress import selectors as progress_reads
from indicators.progress.config import thresholds
from indicators.progress.signals import progress_recomputed

logger = logging.getLogger(__name__)

PROGRESS_FIELDS = ["value", "quarter_value", "annual_value", "is_provisional", "baseline_year", "baseline_value",
                   "target_value", "target_source", "t", "completion", "time_share", "cagr_actual", "cagr_required",
                   "ratio", "achieved", "status", "reason", "light", "projection", "still_needed", "is_final",
                   "shortfall", "target_share", "inputs"]


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


WRITE_COLUMNS = ["indicator_id", "district_id", "scope", "basis", "year", "quarter"] + PROGRESS_FIELDS + [
    "digest", "computed_at"]
_KEYS = ["indicator_id", "scope", "basis", "year", "quarter"]
_TEXT_FIELDS = ("target_source", "reason", "light", "status")
_FLOAT_FIELDS = ("value", "quarter_value", "annual_value", "baseline_value", "target_value", "t", "completion",
                 "time_share", "cagr_actual", "cagr_required", "ratio", "projection", "still_needed", "shortfall",
                 "target_share")
_TEMP = "progress_recomputed"
# the binary COPY type of each written column (as the table declares it: year and quarter are smallint)
_COPY_KINDS = {"indicator_id": "int8", "district_id": "int8", "scope": "text", "basis": "text", "year": "int2",
               "quarter": "int2", "is_provisional": "bool", "baseline_year": "int2", "achieved": "bool",
               "is_final": "bool", "inputs": "jsonb", "digest": "int8", "computed_at": "int8",
               **{name: "float8" for name in _FLOAT_FIELDS}, **{name: "text" for name in _TEXT_FIELDS}}
_COPY_KINDS = {name: _COPY_KINDS[name] for name in WRITE_COLUMNS}  # in the order of the COPY's column list
_ANALYZE_AFTER = 1_000  # rows written
_STORED_COLUMNS = ["id"] + _KEYS + ["digest"]  # what a recompute reads of the rows in place
# what the reads of progress rows select and join by: the statistics a bulk write refreshes at once (all of them:
# three times the time; autovacuum keeps the rest)
_ANALYZE = (f"ANALYZE {Progress._meta.db_table} "
            "(indicator_id, district_id, scope, basis, year, quarter, status, light, achieved, is_final)")
# a full recompute reads every version with one query and computes it in batches of whole indicators of about this
# many versions: the working frames stay small, and a first write copies one batch while the next is computed
BATCH_VERSIONS = 50_000
# bytes psycopg2 hands libpq at a time in a COPY FROM: each piece takes the GIL back (its default, 8 KB, is 22,000
# times for a province's first write, each waiting for the thread that computes the next batch to let go)
_COPY_READ = 1 << 20


def _digest(frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each row's computed fields (signed, as PostgreSQL's bigint stores it)."""
    # categorize=False: the inputs texts are nearly all distinct, factorizing them first only costs time
    hashed = pd.util.hash_pandas_object(frame[["district_id"] + PROGRESS_FIELDS], index=False, categorize=False)
    return hashed.to_numpy().view("int64")


def _row_key(indicator_id, district_id, basis, year, quarter) -> np.ndarray:
    """One integer per progress row key (indicator, scope as district id or 0 for the city, basis, period)."""
    first = (pd.Series(basis).to_numpy() == Progress.Basis.FIRST).astype("int64")
    return (((np.asarray(indicator_id, dtype="int64") * 10_000_000 + np.asarray(district_id, dtype="int64")) * 2
             + first) * 100_000 + np.asarray(year, dtype="int64") * 10 + np.asarray(quarter, dtype="int64"))


def _without_unrevised_first(new: pd.DataFrame, district: np.ndarray) -> pd.DataFrame:
    """Drop the "as first published" rows that equal the newest-figures row of the same key: the first basis is
    stored only where a revision makes it differ (readers fall back to the newest row, see
    ``selectors.with_first_published``), so a plan without revisions stores each row once."""
    first = (new["basis"] == Progress.Basis.FIRST).to_numpy()
    if not first.any():
        return new
    key = _row_key(new["indicator_id"], np.nan_to_num(district, nan=0), np.full(len(new), Progress.Basis.LATEST),
                   new["year"], new["quarter"])
    at = pd.Index(key[~first]).get_indexer(key[first])
    digest = new["digest"].to_numpy()
    same = np.zeros(len(new), dtype=bool)
    same[np.flatnonzero(first)[at >= 0]] = digest[~first][at[at >= 0]] == digest[first][at >= 0]
    return new[~same].reset_index(drop=True)


def _column(frame: pd.DataFrame, name: str) -> list:
    """A column as Python values for the database: NaN → None, whole numbers as int, text never None (nor "nan":
    pandas holds a missing text of a str column as NaN)."""
    values = frame[name].to_numpy()
    if name in _TEXT_FIELDS:
        return ["" if v is None or v != v else v for v in values.tolist()]
    if name in ("district_id", "baseline_year"):
        return [None if v != v else int(v) for v in values.astype("float64").tolist()]
    if name in _FLOAT_FIELDS:
        return [None if v != v else v for v in values.astype("float64").tolist()]
    return values.tolist()


class _ProgressWriter:
    """Writes recomputed rows and removes the rows that no longer have data, for some indicators (and scopes).

    Every row carries a digest of its computed fields. The stored digests of the rows concerned are read (one
    query), and only rows that are new or whose digest differs are written — on PostgreSQL streamed with COPY into a
    temporary table and upserted with one INSERT … ON CONFLICT, elsewhere with bulk_create(update_conflicts=True);
    stale rows are deleted by id. A recompute that changes nothing writes nothing, and an unchanged row keeps its
    computed_at: it says when those figures were computed. A first recompute (nothing stored) copies its rows
    straight into the table, batch by batch while the next batch is computed (``stream``).
    """

    def __init__(self, codes: dict[int, str], computed_at):
        self.codes, self.computed_at = codes, computed_at
        self.frames: list[pd.DataFrame] = []
        self._stream: ThreadPoolExecutor | None = None  # the background copier of a first write (``stream``)
        self._copies: list = []
        self._streaming = True  # with a background thread: copying a first write, else reading the stored rows
        self._reading = None  # the stored rows being read in the background (a future)
        self._stored_rows: _StoredRows | None = None  # the stored rows, once read
        self._changed: list[pd.DataFrame] = []  # rows compared with the stored ones and found new or changed
        self._keys: list[np.ndarray] = []  # the keys of every row compared
        self._count = 0  # rows written by the background copier, or compared with the stored ones

    def add(self, table: pd.DataFrame, basis: str) -> None:
        """Rows of ``progress.progress_table`` of one basis."""
        if len(table):
            self.frames.append(table.assign(basis=basis))

    def stream(self, plan: Plan, indicator_ids=None) -> None:
        """Before a full recompute: if these indicators have no stored rows (the first recompute), each batch of
        rows ``flush`` is given is copied into the table in the background while the next batch is computed, on
        the same connection and in the same transaction: PostgreSQL takes in one batch on one CPU while pandas
        computes the next on the other, instead of all the writing after all the computing. With rows in place
        (compared by digest, written where changed), their digests are read in the background the same way while
        the rows are computed, and each batch is compared with them as it is flushed. Off PostgreSQL, nothing
        changes."""
        if connection.vendor != "postgresql":
            return
        stored = Progress.objects.filter(indicator__plan=plan)
        if indicator_ids is not None:
            stored = stored.filter(indicator_id__in=list(indicator_ids))
        self._stream = ThreadPoolExecutor(max_workers=1)  # one at a time, in order, on the transaction's connection
        self._cursor = connection.connection.cursor()  # psycopg2's own: Django's wrapper is bound to this thread
        if stored.exists():  # rows in place: their digests are read in the background while the rows are computed
            query = figures.sql_text(self._stored_query(plan, indicator_ids, None, None), self._cursor)
            self._reading = self._stream.submit(self._stored_frame, query)
            self._streaming = False

    def flush(self) -> None:
        """After ``stream``: the rows added so far (whole indicators, both bases) go to the background copier, or
        are compared with the stored rows (read in the background) and kept if new or changed."""
        if self._stream is None or not self.frames:
            return
        if not self._streaming:
            if self._stored_rows is None:
                self._stored_rows = _StoredRows(self._reading.result(), self.codes)  # its error raises here
            self._compare(*self._prepared())
            return
        new = self._prepared()[0]
        self._count += len(new)
        if len(new):
            self._copies.append(self._stream.submit(self._copy_postgres, new, True, self._cursor, False))

    def close(self) -> None:
        """Wait for the background copier (a batch being copied ends; batches not started are dropped): nothing
        may write on the connection after the transaction has ended. Called whether the recompute succeeded or
        raised."""
        if self._stream is not None:
            self._stream.shutdown(wait=True, cancel_futures=True)
            self._stream = None
            self._cursor.close()

    def _prepared(self) -> tuple[pd.DataFrame, np.ndarray]:
        """The rows added so far, with their scope and digest, without the unrevised first-published rows; and
        their district ids as floats (NaN: the city). The rows added are taken (the list is emptied)."""
        new = pd.concat(self.frames, ignore_index=True) if self.frames else pd.DataFrame(
            columns=maths.OUTPUT_COLUMNS + ["basis"])
        self.frames = []
        district = new["district_id"].to_numpy(dtype="float64")
        new["scope"] = np.where(np.isnan(district), "city",
                                pd.Series(district).map({float(k): v for k, v in self.codes.items()}).to_numpy())
        new["digest"] = _digest(new) if len(new) else np.array([], dtype="int64")
        new = _without_unrevised_first(new, district)
        return new, new["district_id"].to_numpy(dtype="float64")

    def finish(self, plan: Plan, indicator_ids=None, scopes=None, from_period=None) -> int:
        """Apply the rows added; stale rows are looked for among these indicators, scopes and periods."""
        if self._stream is not None and self._streaming:  # a first write: wait for the copies (an error raises)
            self.flush()
            for copy in self._copies:
                copy.result()
            self.close()
            if self._count >= _ANALYZE_AFTER:
                with connection.cursor() as cursor:
                    cursor.execute(_ANALYZE)
            return self._count
        if self._stored_rows is None:
            stored = self._reading.result() if self._reading is not None else self._stored(
                plan, indicator_ids, scopes, from_period)  # read in the background by ``stream``: its error raises
            self._stored_rows = _StoredRows(stored, self.codes)
        self.close()
        if self.frames or not self._count:
            self._compare(*self._prepared())
        stored = self._stored_rows
        write = pd.concat(self._changed, ignore_index=True) if self._changed else None
        seen = pd.Index(np.concatenate(self._keys))
        stale = stored.frame.loc[seen.get_indexer(stored.key) < 0, "id"].astype("int64").tolist()
        if stale:
            Progress.objects.filter(pk__in=stale).delete()
        if write is not None and connection.vendor == "postgresql":
            # nothing stored where these rows go (a first recompute): they cannot conflict, so they are copied
            # straight into the table; a conflict all the same fails the transaction (the unique constraint)
            self._copy_postgres(write, direct=stored.frame.empty and scopes is None and from_period is None)
        elif write is not None:
            self._upsert_orm(write)
        return self._count

    def _compare(self, new: pd.DataFrame, district: np.ndarray) -> None:
        """Keep the rows of ``new`` that are not stored or whose digest differs (``_prepared`` rows)."""
        key = _row_key(new["indicator_id"], np.nan_to_num(district, nan=0), new["basis"], new["year"],
                       new["quarter"])
        same = self._stored_rows.same(key, new["digest"].to_numpy())
        if not same.all():
            self._changed.append(new[~same] if same.any() else new)  # nothing stored: no copy of every row
        self._keys.append(key)
        self._count += len(new)

    def _stored_query(self, plan, indicator_ids, scopes, from_period):
        qs = Progress.objects.filter(indicator__plan=plan).order_by()  # unsorted: a sort of every row costs seconds
        if indicator_ids is not None:
            qs = qs.filter(indicator_id__in=list(indicator_ids))
        if scopes is not None:
            qs = qs.filter(scope__in=list(scopes))
        if from_period is not None:
            qs = qs.filter(Q(year__gt=from_period[0]) | Q(year=from_period[0], quarter__gte=from_period[1]))
        return qs.values_list(*_STORED_COLUMNS)

    def _stored(self, plan, indicator_ids, scopes, from_period) -> pd.DataFrame:
        frame = figures.read_frame(self._stored_query(plan, indicator_ids, scopes, from_period), _STORED_COLUMNS,
                                   dtypes={"digest": "Int64"})
        return self._with_digests(frame)

    def _stored_frame(self, query: str) -> pd.DataFrame:
        """``_stored`` of a bound SQL text, read with the writer's psycopg2 cursor (from its background thread)."""
        return self._with_digests(figures.copy_frame(query, _STORED_COLUMNS, self._cursor, dtypes={"digest": "Int64"}))

    @staticmethod
    def _with_digests(frame: pd.DataFrame) -> pd.DataFrame:
        frame["digest_stored"] = pd.array(frame.pop("digest"), dtype="Int64")  # 64 bits: never through a float
        return frame

    def _records(self, write: pd.DataFrame):
        """The rows as tuples of database values, WRITE_COLUMNS order (computed_at last)."""
        columns = [_column(write, c) if c != "inputs" else write["inputs"].tolist() for c in WRITE_COLUMNS[:-1]]
        return zip(*columns, [self.computed_at] * len(write))

    def _copy_postgres(self, write: pd.DataFrame, direct: bool, raw=None, analyze: bool = True,
                       chunk: int = 20_000) -> None:
        """COPY the rows in PostgreSQL's binary format (``pgcopy``): into the table itself when ``direct``, else
        into a temporary table upserted with one INSERT … ON CONFLICT. raw: a psycopg2 cursor of the transaction's
        connection (the background copier's), else Django's; analyze: the table's statistics after a bulk write."""
        table, columns = Progress._meta.db_table, ", ".join(WRITE_COLUMNS)
        computed_at = pgcopy.timestamptz(self.computed_at)
        with contextlib.nullcontext(raw) if raw is not None else connection.cursor() as cursor:
            copy = (raw or cursor.cursor).copy_expert
            if not direct:
                cursor.execute(f"DROP TABLE IF EXISTS {_TEMP}")
                cursor.execute(f"CREATE TEMPORARY TABLE {_TEMP} ON COMMIT DROP AS SELECT {columns} FROM {table} "
                               "WITH NO DATA")
            # memory bounded by the chunk, not the plan; the next chunk is encoded (numpy, in a thread) while
            # PostgreSQL takes in this one: the database's work and ours overlap, on two CPUs
            encode = lambda start: pgcopy.SIGNATURE + pgcopy.copy_rows(  # noqa: E731
                write.iloc[start:start + chunk].assign(computed_at=computed_at), _COPY_KINDS) + pgcopy.TRAILER
            starts = range(0, len(write), chunk)
            with ThreadPoolExecutor(max_workers=1) as encoder:
                pending = encoder.submit(encode, starts[0])
                for following in [*starts[1:], None]:
                    data = pending.result()
                    if following is not None:
                        pending = encoder.submit(encode, following)
                    copy(f"COPY {table if direct else _TEMP} ({columns}) FROM STDIN WITH (FORMAT binary)",
                         io.BytesIO(data), size=_COPY_READ)
            if not direct:
                update = [c for c in WRITE_COLUMNS if c not in _KEYS]
                cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {_TEMP} "
                               f"ON CONFLICT ({', '.join(_KEYS)}) DO UPDATE SET "
                               + ", ".join(f"{c} = EXCLUDED.{c}" for c in update))
                cursor.execute(f"DROP TABLE {_TEMP}")
            if analyze and len(write) >= _ANALYZE_AFTER:  # statistics follow a bulk write at once (for the reads)
                cursor.execute(_ANALYZE)

    def _upsert_orm(self, write: pd.DataFrame) -> None:
        objects = []
        for values in self._records(write):
            record = dict(zip(WRITE_COLUMNS, values))
            record["inputs"] = json.loads(record["inputs"])
            objects.append(Progress(**record))
        Progress.objects.bulk_create(objects, batch_size=2000, update_conflicts=True,
                                     unique_fields=["indicator", "scope", "basis", "year", "quarter"],
                                     update_fields=["district"] + PROGRESS_FIELDS + ["digest", "computed_at"])


class _StoredRows:
    """The stored rows' ids, keys and digests (columns _STORED_COLUMNS, the digest as ``digest_stored``)."""

    def __init__(self, frame: pd.DataFrame, codes: dict[int, str]):
        ids = {code: did for did, code in codes.items()}
        self.frame = frame
        self.key = _row_key(frame["indicator_id"], frame["scope"].map(ids).fillna(0).where(frame["scope"] != "city", 0),
                            frame["basis"], frame["year"], frame["quarter"])
        self._at = pd.Index(self.key)
        self._has = frame["digest_stored"].notna().to_numpy()
        self._digest = frame["digest_stored"].to_numpy(dtype="int64", na_value=0)

    def same(self, key: np.ndarray, digest: np.ndarray) -> np.ndarray:
        """Whether each row (key, digest) is stored with that digest (a row stored without one is rewritten)."""
        at = self._at.get_indexer(key)
        known = at >= 0
        known[known] = self._has[at[known]]
        same = np.zeros(len(key), dtype=bool)
        same[known] = self._digest[at[known]] == digest[known]
        return same


def _compute_into(writer: _ProgressWriter, indicators: pd.DataFrame, versions: pd.DataFrame, targets, assignments,
                  th: maths.Thresholds, aggregates: dict | None = None, from_period=None,
                  every_version: bool = False) -> None:
    """Both bases of some indicators from their versions; ``aggregates``: {basis: city aggregates frame}.
    ``every_version``: ``versions`` holds every version of these indicators, so "as first published" is computed
    only where a revision can make it differ from the newest figures (``_revised_only``)."""
    aggregates = aggregates or {}
    latest = figures.values_for_basis(versions, Progress.Basis.LATEST)
    latest_indicators, rebased = rebase_baselines(indicators, latest)
    table = maths.progress_table(latest_indicators, latest, targets, assignments, th,
                                 aggregates.get(Progress.Basis.LATEST), from_period)
    if rebased:
        at = table["district_id"].isna() & table["indicator_id"].isin(list(rebased))
        table.loc[at, "inputs"] = [
            json.dumps({**json.loads(text), "rebased_from": rebased[i]}, ensure_ascii=False)
            for text, i in zip(table.loc[at, "inputs"], table.loc[at, "indicator_id"])]
    writer.add(table, Progress.Basis.LATEST)

    first, first_aggregates = figures.values_for_basis(versions, Progress.Basis.FIRST), aggregates.get(
        Progress.Basis.FIRST)
    first_indicators = indicators
    if every_version:
        first_indicators, first, first_aggregates = _revised_only(indicators, first, latest, set(rebased), targets)
    if len(first_indicators):
        writer.add(maths.progress_table(first_indicators, first, targets, assignments, th, first_aggregates,
                                        from_period), Progress.Basis.FIRST)


def _revised_only(indicators: pd.DataFrame, first: pd.DataFrame, latest: pd.DataFrame, rebased: set,
                  targets: pd.DataFrame):
    """What "as first published" needs computing, given every version: each scope with a figure whose first version
    is not its newest, and the city beside it (it sums the districts or shows its own figure); every district
    without a target of its own of a flow or stock whose base-year figure was revised or whose baseline was
    re-based (the city's baseline sets those districts' implied targets). The city's district aggregates are taken over all districts. Elsewhere first published = newest.
    Returns (indicators, observations, city aggregates) for ``progress_table``."""
    keys = ["indicator_id", "_d", "year", "quarter"]
    mark = lambda frame: frame.assign(_d=frame["district_id"].astype("float64").fillna(-1))  # noqa: E731
    both = mark(first).merge(mark(latest)[keys + ["version_id"]], on=keys, suffixes=("", "_latest"))
    changed = both[both["version_id"] != both["version_id_latest"]]
    base = indicators.set_index("indicator_id")
    base_year = base["baseline_year"].fillna(base["base_year"])
    at_base = (changed["year"] == changed["indicator_id"].map(base_year)) & (changed["quarter"] == 4)
    measures = dict(zip(base.index, base["measure"]))
    # the city's base-year figure sets the implied targets of districts of flows and stocks
    whole = {i for i in set(changed.loc[at_base, "indicator_id"]) | rebased if measures[i] in ("flow", "stock")}
    touched = whole | rebased | set(changed["indicator_id"])
    scope_key = lambda frame: frame["indicator_id"].astype("int64") * 10_000_000 + frame["_d"].astype("int64")  # noqa: E731
    series = set(scope_key(changed))
    obs = mark(first)
    own_target = targets[targets["target_value"].notna()].assign(_d=lambda t: t["district_id"].astype("float64"))
    implied = obs["indicator_id"].isin(whole) & ~scope_key(obs).isin(set(scope_key(own_target)))
    keep = implied | ((obs["_d"] == -1) & obs["indicator_id"].isin(touched)) | scope_key(obs).isin(series)
    summed = [i for i in touched if measures[i] in maths.AGGREGATED_MEASURES and base.at[i, "by_district"]]
    districts = first[first["district_id"].notna() & first["indicator_id"].isin(summed)]
    aggregates = maths.aggregate_district_rows(maths.clean_observations(districts), measures) if len(
        districts) else None
    return indicators[indicators["indicator_id"].isin(touched)], first[keep.to_numpy()], aggregates


def _recompute_all(plan: Plan, indicator_ids, codes, computed_at) -> int:
    indicators = figures.indicator_frame(plan, indicator_ids)
    targets = figures.district_target_frame(plan, indicator_ids)
    assignments = figures.assignment_frame(plan, indicator_ids)
    writer, th = _ProgressWriter(codes, computed_at), thresholds()
    # one query, computed in chunks of whole indicators: memory stays bounded however large the plan; read before
    # the writer's background work begins on the connection
    every_version = figures.approved_versions_frame(plan, indicator_ids)
    writer.stream(plan, indicator_ids)
    try:
        for versions in figures.approved_versions_chunks(plan, indicator_ids, rows=BATCH_VERSIONS,
                                                         versions=every_version):
            chunk = indicators[indicators["indicator_id"].isin(versions["indicator_id"].unique())]
            _compute_into(writer, chunk, versions, targets, assignments, th, every_version=True)
            writer.flush()
        return writer.finish(plan, indicator_ids)
    finally:
        writer.close()


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
        by_key.setdefault((ind_id, basis), {})[(year, quarter)] = row
    mine = own[own["district_id"] == district_id]
    reported_before = set(mine.loc[(mine["year"] != period[0]) | (mine["quarter"] != period[1]), "indicator_id"])
    frames: dict = {basis: [] for basis in (Progress.Basis.LATEST, Progress.Basis.FIRST)}
    full = []
    for ind in indicators.to_dict("records"):
        ind_id = ind["indicator_id"]
        if period <= (_base_year(ind, plan), 4):
            full.append(ind_id)
            continue
        if not (ind["by_district"] and ind["measure"] in maths.AGGREGATED_MEASURES):
            continue  # the city scope does not depend on district figures
        latest = by_key.get((ind_id, Progress.Basis.LATEST), {})
        # a first-published row is stored only where it differs from the newest: the newest stands for the rest
        parts = {Progress.Basis.LATEST: list(latest.values()),
                 Progress.Basis.FIRST: list({**latest, **by_key.get((ind_id, Progress.Basis.FIRST), {})}.values())}
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
    indicators = figures.indicator_frame(plan, indicator_ids)
    indicator_ids = list(indicators["indicator_id"])
    targets = figures.district_target_frame(plan, indicator_ids)
    assignments = figures.assignment_frame(plan, indicator_ids)
    versions = figures.approved_versions_frame(plan, indicator_ids, district_id=district_id, period=period)
    base_years = {_base_year(ind, plan) for ind in indicators.to_dict("records")}
    # a row of period P uses periods back to the same quarter of the year before, and the base-year figure
    stored = progress_reads.stored_city_progress(plan, indicator_ids, since_year=period[0] - 1, annual_years=base_years,
                                            ids_after=period)
    district = versions["district_id"]
    own = versions[district.isna() | (district == district_id)]
    quarter = versions[district.notna() & (versions["year"] == period[0]) & (versions["quarter"] == period[1])]
    fresh = {}
    measures = dict(zip(indicators["indicator_id"], indicators["measure"]))
    for basis in (Progress.Basis.LATEST, Progress.Basis.FIRST):
        values = maths.aggregate_district_rows(
            maths.clean_observations(figures.values_for_basis(quarter, basis)), measures)
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
    codes = figures.district_codes(plan)
    computed_at = timezone.now()
    if district_id is not None and period is not None:
        count = _recompute_district_quarter(plan, indicator_ids, district_id, tuple(period), codes, computed_at)
    else:
        count = _recompute_all(plan, indicator_ids, codes, computed_at)
    indicator = None
    if indicator_ids is not None and len(indicator_ids) == 1:
        indicator = indicator_ids[0]
    run = RecomputeRun.objects.create(plan=plan, indicator_id=indicator, rows=count, started_at=started,
                                      finished_at=timezone.now())
    progress_recomputed.send(sender=RecomputeRun, plan_id=plan.pk, run_id=run.pk)
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
        from indicators.progress.tasks import recompute_indicators_task

        try:
            recompute_indicators_task.delay(plan_id, ids, **extra)
        except Exception:  # broker unreachable: the figures are saved; keep the dashboards current anyway
            logger.warning("broker unavailable, recomputing in-process", exc_info=True)
            progress_recompute(plan=Plan.objects.get(pk=plan_id), indicator_ids=ids, **extra)

    transaction.on_commit(send)
