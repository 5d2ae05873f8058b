"""Reads of plans and figures: QuerySets and DataFrames, each built with a fixed number of queries."""
import hashlib
import io
from datetime import datetime

import pandas as pd
from django.db import connection
from django.db.models import Count, F, FloatField, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext as _

from districts import access
from districts.models import District, Plan
from indicators.figures import formatting
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

INDICATOR_COLUMNS = ["indicator_id", "number", "measure", "direction", "target_kind", "target_value", "tolerance",
                     "baseline_year", "baseline_value", "base_year", "target_year", "by_district", "unit"]
OBSERVATION_COLUMNS = ["indicator_id", "district_id", "year", "quarter", "value", "numerator", "denominator"]


def plan_in_force() -> Plan | None:
    """The plan figures are entered for (at most one)."""
    return Plan.objects.filter(status=Plan.Status.IN_FORCE).first()


def current_plan() -> Plan | None:
    """The plan pages show by default: the one in force, else the newest that has ended (drafts never)."""
    return plan_in_force() or Plan.objects.filter(status=Plan.Status.ENDED).order_by("-end_year", "-id").first()


def plans_visible_to(user) -> QuerySet:
    """The plans a user may look at, newest first: drafts for administrators only."""
    plans = Plan.objects.order_by("-start_year", "-id")
    return plans if access.is_admin(user) else plans.exclude(status=Plan.Status.DRAFT)


def plan_for_request(request) -> Plan | None:
    """The plan a page shows: ``?plan=<code>`` when given (404 for a plan the user may not see, so an old link to an
    ended plan keeps showing that plan), else ``current_plan()``. Resolved once per request; the navigation and
    the links of the page carry it (indicators.context_processors)."""
    if hasattr(request, "shown_plan"):
        return request.shown_plan
    code = request.GET.get("plan")
    if code:
        plan = plans_visible_to(request.user).filter(code=code).first()
        if plan is None:
            raise Http404(_("没有这个规划，或您无权查看。"))
    else:
        plan = current_plan()
    request.shown_plan = plan
    return plan


def demo_data_present() -> bool:
    return Observation.objects.filter(is_demo=True).exists()


def current_plan_state(plan_id: int) -> tuple[str, bool]:
    """A key that changes with every recompute run of the plan and with every change of an indicator's name (the
    overview shows the names, a rename happens without a recompute), and whether demo data is present: what the
    overview needs on every request before it can serve its cached body. One plain SQL statement: at this rate the
    ORM's building of the query costs more than running it."""
    return page_state(plan_id)


def _aggregate(sql_rows: str, postgres: bool) -> str:
    """One text of the rows of a sub-select with a single text column ``t`` (in the order given): an md5 on
    PostgreSQL (a province's districts and projects would otherwise travel on every request), the text itself on
    SQLite (small data, no md5), hashed in Python."""
    if postgres:
        return f"(SELECT md5(coalesce(string_agg(t, chr(30)), '')) FROM ({sql_rows}) s)"
    return f"(SELECT group_concat(t, char(30)) FROM ({sql_rows}) s)"


def _reference_rows(p: str) -> list[str]:
    """The plan's places and projects, each row as one text: what the district and project pages show besides
    progress rows (edited in the admin without a recompute). p: the placeholder of the plan's id."""
    from projects.models import Milestone, Project, Sector

    district, project = District._meta.db_table, Project._meta.db_table
    area = District.spatial_areas.rel.related_model._meta.db_table
    area_districts = District.spatial_areas.through._meta.db_table
    project_districts = Project.districts.through._meta.db_table
    milestone, sector = Milestone._meta.db_table, Sector._meta.db_table
    enterprise = Sector.enterprises.rel.related_model._meta.db_table

    o = '"order"'
    selections = [  # the columns of each row shown, and where the rows are
        (["id", "code", "name", "name_en", o, "function_positioning", "development_focus", "adcode",
          "is_administrative"], f"{district} WHERE plan_id = {p} ORDER BY id"),
        (["a.id", "a.name", f"a.{o}", "a.kind", "a.description", "a.districts_note", "ad.district_id"],
         (f"{area} a LEFT JOIN {area_districts} ad ON ad.spatialarea_id = a.id WHERE a.plan_id = {p} "
         f"ORDER BY a.id, ad.district_id")),
        (["x.id", "x.kind", "x.number", "x.name", "x.category", "x.positioning", "x.leading_industries",
          "x.supporting_industries", "x.remark", "x.region_text", "x.status", "x.planned_investment",
          "x.completed_investment", "x.responsible_district_id", "x.responsible_department_id", "x.start_year",
          "x.end_year", "x.source_text", "xd.district_id"],
         (f"{project} x LEFT JOIN {project_districts} xd ON xd.project_id = x.id WHERE x.plan_id = {p} "
         f"ORDER BY x.id, xd.district_id")),
        (["m.id", "m.title", "m.due_date", "m.done_date"],
         f"{milestone} m JOIN {project} x ON x.id = m.project_id WHERE x.plan_id = {p} ORDER BY m.id"),
        (["s.id", f"s.{o}", "s.category", "s.function", "s.name", "s.national_enterprises", "e.id", "e.name",
          f"e.{o}"], (f"{sector} s LEFT JOIN {enterprise} e ON e.sector_id = s.id WHERE s.plan_id = {p} "
                     f"ORDER BY s.id, e.id")),
    ]
    return [" ".join(["SELECT", " || ':' || ".join(f"coalesce(CAST({c} AS TEXT), '')" for c in columns),
                      "AS t FROM", where]) for columns, where in selections]


