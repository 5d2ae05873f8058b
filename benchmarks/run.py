"""`make bench`: the province-scale benchmark of issue 7, each figure against its floor, on PostgreSQL.

Creates its own database (drop/create), migrates, and runs:
  1. generate_synthetic (183 districts × 100 indicators × 6 years, and a small plan for query counts);
  2. full recompute (first run: empty progress table; second run: rows in place) against the floor — one SQL
     query into pandas and one groupby over the same rows — and the peak memory of each;
  3. incremental recompute: one district's quarter approved → its rows and the city's updated (median of 20),
     checked identical to a full recompute;
  4. freshness: a quarter approved with a real Celery worker on Redis → the overview served by gunicorn shows it;
  5. pages under gunicorn, 20 concurrent clients for a bounded time, p50/p95 against a trivial view, and SQL
     queries per page at two data sizes;
  6. headless chromium: bytes transferred for the overview (compressed) and its Largest Contentful Paint.
Prints one table and writes benchmarks/results.json. Timings on a shared machine are noisy: medians are given.

Environment: DATABASE_URL (server and credentials; the database name is replaced by BENCH_DB, default
leshan_bench), REDIS_URL (default redis://127.0.0.1:6379; database BENCH_REDIS_DB, default 13, is flushed).
Options: python -m benchmarks.run --help
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from leshan_plan.celery_control import stop_process

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
TARGETS = {"full_ratio": 3.0, "incremental_s": 0.5, "freshness_s": 5.0, "overview_ratio": 3.0,
           "transfer_bytes": 1.5e6, "lcp_ms": 1000.0, "peak_mb": 1024.0}


def log(message: str) -> None:
    print(f"[bench {datetime.now(timezone.utc):%H:%M:%S}] {message}", flush=True)


# ------------------------------------------------------------------------------------------------ set-up


def database_urls(name: str) -> tuple[str, str]:
    base = urlsplit(os.environ.get("DATABASE_URL") or "postgres://app:app@127.0.0.1:5432/postgres")
    if not base.scheme.startswith("postgres"):
        base = urlsplit("postgres://app:app@127.0.0.1:5432/postgres")
    return urlunsplit(base._replace(path="/postgres")), urlunsplit(base._replace(path=f"/{name}"))


def recreate_database(admin_url: str, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                       "AND pid <> pg_backend_pid()", [name])
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(extra: dict | None = None) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", "PYTHONPATH": str(ROOT)}
    env.update(extra or {})
    return env


def run_child(what: str, code: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.child", what, code], cwd=ROOT, env=child_env(),
                         capture_output=True, text=True)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode or not lines:
        raise RuntimeError(f"benchmarks.child {what} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        model = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
        info["cpu"] = model[0] if model else platform.processor()
        mem = [line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")]
        info["memory_gb"] = round(int(mem[0].split()[1]) / 1024 / 1024, 1) if mem else None
        info["load_average_at_start"] = os.getloadavg()
    except OSError:
        pass
    return info


# ------------------------------------------------------------------------------------------------ steps 3 and 4


def approve_quarter(submission, user) -> list[int]:
    """What approving a submitted quarter writes (as indicators.entry.submission_approve does): a district version of
    each figure, the submission approved. Returns the indicators whose figures it touched."""
    from django.db import transaction
    from django.utils import timezone as tz

    from indicators.models import Observation, ObservationVersion, Submission

    with transaction.atomic():
        rows = list(Observation.objects.filter(submission=submission).values(
            "id", "indicator_id", "value", "numerator", "denominator"))
        ObservationVersion.objects.bulk_create([
            ObservationVersion(observation_id=r["id"], kind=ObservationVersion.Kind.DISTRICT, value=r["value"],
                               numerator=r["numerator"], denominator=r["denominator"], recorded_by=user,
                               source_title="bench approval") for r in rows if r["value"] is not None])
        Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.APPROVED, decided_by=user,
                                                           decided_at=tz.now())
    return sorted({r["indicator_id"] for r in rows})


def progress_snapshot(plan) -> dict:
    from indicators.models import Progress
    from indicators.progress.services import PROGRESS_FIELDS

    columns = ["indicator_id", "scope", "basis", "year", "quarter", "district_id"] + PROGRESS_FIELDS
    return {tuple(r[:5]): json.dumps(r[5:], default=str, sort_keys=True)
            for r in Progress.objects.filter(indicator__plan=plan).values_list(*columns)}


def incremental(plan, user, runs: int) -> dict:
    from indicators.models import Submission
    from indicators.progress.services import progress_recompute

    pending = list(Submission.objects.filter(plan=plan, status=Submission.Status.SUBMITTED, district__isnull=False)
                   .order_by("district__order"))
    timings, rows = [], []
    for submission in pending[:min(runs, len(pending) - 1)]:  # one is left for the freshness step
        started = time.perf_counter()
        indicator_ids = approve_quarter(submission, user)
        rows.append(progress_recompute(plan=plan, indicator_ids=indicator_ids, district_id=submission.district_id,
                                       period=(submission.year, submission.quarter)))
        timings.append(time.perf_counter() - started)
    if not timings:  # a plan this small has no quarter awaiting approval to spare
        return {"runs": 0, "skipped": f"{len(pending)} submission(s) awaiting approval, one is kept for step 4"}
    log(f"incremental: {len(timings)} approvals, median {statistics.median(timings):.3f} s; checking against a "
        f"full recompute")
    before = progress_snapshot(plan)
    progress_recompute(plan=plan)
    after = progress_snapshot(plan)
    differing = [k for k in set(before) | set(after) if before.get(k) != after.get(k)]
    return {"runs": len(timings), "median_s": statistics.median(timings), "min_s": min(timings),
            "max_s": max(timings), "all_s": [round(t, 3) for t in timings], "rows_per_run": statistics.median(rows),
            "identical_to_full_recompute": not differing, "differing_rows": len(differing)}


CARD = re.compile(r'<article[^>]*data-indicator="(\d+)"[^>]*>(.*?)</article>', re.S)


def card_values(html: str) -> dict:
    """Each indicator card of the overview (its text and chart data), keyed by indicator number."""
    return {number: re.sub(r"\s+", " ", body) for number, body in CARD.findall(html)}


def freshness(plan, user, base_url: str, cookie: str, redis_url: str, env: dict) -> dict:
    """Approve a quarter, queue the recompute on Redis, and poll the overview until its cards show the new figures."""
    import urllib.request

    from leshan_plan.celery import app
    from leshan_plan.celery_control import running_worker, use_broker

    def overview() -> str:
        request = urllib.request.Request(base_url + "/", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read().decode("utf-8", "replace")

    import redis

    redis.Redis.from_url(redis_url).flushdb()
    log_path = Path("/tmp") / f"leshan-bench-worker-{os.getpid()}.log"
    try:
        with running_worker(env, log_path, timeout=60):
            use_broker(app, redis_url)
            try:
                return _approve_and_watch(plan, user, overview)
            finally:
                use_broker(app, None)
    except RuntimeError as exc:
        return {"error": str(exc)[:2000]}


def _approve_and_watch(plan, user, overview) -> dict:
    from django.db import transaction

    from indicators.models import Submission
    from indicators.progress.services import enqueue_recompute

    submission = (Submission.objects.filter(plan=plan, status=Submission.Status.SUBMITTED, district__isnull=False)
                  .order_by("district__order").first())
    if submission is None:
        return {"error": "no submitted quarter left to approve"}
    before_html = overview()
    before = card_values(before_html)
    with transaction.atomic():
        indicator_ids = approve_quarter(submission, user)
        enqueue_recompute(plan_id=plan.id, indicator_ids=indicator_ids, district_id=submission.district_id,
                          period=(submission.year, submission.quarter))
    committed = time.perf_counter()
    polls, shown = 0, None
    while time.perf_counter() - committed < 120:
        html = overview()
        polls += 1
        now = card_values(html)
        if (now and now != before) or (not before and "data-testid" not in before_html and html != before_html):
            shown = time.perf_counter() - committed
            break
        time.sleep(0.05)
    changed = sorted(k for k in now if now.get(k) != before.get(k)) if before else []
    return {"seconds": shown, "polls": polls, "cards_changed": len(changed), "cards": len(now),
            "district_id": submission.district_id, "period": [submission.year, submission.quarter],
            "detected_by": "overview card values" if before else "overview html"}


# ------------------------------------------------------------------------------------------------ step 5


def queries_per_page(paths: dict, user, warm: bool = True) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    out = {}
    for name, path in paths.items():
        if warm:
            client.get(path)  # warm caches that are filled once per process (geometry, translations)
        cache.clear()  # count the queries of the page's own work, not of a cached rendering
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - started
        out[name] = {"path": path, "status": response.status_code, "queries": len(ctx.captured_queries),
                     "html_bytes": len(response.content), "single_request_s": round(seconds, 3)}
    return out


def start_gunicorn(port: int, env: dict, workers: int) -> subprocess.Popen:
    log_file = open(Path("/tmp") / f"leshan-bench-gunicorn-{os.getpid()}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "leshan_plan.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "gthread", "--threads", "4", "--timeout", "120",
         "--keep-alive", "5", "--log-level", "warning"], cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + Path(log_file.name).read_text()[-3000:])
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def static_sizes() -> dict:
    """plotly.js as shipped, gzip -9 and brotli, and what collectstatic made of it."""
    from django.conf import settings

    out = {}
    source = ROOT / "static" / "vendor" / "plotly.min.js"
    if source.exists():
        raw = source.read_bytes()
        out["plotly_raw_bytes"] = len(raw)
        out["plotly_gzip9_bytes"] = len(gzip.compress(raw, 9))
        try:
            import brotli

            out["plotly_brotli_bytes"] = len(brotli.compress(raw))
        except ImportError:
            out["plotly_brotli_bytes"] = None
    collected = sorted(Path(settings.STATIC_ROOT).glob("vendor/plotly.min.*.js*"))
    out["collected"] = {p.name: p.stat().st_size for p in collected}
    return out


# ------------------------------------------------------------------------------------------------ main


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--districts", type=int, default=183)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=20, help="incremental recomputes (median)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15, help="load per page, after a 3 s warm-up")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2, help="gunicorn workers")
    parser.add_argument("--browser-runs", type=int, default=5)
    parser.add_argument("--max-single", type=float, default=10.0,
                        help="pages slower than this for one request are not load-tested (seconds)")
    parser.add_argument("--skip", default="", help="comma-separated steps to skip: freshness,pages,browser")
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    started = time.perf_counter()
    results: dict = {"issue": 7, "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     "machine": machine(), "targets": TARGETS, "parameters": vars(args)}

    name = os.environ.get("BENCH_DB", "leshan_bench")
    admin_url, url = database_urls(name)
    redis_base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379"
    redis_url = urlunsplit(urlsplit(redis_base)._replace(path=f"/{os.environ.get('BENCH_REDIS_DB', '13')}"))
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="benchmarks.settings", REDIS_URL=redis_url,
                      DJANGO_ALLOW_ASYNC_UNSAFE="true")
    log(f"database {name}: drop/create, migrate")
    recreate_database(admin_url, name)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from districts.access import CITY_OFFICIAL
    from districts.models import District, Plan
    from indicators.loaders.synthetic import SyntheticSpec, synthetic_load
    from leshan_plan.celery import app

    app.conf.update(task_always_eager=True, task_eager_propagates=True, broker_url="memory://")
    call_command("migrate", verbosity=0)
    results["postgresql"] = connection.cursor().connection.server_version

    # 1. data
    log(f"1. generate_synthetic --districts {args.districts} --indicators {args.indicators} --years {args.years}")
    spec = SyntheticSpec(districts=args.districts, indicators=args.indicators, years=args.years, seed=args.seed)
    t = time.perf_counter()
    big = synthetic_load(spec=spec)
    results["generate"] = {"seconds": time.perf_counter() - t, "plan": big.code, "districts": big.districts,
                           "indicators": big.indicators, "figures": big.observations, "versions": big.versions,
                           "awaiting_approval": big.submitted_pending, "measures": big.measures}
    small_spec = SyntheticSpec(districts=12, indicators=16, years=args.years, seed=args.seed)
    small = synthetic_load(spec=small_spec)

    # 2. full recompute against the floor (each in its own process: peak memory is its own)
    log("2. floor and full recompute")
    floors = [run_child("floor", big.code) for _ in range(3)]
    first = run_child("recompute", big.code)
    again = [run_child("recompute", big.code) for _ in range(2)]
    floors += [run_child("floor", big.code) for _ in range(2)]
    floor_s = statistics.median(f["seconds"] for f in floors)
    again_s = statistics.median(r["seconds"] for r in again)
    results["full_recompute"] = {
        "floor_s": floor_s, "floor_all_s": [round(f["seconds"], 2) for f in floors], "floor_rows": floors[0]["rows"],
        "floor_peak_mb": max(f["peak_rss_mb"] for f in floors),
        "first_s": first["seconds"], "first_ratio": first["seconds"] / floor_s,
        "steady_s": again_s, "steady_all_s": [round(r["seconds"], 2) for r in again], "ratio": again_s / floor_s,
        "rows": first["rows"], "peak_mb": max(r["peak_rss_mb"] for r in [first, *again]),
        "process_base_mb": first["rss_before_mb"]}
    log(f"   floor {floor_s:.2f} s, recompute {first['seconds']:.1f} s (empty table) / {again_s:.1f} s (in place)")

    User = get_user_model()
    official = User.objects.create_user(username="bench-official", password="bench-password-2025")
    official.groups.add(Group.objects.get_or_create(name=CITY_OFFICIAL)[0])
    plan = Plan.objects.get(code=big.code)
    small_plan = Plan.objects.get(code=small.code)
    from indicators.progress.services import progress_recompute

    progress_recompute(plan=small_plan)

    # 3. incremental
    log(f"3. incremental recompute x{args.runs}")
    results["incremental"] = incremental(plan, official, args.runs)

    # 5 (server first: freshness polls the overview it serves)
    from django.test import Client

    Plan.objects.update(status=Plan.Status.DRAFT)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_FORCE)
    client = Client()
    client.force_login(official)
    cookie_name = settings.SESSION_COOKIE_NAME
    session = client.cookies[cookie_name].value
    cookie = f"{cookie_name}={session}"
    district_code = District.objects.filter(plan=plan).order_by("order").values_list("code", flat=True).first()
    paths = {"trivial": "/bench/trivial/", "overview": "/", "indicator": "/indicators/1/",
             "district": f"/districts/{district_code}/"}
    log("   collectstatic (compressed, hashed names)")
    call_command("collectstatic", interactive=False, verbosity=0, clear=True)
    server_env = child_env({"DATABASE_URL": url, "REDIS_URL": redis_url})
    port = free_port()
    server = start_gunicorn(port, server_env, args.workers)
    base_url = f"http://127.0.0.1:{port}"
    try:
        if "freshness" not in skip:
            log("4. freshness with a real worker on Redis")
            try:
                results["freshness"] = freshness(plan, official, base_url, cookie, redis_url, server_env)
            except Exception as exc:  # a benchmark reports what failed and goes on
                results["freshness"] = {"error": f"{exc.__class__.__name__}: {exc}"}
        if "pages" not in skip:
            from benchmarks.loadgen import run_load

            log("5. queries per page at two data sizes")
            small_queries = {}
            Plan.objects.update(status=Plan.Status.DRAFT)
            Plan.objects.filter(pk=small_plan.pk).update(status=Plan.Status.IN_FORCE)
            small_user_paths = {**paths, "district": f"/districts/{District.objects.filter(plan=small_plan).order_by('order').values_list('code', flat=True).first()}/"}
            small_queries = queries_per_page(small_user_paths, official)
            Plan.objects.update(status=Plan.Status.DRAFT)
            Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_FORCE)
            big_queries = queries_per_page(paths, official, warm=False)
            results["queries"] = {"small": {"plan": small.code, **small_queries},
                                  "large": {"plan": big.code, **big_queries}}
            log(f"5. {args.clients} clients x {args.seconds:.0f} s per page, gunicorn {args.workers} workers")
            pages = {}
            for name, path in paths.items():
                single = big_queries.get(name, {}).get("single_request_s") or 0
                if single > args.max_single:
                    # 20 clients on a page this slow would only queue (and each request holds its memory)
                    pages[name] = {"path": path, "skipped": f"one request takes {single:.1f} s in-process "
                                                            f"(> {args.max_single:g} s): not load-tested",
                                   "single_request_s": single}
                    log(f"   {name}: {pages[name]['skipped']}")
                    continue
                result = run_load("127.0.0.1", port, path, clients=args.clients, seconds=args.seconds, warmup=3,
                                  cookie=cookie)
                pages[name] = result.summary()
                log(f"   {name}: p50 {pages[name]['p50_ms']} ms, p95 {pages[name]['p95_ms']} ms, "
                    f"{pages[name]['rps']} req/s, errors {pages[name]['errors']}")
            results["pages"] = pages
        if "browser" not in skip:
            from benchmarks.browser import measure_page

            log("6. headless chromium: overview transfer and LCP")
            try:
                results["browser"] = {"overview": measure_page(base_url, "/", cookie_name=cookie_name,
                                                               cookie_value=session, runs=args.browser_runs)}
            except Exception as exc:
                results["browser"] = {"error": f"{exc.__class__.__name__}: {exc}"}
            results["static"] = static_sizes()
    finally:
        stop_process(server)

    results["total_seconds"] = time.perf_counter() - started
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(table(results))
    log(f"results in {RESULTS.relative_to(ROOT)}; {results['total_seconds'] / 60:.1f} min")
    return 0


# ------------------------------------------------------------------------------------------------ the table


def _verdict(ok) -> str:
    return "—" if ok is None else ("met" if ok else "MISSED")


def table(r: dict) -> str:
    rows = []

    def add(name, value, target="", ok=None):
        rows.append((name, value, target, _verdict(ok)))

    g = r.get("generate", {})
    add("1. generate_synthetic", f"{g.get('seconds', 0):.1f} s: {g.get('figures')} figures, {g.get('versions')} "
                                 f"versions, {g.get('districts')} districts × {g.get('indicators')} indicators")
    f = r.get("full_recompute", {})
    if f:
        add("2. floor: 1 query → pandas + 1 groupby", f"{f['floor_s']:.2f} s ({f['floor_rows']} rows)")
        add("2. full recompute, rows in place", f"{f['steady_s']:.1f} s = {f['ratio']:.1f} × floor ({f['rows']} rows)",
            "≤ 3 × floor", f["ratio"] <= TARGETS["full_ratio"])
        add("2. full recompute, empty table", f"{f['first_s']:.1f} s = {f['first_ratio']:.1f} × floor")
        add("2. peak memory of a full recompute", f"{f['peak_mb']:.0f} MB (process alone {f['process_base_mb']:.0f} MB)",
            "≤ 1 GB", f["peak_mb"] <= TARGETS["peak_mb"])
    i = r.get("incremental", {})
    if i.get("skipped"):
        add("3. incremental recompute (one district's quarter)", f"skipped: {i['skipped']}")
    elif i:
        add("3. incremental recompute (one district's quarter)",
            f"median {i['median_s']:.3f} s of {i['runs']} (min {i['min_s']:.3f}, max {i['max_s']:.3f}); "
            f"same rows as full: {'yes' if i['identical_to_full_recompute'] else 'NO'}", "≤ 0.5 s",
            i["median_s"] <= TARGETS["incremental_s"])
    fr = r.get("freshness", {})
    if fr:
        if fr.get("seconds") is not None:
            add("4. freshness (worker on Redis → overview)", f"{fr['seconds']:.2f} s ({fr['cards_changed']} cards changed)",
                "≤ 5 s", fr["seconds"] <= TARGETS["freshness_s"])
        else:
            add("4. freshness", fr.get("error", "not shown within 120 s"), "≤ 5 s", False)
    p = r.get("pages", {})
    if p:
        trivial = p["trivial"]["p50_ms"] or 0
        for name in ("trivial", "overview", "indicator", "district"):
            s = p.get(name)
            if not s:
                continue
            if s.get("skipped"):
                add(f"5. {name} {s['path']}", s["skipped"], "p50 ≤ 3 × trivial" if name == "overview" else "",
                    False if name == "overview" else None)
                continue
            ratio = (s["p50_ms"] / trivial) if trivial and s["p50_ms"] else None
            target, ok = ("", None)
            if name == "overview":
                target, ok = "p50 ≤ 3 × trivial", ratio is not None and ratio <= TARGETS["overview_ratio"]
            add(f"5. {name} {s['path']}", f"p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, {s['rps']} req/s"
                + (f", {ratio:.1f} × trivial" if ratio and name != "trivial" else "")
                + (f", {s['errors']} errors {s['statuses']}" if s["errors"] else ""), target, ok)
    q = r.get("queries", {})
    if q:
        for name in ("overview", "indicator", "district"):
            a, b = q["small"].get(name, {}), q["large"].get(name, {})
            add(f"5. SQL queries: {name}", f"{a.get('queries')} (12×16) / {b.get('queries')} (large); "
                                           f"HTML {b.get('html_bytes', 0) / 1024:.0f} KB; one request "
                                           f"{b.get('single_request_s', 0):.2f} s",
                "constant", a.get("queries") == b.get("queries") and a.get("status") == 200)
    br = r.get("browser", {}).get("overview", {})
    if br.get("transfer_bytes") is not None:
        add("6. overview transfer (compressed)", f"{br['transfer_bytes'] / 1e6:.2f} MB ({br['charts_drawn']} charts)",
            "≤ 1.5 MB", br["transfer_bytes"] <= TARGETS["transfer_bytes"])
        add("6. overview LCP (headless chromium)", f"median {br['lcp_ms_median']} ms ({br['lcp_element']})", "≤ 1 s",
            br["lcp_ms_median"] is not None and br["lcp_ms_median"] <= TARGETS["lcp_ms"])
    elif r.get("browser", {}).get("error"):
        add("6. browser", r["browser"]["error"], "", False)
    widths = [max(len(str(row[k])) for row in rows + [("step", "measured", "target", "")]) for k in range(4)]
    line = "  ".join("{:<%d}" % w for w in widths)
    out = [line.format("step", "measured", "target", ""), line.format(*("-" * w for w in widths))]
    out += [line.format(*row) for row in rows]
    m = r.get("machine", {})
    out.append(f"machine: {m.get('cpu')}, {m.get('cpus')} CPUs, {m.get('memory_gb')} GB, load at start "
               f"{tuple(round(x, 1) for x in m.get('load_average_at_start', ()))}; PostgreSQL {r.get('postgresql')}; "
               f"Python {m.get('python')}. Shared machine: timings are noisy, medians are given.")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
