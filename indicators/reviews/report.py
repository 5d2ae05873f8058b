"""Review texts: the report assembled from the stored progress rows (summary, districts, paragraphs).

Review-report texts (年度评估, 中期评估, 总结评估) written from the stored progress rows (issue 8).

Pure functions: Progress rows (dicts or a DataFrame) and the indicators' descriptions in, sentences out; no ORM,
no request, no clock, and the language is an argument ("zh" or "en"), so the same rows always give the same text.

Every number in a sentence is a stored figure of the row, formatted: the value assessed, completion, time
share, projection, growth still needed, the target and the baseline. The only arithmetic done here is on what
a sentence shows: a difference of two displayed percentages ("低于时间进度8.8个百分点" is the displayed time
share minus the displayed completion, so the sentence always adds up), the value as a share of the target
("为2025年目标的84.6%") and the size of a revision. Status, light, projection and growth still needed come
from indicators.progress through the rows, never from here.

Rounding is half-up (四舍五入) on the shortest decimal form of the stored float: amounts to the indicator's
decimals, percentages and 个百分点 to one decimal.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import pandas as pd

from indicators.progress import maths
from indicators.reviews.sentences import (
    Paragraph,
    Revision,
    indicator_paragraph,
    revision_notes,
    row_dict,
)
from indicators.reviews.wording import (
    LAGGING_STATUSES,
    REVIEW_KINDS,
    Fmt,
    Scope,
    district_name_en,
    period_text,
    review_kind,
)

# ------------------------------------------------------------------------------------------------ rows


def _records(rows) -> list[dict]:
    if rows is None:
        return []
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    return [row_dict(r) for r in rows]


def newest_rows(rows, *, scope: str, year: int, quarter: int) -> dict[Any, dict]:
    """Each indicator's newest row of one scope at or before (year, quarter); an annual-only indicator thus
    reports its last year-end figure in a quarterly review."""
    out: dict[Any, dict] = {}
    key = (int(year), int(quarter))
    for r in _records(rows):
        if r.get("scope") != scope:
            continue
        period = (int(r["year"]), int(r["quarter"]))
        if period > key:
            continue
        prev = out.get(r["indicator_id"])
        if prev is None or period > (int(prev["year"]), int(prev["quarter"])):
            out[r["indicator_id"]] = r
    return out


# ------------------------------------------------------------------------------------------------ the review


@dataclass(frozen=True)
class DistrictLag:
    code: str
    name: str
    red: int
    yellow: int
    lagging: int


@dataclass(frozen=True)
class Review:
    lang: str
    scope: Scope
    year: int
    quarter: int
    kind: str
    kind_label: str
    period_text: str
    paragraphs: list[Paragraph]
    summary: str
    counts: dict[str, int]
    largest_gaps: list[Paragraph]
    lagging_districts: list[DistrictLag]
    revisions: list[Revision] = field(default_factory=list)
    excluded: int = 0  # indicators published only for the whole city, left out of a district's review

    @property
    def lagging(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.lagging]

    def plain_text(self) -> str:
        lines = [self.summary, ""] + [f"{p.title}\n{p.text}" for p in self.paragraphs]
        if self.revisions:
            lines += ["", *(r.text for r in self.revisions)]
        return "\n".join(lines)


def district_lags(rows, indicators: Mapping[Any, Mapping], district_names: Mapping[str, str], *, year: int,
                  quarter: int, limit: int = 3) -> list[DistrictLag]:
    """The districts that lag most: most red lights, then yellow, then indicators rated below on track
    (each indicator's newest district row at or before the period)."""
    newest: dict[tuple, dict] = {}
    key = (int(year), int(quarter))
    for r in _records(rows):
        scope = r.get("scope")
        if scope in (None, "city") or scope not in district_names or r.get("indicator_id") not in indicators:
            continue
        period = (int(r["year"]), int(r["quarter"]))
        if period > key:
            continue
        k = (scope, r["indicator_id"])
        if k not in newest or period > (int(newest[k]["year"]), int(newest[k]["quarter"])):
            newest[k] = r
    red, yellow, lagging = Counter(), Counter(), Counter()
    for (scope, _ind), r in newest.items():
        if r.get("status") == "cannot_assess":
            continue
        red[scope] += r.get("light") == "red"
        yellow[scope] += r.get("light") == "yellow"
        lagging[scope] += r.get("status") in LAGGING_STATUSES
    order = list(district_names)
    ranked = sorted((c for c in district_names if red[c] or yellow[c]),
                    key=lambda c: (-red[c], -yellow[c], -lagging[c], order.index(c)))
    return [DistrictLag(c, district_names[c], red[c], yellow[c], lagging[c]) for c in ranked[:limit]]


_EN_COUNTS = {"achieved": "{n} achieved", "on_track": "{n} on track", "acceleration_needed": "{n} needing acceleration",
              "limited": "{n} with limited progress", "deterioration": "{n} deteriorating",
              "cannot_assess": "{n} that cannot be assessed"}


def summary_text(paragraphs: list[Paragraph], scope: Scope, year: int, quarter: int, lang: str, *,
                 lags: list[DistrictLag] = (), revisions: int = 0, gaps_limit: int = 3, excluded: int = 0) -> str:
    f = Fmt(lang)
    counts = Counter(p.status for p in paragraphs)
    gaps = sorted((p for p in paragraphs if p.gap_points is not None and p.gap_points > 0),
                  key=lambda p: (-p.gap_points, p.number))[:gaps_limit]
    period = period_text(year, quarter, lang)
    n = len(paragraphs)
    assessable = any(p.status != "cannot_assess" for p in paragraphs)
    if lang == "zh":
        listed = "、".join(f"{maths.STATUS_LABELS_ZH[s]}{counts[s]}项" for s in maths.STATUSES if counts[s])
        text = f"{period}，{scope.name_zh}{n}项目标指标中，{listed}。"
        if excluded:
            text += f"另有{excluded}项指标仅统计全市数据，不在本县（市、区）评估之列。"
        if gaps:
            text += "完成目标进度落后时间进度较多的指标是：" + "、".join(
                f"{p.name}（落后{f.n(p.gap_points, 1)}个百分点）" for p in gaps) + "。"
        elif assessable:
            text += "可评估的指标完成目标进度均未落后于时间进度。"
        if scope.is_city and lags:
            text += "各县（市、区）中，进度滞后较多的是：" + "、".join(
                f"{d.name}（" + "、".join(x for x in (f"红灯{d.red}项" if d.red else "",
                                                     f"黄灯{d.yellow}项" if d.yellow else "") if x) + "）"
                for d in lags) + "。"
        elif scope.is_city:
            text += "各县（市、区）均无亮红灯、黄灯的指标。"
        if revisions:
            text += f"本期有{revisions}项数据经过修订，详见“数据修订情况”。"
        return text
    listed = ", ".join(_EN_COUNTS[s].format(n=counts[s]) for s in maths.STATUSES if counts[s])
    text = f"{period}, of the {n} target indicators for {scope.name_en}: {listed}."
    if excluded:
        text += f" {excluded} more indicators are published only for the whole city and are not reviewed here."
    if gaps:
        text += " Furthest behind the time elapsed: " + "; ".join(
            f"{p.name} ({f.n(p.gap_points, 1)} percentage points behind)" for p in gaps) + "."
    elif assessable:
        text += " No assessable indicator is behind the time elapsed."
    if scope.is_city and lags:
        text += " The districts lagging most: " + "; ".join(
            f"{district_name_en(d.code, d.name)} (" + ", ".join(x for x in (
                f"{d.red} red light{'s' if d.red > 1 else ''}" if d.red else "",
                f"{d.yellow} yellow light{'s' if d.yellow > 1 else ''}" if d.yellow else "") if x) + ")"
            for d in lags) + "."
    elif scope.is_city:
        text += " No district has a red or yellow light."
    if revisions:
        text += f" {revisions} figures of the period were revised (see “Revisions”)."
    return text


def build_review(indicators: Iterable[Mapping], rows, *, scope: Scope, year: int, quarter: int, lang: str = "zh",
                 district_rows=None, district_names: Mapping[str, str] | None = None,
                 revision_groups: Iterable[Mapping] = (), first_rows=None, start_year: int | None = None,
                 end_year: int | None = None, thresholds: maths.Thresholds = maths.Thresholds()) -> Review:
    """The whole review for one scope and period: a paragraph per indicator, the summary, the revisions.

    indicators: the plan's indicators (dicts with indicator_id and the fields of ``indicator_paragraph``, plus
    by_district). rows: stored Progress rows (basis "latest") of the scope; district_rows: the districts' rows
    (city reviews name the districts that lag most); first_rows: rows of basis "first" of the scope.
    """
    inds = sorted((dict(i) for i in indicators), key=lambda i: int(i["number"]))
    excluded = 0
    if not scope.is_city:
        kept = [i for i in inds if i.get("by_district", True) not in (False, 0)]
        excluded, inds = len(inds) - len(kept), kept
    by_id = {i["indicator_id"]: i for i in inds}
    assessed = newest_rows(rows, scope=scope.code, year=year, quarter=quarter)
    assessed = {k: v for k, v in assessed.items() if k in by_id}
    paragraphs = [indicator_paragraph(i, assessed.get(i["indicator_id"]), scope, lang=lang, year=year,
                                      quarter=quarter, thresholds=thresholds) for i in inds]
    names = dict(district_names or {})
    lags = district_lags(district_rows, by_id, names, year=year, quarter=quarter) if scope.is_city else []
    first = {}
    for ind_id, r in newest_rows(first_rows, scope=scope.code, year=year, quarter=quarter).items():
        a = assessed.get(ind_id)
        if a is not None and (int(r["year"]), int(r["quarter"])) == (int(a["year"]), int(a["quarter"])):
            first[ind_id] = r
    revisions = revision_notes(revision_groups, by_id, assessed, scope, lang=lang, district_names=names,
                               first_rows=first)
    counts = Counter(p.status for p in paragraphs)
    kind = review_kind(start_year or year, end_year or year, year, quarter) if start_year and end_year else (
        "quarterly" if int(quarter) != 4 else "annual")
    summary = summary_text(paragraphs, scope, year, quarter, lang, lags=lags, revisions=len(revisions),
                           excluded=excluded)
    gaps = sorted((p for p in paragraphs if p.gap_points is not None and p.gap_points > 0),
                  key=lambda p: (-p.gap_points, p.number))[:3]
    return Review(lang=lang, scope=scope, year=int(year), quarter=int(quarter), kind=kind,
                  kind_label=REVIEW_KINDS[kind][0 if lang == "zh" else 1],
                  period_text=period_text(year, quarter, lang), paragraphs=paragraphs, summary=summary,
                  counts={s: counts.get(s, 0) for s in maths.STATUSES}, largest_gaps=gaps,
                  lagging_districts=lags, revisions=revisions, excluded=excluded)