def page_state(plan_id: int, *, entry: bool = False, reference: bool = False) -> tuple[str, bool]:
    """A key for a page's body cached per recompute, and whether demo data is present (the banner). One SQL statement.

    Always: the plan's newest recompute run, its indicators' names and the newest figure version (an approval or a
    revision shows before its recompute has run). ``entry``: also the state of every submission of the plan (pages
    that show reporting status). ``reference``: also the plan's districts, layout, projects, milestones and sectors as
    edited in the admin (the district and project pages)."""
    run, observation, indicator = (m._meta.db_table for m in (RecomputeRun, Observation, Indicator))
    version, submission = ObservationVersion._meta.db_table, Submission._meta.db_table
    postgres = connection.vendor == "postgresql"
    if postgres:
        names = (f"(SELECT string_agg(i.id || ':' || i.name || ':' || i.name_en, chr(30) ORDER BY i.id) "
                 f"FROM {indicator} i WHERE i.plan_id = %s)")
    else:
        names = (f"(SELECT group_concat(n, char(30)) FROM (SELECT i.id || ':' || i.name || ':' || i.name_en AS n "
                 f"FROM {indicator} i WHERE i.plan_id = %s ORDER BY i.id))")
    columns = [f"(SELECT max(r.id) FROM {run} r WHERE r.plan_id = %s)",
               f"(SELECT max(r.finished_at) FROM {run} r WHERE r.plan_id = %s)",
               f"EXISTS (SELECT 1 FROM {observation} o WHERE o.is_demo)", names]
    params = [plan_id, plan_id, plan_id]
    extra = [f"(SELECT max(v.id) FROM {version} v)"]
    if entry:
        # every submission's state, not only the newest change: a save raises updated_at, a save of figures or a
        # decision raises the revision (an update() that leaves updated_at alone), a status moved any other way
        # moves the sum of the rows' status hashes. On PostgreSQL numbers only (a text per row costs 4 ms at a
        # province's 4,400 submissions, on every request of a district page)
        if postgres:
            extra.append(f"(SELECT count(*) || ':' || coalesce(sum(s.revision), 0) || ':' || "
                         f"coalesce(sum(hashtext(s.id || ':' || s.status)::bigint), 0) || ':' || "
                         f"concat_ws(':', max(s.updated_at), max(s.submitted_at), max(s.decided_at)) "
                         f"FROM {submission} s WHERE s.plan_id = %s)")
        else:
            columns_text = " || ':' || ".join(f"coalesce(CAST(s.{c} AS TEXT), '')" for c in (
                "id", "status", "revision", "submitted_at", "decided_at", "updated_at"))
            extra.append(_aggregate(f"SELECT {columns_text} AS t FROM {submission} s WHERE s.plan_id = %s "
                                    "ORDER BY s.id", postgres))
        params.append(plan_id)
    if reference:
        extra += [_aggregate(rows, postgres) for rows in _reference_rows("%s")]
        params += [plan_id] * 5
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns + extra), params)
        run_id, finished_at, demo, names, *more = cursor.fetchone()
    if isinstance(finished_at, str):  # SQLite returns the text
        finished_at = datetime.fromisoformat(finished_at)
    digest = hashlib.blake2b((names or "").encode(), digest_size=8).hexdigest()
    more = hashlib.blake2b(chr(29).join(str(m) for m in more).encode(), digest_size=8).hexdigest()
    return f"{_recompute_key(run_id, finished_at)}-{digest}-{more}", bool(demo)


