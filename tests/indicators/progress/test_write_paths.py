"""The three ways rows reach the progress table write the same rows (issue 17): a first recompute into an empty
table (on PostgreSQL a binary COPY straight into the table), a recompute in place that rewrites every row (COPY into
a temporary table, INSERT … ON CONFLICT), and the incremental recompute of one district's quarter."""
import struct
from datetime import datetime, timezone

import pandas as pd
import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from districts.models import Plan
from indicators.loaders.synthetic import SyntheticSpec, synthetic_load
from indicators.models import Observation, ObservationVersion, Progress, Submission
from indicators.progress import pgcopy, services
from indicators.progress.services import WRITE_COLUMNS, progress_recompute

SMALL = SyntheticSpec(districts=9, indicators=16, years=3, seed=5)
# every stored column but the id and computed_at (when the row was written); floats compared by repr: bit for bit
COLUMNS = [c for c in WRITE_COLUMNS if c != "computed_at"]


def stored_rows(plan) -> list[str]:
    return sorted(map(repr, Progress.objects.filter(indicator__plan=plan).values_list(*COLUMNS)))


def upserts(queries) -> int:
    return sum("ON CONFLICT" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_a_recompute_into_an_empty_table_writes_the_rows_a_recompute_in_place_writes():
    plan = Plan.objects.get(pk=synthetic_load(spec=SMALL).plan_id)
    Progress.objects.all().delete()
    with CaptureQueriesContext(connection) as first:
        progress_recompute(plan=plan)
    empty = stored_rows(plan)
    assert len(empty) > 1000 and Progress.objects.filter(basis="first").exists()  # revised figures: both bases
    assert Progress.objects.filter(district__isnull=True, baseline_year__isnull=False).exists()
    assert Progress.objects.filter(annual_value__isnull=True).exists() and Progress.objects.filter(light="").exists()
    if connection.vendor == "postgresql":
        assert upserts(first) == 0  # copied straight into the table

    # every row spoilt and its digest forgotten: the recompute in place must rewrite all of them, through the upsert
    Progress.objects.update(digest=None, value=-1.0, annual_value=None, status="x", reason="x", light="",
                            baseline_year=None, is_final=True, inputs={})
    with CaptureQueriesContext(connection) as again:
        progress_recompute(plan=plan)
    assert stored_rows(plan) == empty
    if connection.vendor == "postgresql":
        assert upserts(again) == 1

    before = dict(Progress.objects.values_list("id", "computed_at"))
    progress_recompute(plan=plan)  # nothing changed: nothing written
    assert stored_rows(plan) == empty and dict(Progress.objects.values_list("id", "computed_at")) == before


@pytest.mark.django_db
def test_an_incremental_recompute_writes_the_rows_a_recompute_into_an_empty_table_writes():
    plan = Plan.objects.get(pk=synthetic_load(spec=SMALL).plan_id)
    progress_recompute(plan=plan)
    submission = Submission.objects.get(plan=plan, status="submitted")
    figures = list(Observation.objects.filter(submission=submission))
    ObservationVersion.objects.bulk_create([ObservationVersion(observation=o, kind="district", value=o.value,
                                                               numerator=o.numerator, denominator=o.denominator)
                                            for o in figures])
    progress_recompute(plan=plan, indicator_ids=sorted({o.indicator_id for o in figures}),
                       district_id=submission.district_id, period=(submission.year, submission.quarter))
    incremental = stored_rows(plan)
    Progress.objects.all().delete()
    progress_recompute(plan=plan)
    assert stored_rows(plan) == incremental



@pytest.mark.django_db
def test_a_first_recompute_in_many_batches_writes_the_rows_of_one_batch(monkeypatch):
    """A full recompute computes whole indicators a batch at a time; into an empty table on PostgreSQL each batch is
    copied in the background while the next is computed. The rows are those of one batch, bit for bit."""
    plan = Plan.objects.get(pk=synthetic_load(spec=SMALL).plan_id)
    Progress.objects.all().delete()
    monkeypatch.setattr(services, "BATCH_VERSIONS", 10**9)
    progress_recompute(plan=plan)
    one_batch = stored_rows(plan)
    Progress.objects.all().delete()
    batches = []
    compute = services._compute_into
    monkeypatch.setattr(services, "BATCH_VERSIONS", 300)
    monkeypatch.setattr(services, "_compute_into", lambda writer, chunk, *a, **k: (
        batches.append(len(chunk)), compute(writer, chunk, *a, **k))[-1])
    with CaptureQueriesContext(connection) as first:
        count = progress_recompute(plan=plan)
    assert len(batches) >= 5 and sum(batches) == SMALL.indicators
    assert stored_rows(plan) == one_batch and count == len(one_batch)
    if connection.vendor == "postgresql":
        assert upserts(first) == 0  # copied straight into the table, batch by batch



@pytest.mark.django_db
def test_a_recompute_in_place_in_many_batches_writes_only_what_changed_and_removes_what_is_gone(monkeypatch):
    """Rows in place are compared with the computed ones batch by batch: rows spoilt in the first and the last
    batch are rewritten, a row no batch computes is removed, every other row keeps the time it was written, and the
    rows are those of a first recompute."""
    plan = Plan.objects.get(pk=synthetic_load(spec=SMALL).plan_id)
    monkeypatch.setattr(services, "BATCH_VERSIONS", 300)
    progress_recompute(plan=plan)
    expected = stored_rows(plan)
    ids = sorted(Progress.objects.filter(indicator__plan=plan).values_list("indicator_id", flat=True).distinct())
    first, last = (Progress.objects.filter(indicator_id=i, scope="city", basis="latest").order_by("year", "quarter")
                   .first() for i in (ids[0], ids[-1]))
    Progress.objects.filter(pk__in=[first.pk, last.pk]).update(value=-1.0, status="x", digest=F("digest") + 1)
    Progress.objects.filter(pk=first.pk + 1).update(digest=None)  # without a digest: rewritten as well
    gone = Progress.objects.create(indicator_id=ids[3], scope="city", basis="latest", year=1999, quarter=4,
                                   computed_at=first.computed_at, inputs={})
    before = dict(Progress.objects.values_list("id", "computed_at"))
    compute, batches = services._compute_into, []
    monkeypatch.setattr(services, "_compute_into", lambda writer, chunk, *a, **k: (
        batches.append(len(chunk)), compute(writer, chunk, *a, **k))[-1])
    progress_recompute(plan=plan)
    assert len(batches) >= 5
    assert stored_rows(plan) == expected and not Progress.objects.filter(pk=gone.pk).exists()
    after = dict(Progress.objects.values_list("id", "computed_at"))
    assert {pk for pk, at in after.items() if at != before[pk]} == {first.pk, first.pk + 1, last.pk}



def _failing_batch(monkeypatch, n: int):
    """Batches of 300 versions, the n-th of which raises while it is computed; returns (the real compute, calls)."""
    monkeypatch.setattr(services, "BATCH_VERSIONS", 300)
    compute, calls = services._compute_into, []

    def failing(writer, chunk, *args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise RuntimeError(f"batch {n} fails")
        return compute(writer, chunk, *args, **kwargs)

    monkeypatch.setattr(services, "_compute_into", failing)
    return compute, calls

@pytest.mark.django_db
def test_a_first_recompute_that_fails_part_way_writes_nothing(monkeypatch):
    """All or nothing, even while earlier batches are being copied in the background: a batch that raises leaves no
    row of the plan written, and the connection is fit for the next statement."""
    plan = Plan.objects.get(pk=synthetic_load(spec=SMALL).plan_id)
    Progress.objects.all().delete()
    compute, calls = _failing_batch(monkeypatch, 4)
    with pytest.raises(RuntimeError, match="batch 4 fails"):
        progress_recompute(plan=plan)
    assert len(calls) == 4
    assert not Progress.objects.filter(indicator__plan=plan).exists()
    monkeypatch.setattr(services, "_compute_into", compute)
    assert progress_recompute(plan=plan) > 1000


@pytest.mark.django_db
def test_a_recompute_in_place_that_fails_part_way_changes_nothing(monkeypatch):
    """With rows in place their digests are read in the background while the batches are computed: a batch that
    raises leaves every row as it was, and the connection is fit for the next statement."""
    plan = Plan.objects.get(pk=synthetic_load(spec=SMALL).plan_id)
    progress_recompute(plan=plan)
    before = stored_rows(plan)
    Progress.objects.filter(indicator__plan=plan, scope="city").update(value=-1.0, digest=None)
    spoilt = stored_rows(plan)
    compute, calls = _failing_batch(monkeypatch, 3)
    with pytest.raises(RuntimeError, match="batch 3 fails"):
        progress_recompute(plan=plan)
    assert len(calls) == 3
    assert stored_rows(plan) == spoilt
    monkeypatch.setattr(services, "_compute_into", compute)
    progress_recompute(plan=plan)
    assert stored_rows(plan) == before

def test_binary_copy_rows_are_postgresqls_binary_tuples():
    """Two rows: NULLs of numbers, a missing text as the empty text, Chinese text in UTF-8, jsonb's version byte."""
    frame = pd.DataFrame({"id": [7, 8], "year": [2023, 2024], "value": [0.1, float("nan")],
                          "ok": [True, False], "district": [3.0, float("nan")], "scope": ["市中区", None],
                          "inputs": ['{"a": 1}', "{}"]})
    kinds = {"id": "int8", "year": "int2", "value": "float8", "ok": "bool", "district": "int8", "scope": "text",
             "inputs": "jsonb"}

    def field(data: bytes | None) -> bytes:
        return struct.pack(">i", -1) if data is None else struct.pack(">i", len(data)) + data

    expected = b"".join([
        struct.pack(">h", 7), field(struct.pack(">q", 7)), field(struct.pack(">h", 2023)),
        field(struct.pack(">d", 0.1)), field(b"\x01"), field(struct.pack(">q", 3)), field("市中区".encode()),
        field(b'\x01{"a": 1}'),
        struct.pack(">h", 7), field(struct.pack(">q", 8)), field(struct.pack(">h", 2024)), field(None),
        field(b"\x00"), field(None), field(b""), field(b"\x01{}")])
    assert pgcopy.copy_rows(frame, kinds) == expected
    assert pgcopy.copy_rows(frame.iloc[:0], kinds) == b""
    # timestamptz: microseconds since 2000-01-01 UTC
    assert pgcopy.timestamptz(datetime(2000, 1, 2, 0, 0, 1, 5, tzinfo=timezone.utc)) == 86_401_000_005


def _tuples(data: bytes, kinds: dict) -> list[tuple]:
    """PostgreSQL's binary tuples read back (the test's own reader): the values of each row, NULL as None."""
    rows, at = [], 0
    formats = {"int8": ">q", "int2": ">h", "float8": ">d"}
    while at < len(data):
        (count,), at = struct.unpack_from(">h", data, at), at + 2
        assert count == len(kinds)
        row = []
        for kind in kinds.values():
            (size,), at = struct.unpack_from(">i", data, at), at + 4
            if size == -1:
                row.append(None)
                continue
            raw, at = data[at:at + size], at + size
            row.append(struct.unpack(formats[kind], raw)[0] if kind in formats else raw == b"\x01"
                       if kind == "bool" else raw[1:].decode() if kind == "jsonb" else raw.decode())
        rows.append(tuple(row))
    return rows


def test_binary_copy_of_many_rows_of_every_length_reads_back_as_the_rows():
    """Thousands of rows, texts from empty to 2,000 bytes (encoded in groups by length, in any order): every row
    reads back as itself."""
    n = 3_000
    numbers = pd.Series(range(n))
    frame = pd.DataFrame({"id": numbers * 7, "value": (numbers / 3).where(numbers % 5 != 0),
                          "ok": (numbers % 2 == 0).where(numbers % 7 != 0), "status": numbers.map(
                              lambda i: ["", "achieved", "未完成", None][i % 4]),
                          "inputs": numbers.map(lambda i: '{"ids": [%s]}' % ", ".join(["12345"] * (
                              400 if i % 97 == 0 else i % 40)))})
    kinds = {"id": "int8", "value": "float8", "ok": "bool", "status": "text", "inputs": "jsonb"}
    expected = [(int(r.id), None if pd.isna(r.value) else r.value, None if pd.isna(r.ok) else bool(r.ok),
                 "" if pd.isna(r.status) else r.status, r.inputs) for r in frame.itertuples()]
    assert max(map(len, frame["inputs"])) > 2_000
    assert sorted(_tuples(pgcopy.copy_rows(frame, kinds), kinds), key=lambda r: r[0]) == expected
