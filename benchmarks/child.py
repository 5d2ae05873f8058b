"""Timed work run in a fresh process, so that its peak memory (ru_maxrss) is its own. Prints one JSON line.

    python -m benchmarks.child floor PLAN_CODE      # one SQL query into pandas + one groupby, over the same rows
    python -m benchmarks.child recompute PLAN_CODE  # services.progress_recompute of every indicator
"""
import json
import os
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

FLOOR_SQL = """
SELECT v.id, v.observation_id, v.kind, v.value::float8, v.numerator::float8, v.denominator::float8, v.recorded_at,
       o.indicator_id, o.district_id, o.year, o.quarter
FROM indicators_observationversion v
JOIN indicators_observation o ON o.id = v.observation_id
JOIN indicators_indicator i ON i.id = o.indicator_id
WHERE i.plan_id = %s
"""
FLOOR_COLUMNS = ["id", "observation_id", "kind", "value", "numerator", "denominator", "recorded_at", "indicator_id",
                 "district_id", "year", "quarter"]


def floor(plan) -> dict:
    """The least any recompute must do: read every approved value of the plan (the rows progress_recompute
    reads) with one query into a DataFrame, and aggregate them once (the city sums per indicator and period)."""
    import pandas as pd
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [plan.id])
        frame = pd.DataFrame.from_records(cursor.fetchall(), columns=FLOOR_COLUMNS)
    read = time.perf_counter() - started
    sums = frame.groupby(["indicator_id", "year", "quarter"], sort=True)["value"].agg(["sum", "count"])
    return {"seconds": time.perf_counter() - started, "read_seconds": read, "rows": len(frame), "groups": len(sums)}


def recompute(plan) -> dict:
    from indicators.progress.services import progress_recompute

    started = time.perf_counter()
    rows = progress_recompute(plan=plan)
    return {"seconds": time.perf_counter() - started, "rows": rows}


def main(argv):
    import django

    django.setup()
    from django.db import connection

    from districts.models import Plan

    what, code = argv[1], argv[2]
    plan = Plan.objects.get(code=code)
    connection.ensure_connection()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"floor": floor, "recompute": recompute}[what](plan)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["rss_before_mb"] = round(before / 1024, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