def continued_history(indicator: Indicator) -> list[tuple[Plan, pd.DataFrame]]:
    """The annual city figures of the indicators this one continues (the previous plans' series, newest plan
    first): each plan with a frame of year, value — the value of its fourth quarter as the progress rows hold it
    (the year's total, year-end count, share, growth or index). One query per earlier plan (one or two)."""
    out, seen, step_id = [], {indicator.pk}, indicator.continues_id
    while step_id is not None and step_id not in seen:
        seen.add(step_id)
        step = Indicator.objects.select_related("plan").get(pk=step_id)
        rows = list(Progress.objects.filter(indicator=step, scope="city", basis=Progress.Basis.LATEST, quarter=4)
                    .order_by("year").values_list("year", "value"))
        out.append((step.plan, pd.DataFrame(rows, columns=["year", "value"]).dropna()))
        step_id = step.continues_id
    return out


def _floats(df: pd.DataFrame, columns) -> pd.DataFrame:
    for column in columns:
        df[column] = pd.to_numeric(df[column], errors="coerce").astype(float)
    return df


def indicator_frame(plan: Plan, indicator_ids=None) -> pd.DataFrame:
    qs = Indicator.objects.filter(plan=plan)
    if indicator_ids is not None:
        qs = qs.filter(pk__in=indicator_ids)
    rows = list(qs.values("id", "number", "measure", "higher_is_better", "target_kind", "target_value", "tolerance",
                          "baseline_year", "baseline_value", "target_year", "by_district", "unit"))
    df = pd.DataFrame(rows, columns=["id", "number", "measure", "higher_is_better", "target_kind", "target_value",
                                     "tolerance", "baseline_year", "baseline_value", "target_year", "by_district",
                                     "unit"])
    df = df.rename(columns={"id": "indicator_id"})
    df["direction"] = df.pop("higher_is_better").map({True: 1, False: -1}).astype("Int64").fillna(1).astype(int)
    df["base_year"] = plan.base_year
    df = _floats(df, ["target_value", "tolerance", "baseline_value", "baseline_year"])
    return df[INDICATOR_COLUMNS]


VERSION_COLUMNS = ["id", "observation_id", "kind", "value", "numerator", "denominator", "recorded_at", "indicator_id",
                   "district_id", "year", "quarter"]


def _versions_query(plan: Plan, indicator_ids=None, *, district_id=None, period=None):
    """Every version of the plan's figures as tuples (VERSION_COLUMNS), numbers cast to float in SQL (a Decimal
    per value costs more than the query). With district_id and period: only what an incremental recompute of that
    district's quarter reads — the district's figures, the city's, and every district's figure of that quarter
    (a union of three indexed selections: one OR of the three scans the whole table)."""
    qs = ObservationVersion.objects.filter(observation__indicator__plan=plan).order_by()
    if indicator_ids is not None:
        qs = qs.filter(observation__indicator_id__in=indicator_ids)
    columns = ("id", "observation_id", "kind", Cast("value", FloatField()), Cast("numerator", FloatField()),
               Cast("denominator", FloatField()), "recorded_at", "observation__indicator_id",
               "observation__district_id", "observation__year", "observation__quarter")
    if district_id is None:
        return qs.values_list(*columns)
    year, quarter = period
    return qs.filter(observation__district_id=district_id).values_list(*columns).union(
        qs.filter(observation__district__isnull=True).values_list(*columns),
        qs.filter(observation__district__isnull=False, observation__year=year, observation__quarter=quarter)
        .exclude(observation__district_id=district_id).values_list(*columns), all=True)


def read_frame(values: QuerySet, columns: list[str], *, dates=(), dtypes: dict | None = None) -> pd.DataFrame:
    """The rows of a ``values_list`` QuerySet as a DataFrame (one query). On PostgreSQL they are streamed with
    COPY … TO STDOUT and parsed by pandas' C reader: at a province's scale a Python tuple per row costs more than the
    query. Numbers are read back exactly (round trip); ``dates``: columns parsed as aware datetimes; ``dtypes``: as
    read_csv's (e.g. "Int64" for a 64-bit integer column with NULLs, which a float would round)."""
    if connection.vendor != "postgresql":
        rows = list(values)
        frame = pd.DataFrame.from_records(rows, columns=columns)
        for column, dtype in (dtypes or {}).items():  # from the rows: the frame's column may be floats already
            at = columns.index(column)
            frame[column] = pd.array([row[at] for row in rows], dtype=dtype)
        return frame
    with connection.cursor() as cursor:
        return copy_frame(sql_text(values, cursor.cursor), columns, cursor.cursor, dates=dates, dtypes=dtypes)


def sql_text(values: QuerySet, raw) -> str:
    """A QuerySet's SQL with its parameters bound (PostgreSQL; raw: a psycopg2 cursor)."""
    sql, params = values.query.sql_with_params()
    return raw.mogrify(sql, params).decode()


def copy_frame(query: str, columns: list[str], raw, *, dates=(), dtypes: dict | None = None) -> pd.DataFrame:
    """``read_frame``'s reading of a bound SQL text on PostgreSQL, through a psycopg2 cursor (which a thread of the
    caller's may use: Django's wrapper of it is bound to the thread that opened it)."""
    buffer = io.StringIO()
    raw.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    # pandas ≥ 3 parses floats exactly (round trip): the same numbers as the ORM would give
    frame = pd.read_csv(buffer, names=columns, header=None, keep_default_na=False, na_values=[""], dtype=dtypes)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


def approved_versions_frame(plan: Plan, indicator_ids=None, *, district_id=None, period=None) -> pd.DataFrame:
    """Every version of the plan's figures (one query); ``values_for_basis`` picks the one that counts."""
    return read_frame(_versions_query(plan, indicator_ids, district_id=district_id, period=period), VERSION_COLUMNS,
                      dates=["recorded_at"])


def approved_versions_chunks(plan: Plan, indicator_ids=None, rows: int = 100_000, *, versions=None):
    """The rows of ``approved_versions_frame`` (one query; or ``versions``, read already) in frames of whole
    indicators of about ``rows`` rows each, so that the engine's working frames stay small whatever the plan's
    size."""
    versions = approved_versions_frame(plan, indicator_ids) if versions is None else versions
    if not len(versions):
        return
    sizes = versions.groupby("indicator_id", sort=True).size()
    chunk = (sizes.cumsum() - 1) // rows
    for _chunk, ids in chunk.groupby(chunk):
        yield versions[versions["indicator_id"].isin(ids.index)]


def values_for_basis(versions: pd.DataFrame, basis: str = Progress.Basis.LATEST) -> pd.DataFrame:
    """The value that counts of each figure: its newest version (or its first, "as first published").

    A demo version never outranks a real one (published or district-approved), whatever its date.
    """
    if versions.empty:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS + ["version_id", "version_kind"])
    several = versions["observation_id"].duplicated(keep=False)  # most figures have one version: nothing to pick
    df = versions[several].assign(real=versions.loc[several, "kind"] != ObservationVersion.Kind.DEMO)
    if basis == Progress.Basis.FIRST:
        df = df.sort_values(["observation_id", "real", "recorded_at", "id"], ascending=[True, False, True, True])
    else:
        df = df.sort_values(["observation_id", "real", "recorded_at", "id"], ascending=[True, True, True, True])
        df = df.iloc[::-1]
    df = pd.concat([versions[~several], df.drop_duplicates("observation_id", keep="first").drop(columns="real")])
    df = df.rename(columns={"id": "version_id", "kind": "version_kind"})
    df = _floats(df, ["value", "numerator", "denominator"])
    df["district_id"] = df["district_id"].astype("Int64")
    return df[OBSERVATION_COLUMNS + ["version_id", "version_kind"]].sort_values(
        ["indicator_id", "year", "quarter"]).reset_index(drop=True)


def district_target_frame(plan: Plan, indicator_ids=None) -> pd.DataFrame:
    qs = DistrictTarget.objects.filter(indicator__plan=plan)
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=indicator_ids)
    df = pd.DataFrame(list(qs.values("indicator_id", "district_id", "target_value")),
                      columns=["indicator_id", "district_id", "target_value"])
    return _floats(df, ["target_value"])


def assignment_frame(plan: Plan, indicator_ids=None) -> pd.DataFrame:
    qs = ProvinceAssignment.objects.filter(indicator__plan=plan)
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=indicator_ids)
    df = pd.DataFrame(list(qs.values("indicator_id", "year", "assigned_value")),
                      columns=["indicator_id", "year", "assigned_value"])
    return _floats(df, ["assigned_value"])


def demo_assignments(plan: Plan) -> set[tuple[int, int]]:
    """(indicator id, year) of the province-assigned amounts that are demo data, to be marked 演示 (1 query)."""
    return set(ProvinceAssignment.objects.filter(indicator__plan=plan, is_demo=True).order_by()
               .values_list("indicator_id", "year"))


def district_codes(plan: Plan) -> dict[int, str]:
    return dict(District.objects.filter(plan=plan).values_list("id", "code"))


def target_decompositions(plan: Plan) -> dict[int, dict]:
    """Per indicator with district targets (指标分解): their sum and the gap to the city target (two queries)."""
    from indicators.progress.maths import target_decomposition_gap

    indicators = {i["id"]: i for i in Indicator.objects.filter(plan=plan).values("id", "target_value", "measure")}
    by_indicator: dict[int, list] = {}
    for indicator_id, value in DistrictTarget.objects.filter(indicator__plan=plan).values_list(
            "indicator_id", "target_value"):
        by_indicator.setdefault(indicator_id, []).append(value)
    out = {}
    for indicator_id, values in by_indicator.items():
        ind = indicators[indicator_id]
        gap = target_decomposition_gap(ind["target_value"], values, ind["measure"])
        if gap is not None:
            out[indicator_id] = gap
    return out


def figure_versions(indicator_ids, *, district_id=None) -> dict[int, dict]:
    """Every non-demo version of the figures of some indicators, by version id, with its figure's history.

    One query. Each entry: kind, value, source_title, source_url, source_date, recorded_at, observation_id,
    year, quarter, and "history" — all real versions of the same figure, oldest first (revised when > 1).
    """
    qs = (ObservationVersion.objects.filter(observation__indicator_id__in=list(indicator_ids))
          .exclude(kind=ObservationVersion.Kind.DEMO)
          .order_by("observation_id", "recorded_at", "id"))
    qs = qs.filter(observation__district_id=district_id) if district_id else qs.filter(
        observation__district__isnull=True)
    rows = list(qs.values("id", "kind", "value", "source_title", "source_url", "source_date", "recorded_at", "note",
                          "observation_id", year=F("observation__year"), quarter=F("observation__quarter"),
                          indicator_id=F("observation__indicator_id")))
    by_observation: dict[int, list[dict]] = {}
    for row in rows:
        by_observation.setdefault(row["observation_id"], []).append(row)
    return {row["id"]: {**row, "history": by_observation[row["observation_id"]]} for row in rows}


def _recompute_key(run_id, finished_at) -> str:
    return f"{run_id or 0}-{finished_at.timestamp() if finished_at else 0}"


# ---------------------------------------------------------------------------------------------- names in English

ENGLISH_NAMES_CACHE = "english-names"


def english_names() -> dict[str, str]:
    """Chinese name → English name of every indicator (its name_en) and district (its name_en, else the pinyin
    of its code with the kind of unit: 峨眉山市 → Emeishan City), read once a minute; for English pages."""
    from django.core.cache import cache

    names = cache.get(ENGLISH_NAMES_CACHE)
    if names is None:
        from indicators.reviews.wording import district_name_en

        names = {name: en for name, en in Indicator.objects.exclude(name_en="").values_list("name", "name_en")}
        for code, name, en in District.objects.values_list("code", "name", "name_en"):
            names[name] = en or district_name_en(code, name)
        cache.set(ENGLISH_NAMES_CACHE, names, 60)
    return names


def name_in_language(name: str) -> str:
    """An indicator, district or plan name in the page's language (Chinese as loaded; English where known)."""
    if not name or not formatting.english():
        return name
    return english_names().get(name) or _(name)


def display_name(obj) -> str:
    """A district's or a department's name in the page's language: its name_en on English pages where it has one."""
    if formatting.english() and getattr(obj, "name_en", ""):
        return obj.name_en
    return name_in_language(obj.name)


# ---------------------------------------------------------------------------------------------- quarters' figures

ALL_DISTRICTS = object()


def figure_counts(plan: Plan, year: int, district=ALL_DISTRICTS) -> dict[tuple, tuple[int, int]]:
    """(district id or None for the city, quarter) → (figures that count and are not demo, demo figures) of a year:
    a quarter without a submission may still hold approved figures (loaded without one) or demo figures only, and
    pages tell those apart from a missing quarter (one query). district: one District, None (the city), or all."""
    qs = Observation.objects.filter(indicator__plan=plan, year=year, versions__isnull=False)
    if district is None:
        qs = qs.filter(district__isnull=True)
    elif district is not ALL_DISTRICTS:
        qs = qs.filter(district=district)
    counts: dict[tuple, list[int]] = {}
    for district_id, quarter, is_demo, n in (qs.values("district_id", "quarter", "is_demo")
                                             .annotate(n=Count("indicator", distinct=True))
                                             .values_list("district_id", "quarter", "is_demo", "n")):
        counts.setdefault((district_id, quarter), [0, 0])[1 if is_demo else 0] += n
    return {key: (real, demo) for key, (real, demo) in counts.items()}


def quarter_state(status: str | None, counts: tuple[int, int] | None) -> str:
    """A quarter's state for the completeness views: its submission's status, else "figures" (approved figures
    without a submission), "demo" (demo figures only) or "not_started"."""
    if status:
        return status
    real, demo = counts or (0, 0)
    return "figures" if real else ("demo" if demo else "not_started")
