"""Review texts: the report assembled from the stored progress rows (summary, districts, paragraphs).

Review-report texts (年度评估, 中期评估, 总结评估) written from the stored progress rows (issue 8).

Pure functions: Progress rows (dicts or a DataFrame) and the indicators' descriptions in, sentences out; no ORM,
no request, no clock, and the language is an argument ("zh" or "en"), so the same rows always give the same text.

Every number in a sentence is a stored figure of the row, formatted: the value assessed, completion, time
share, projection, growth still needed, the target and the baseline. The only arithmetic done here is on what
a sentence shows: a difference of two displayed percentages ("低于时间进度8.8个百分点" is the displayed time
share minus the displayed completion, so the sentence always adds up), the value as a share of the target
("为2025年目标的84.6%"), the final review's shortfall (the displayed target less the displayed value, "差48.44亿元")
and the size of a revision.

The final review (总结评估, the target year) words every indicator as 已完成 / 基本完成 / 未完成 with the share of
the target reached and the shortfall, counts them, and ranks the districts by the same verdicts; nothing in it
is projected or said to need acceleration. A baseline the plan does not give reads 未给出, and a figure computed
from the base-year figure that stood in says so; a demo figure carries 演示, a published one its source. Status, light, projection and growth still needed come
from indicators.progress through the rows, never from here.

Rounding is half-up (四舍五入) on the shortest decimal form of the stored float: amounts to the indicator's
decimals, percentages and 个百分点 to one decimal.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import pandas as pd

from indicators.dashboards.verdicts import district_ranks
from indicators.progress import maths
from indicators.reviews.revisions import Revision, revision_notes
from indicators.reviews.sentences import (
    Paragraph,
    indicator_paragraph,
    row_dict,
)
from indicators.reviews.wording import (
    IN_PROGRESS_STATUSES,
    LAGGING_STATUSES,
    REVIEW_KINDS,
    STATUSES,
    Fmt,
    Scope,
    district_name_en,
    period_text,
    review_kind,
    status_label,
    verdict,
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
class DistrictVerdicts:
    """One district's final verdicts (总结评估), in the order of the ranking."""
    rank: int
    code: str
    name: str
    achieved: int
    largely_achieved: int
    not_achieved: int
    cannot_assess: int

    def label(self, lang: str) -> str:
        return self.name if lang == "zh" else district_name_en(self.code, self.name)


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
    district_ranking: list[DistrictVerdicts] = field(default_factory=list)  # final reviews of the city
    largely_achieved: float = 0.90  # the share of the target that reads 基本完成 at the plan's end (the thresholds)

    @property
    def final(self) -> bool:
        return self.kind == "final"

    @property
    def lagging(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.lagging]

    def plain_text(self) -> str:
        lines = [self.summary, ""] + [f"{p.title}\n{p.text}" + (f"\n{p.source_note}" if p.source_note else "")
                                      for p in self.paragraphs]
        if self.revisions:
            lines += ["", *(r.text for r in self.revisions)]
        return "\n".join(lines)


def _district_verdicts(rows, indicators: Mapping[Any, Mapping], district_names: Mapping[str, str], *, year: int,
                       quarter: int, final_review: bool) -> dict[tuple, tuple[str, str | None]]:
    """(district, indicator) → (status, light) of each indicator's newest district row at or before the period,
    as the review words it (a final review counts only the target year's annual figures)."""
    out = {}
    for (scope, ind_id), r in _newest_district_rows(rows, indicators, district_names, year=year,
                                                     quarter=quarter).items():
        status, _reason, light, _final = verdict(r, indicators[ind_id], final_review=final_review)
        out[(scope, ind_id)] = (status, light)
    return out


def district_lags(rows, indicators: Mapping[Any, Mapping], district_names: Mapping[str, str], *, year: int,
                  quarter: int, limit: int = 3, final_review: bool = False) -> list[DistrictLag]:
    """The districts that lag most: most red lights, then yellow, then indicators rated below on track
    (each indicator's newest district row at or before the period). In a final review the light is the verdict's
    colour: red 未完成, yellow 基本完成."""
    red, yellow, lagging = Counter(), Counter(), Counter()
    for (scope, _ind), (status, light) in _district_verdicts(rows, indicators, district_names, year=year,
                                                              quarter=quarter, final_review=final_review).items():
        if status == "cannot_assess":
            continue
        red[scope] += light == "red"
        yellow[scope] += light == "yellow"
        lagging[scope] += status in LAGGING_STATUSES
    order = list(district_names)
    ranked = sorted((c for c in district_names if red[c] or yellow[c]),
                    key=lambda c: (-red[c], -yellow[c], -lagging[c], order.index(c)))
    if len(ranked) > limit:  # a district level with the last one named is named too, never left out by the order
        last = (red[ranked[limit - 1]], yellow[ranked[limit - 1]], lagging[ranked[limit - 1]])
        ranked = ranked[:limit] + [c for c in ranked[limit:] if (red[c], yellow[c], lagging[c]) == last]
    else:
        ranked = ranked[:limit]
    return [DistrictLag(c, district_names[c], red[c], yellow[c], lagging[c]) for c in ranked]


def district_ranking(rows, indicators: Mapping[Any, Mapping], district_names: Mapping[str, str], *, year: int,
                     quarter: int) -> list[DistrictVerdicts]:
    """Every district ranked by its final verdicts: most 已完成, then most 基本完成, then fewest 未完成; districts
    level on all three share a rank. Indicators published only for the city are left out."""
    counts = {c: Counter() for c in district_names}
    district_indicators = {k: v for k, v in indicators.items() if v.get("by_district", True) not in (False, 0)}
    verdicts = _district_verdicts(rows, district_indicators, district_names, year=year, quarter=quarter,
                                  final_review=True)
    for code in district_names:
        for ind_id in district_indicators:
            status = verdicts.get((code, ind_id), ("cannot_assess", None))[0]
            counts[code][status if status in ("achieved", "largely_achieved", "not_achieved") else "cannot_assess"] += 1
    # the one ranking of the district pages and reports: the final verdicts are the lights (已完成 green, 基本完成
    # yellow, 未完成 red)
    ranks = district_ranks({c: (counts[c]["achieved"], counts[c]["largely_achieved"], counts[c]["not_achieved"])
                            for c in district_names})
    return [DistrictVerdicts(ranks[c], c, district_names[c], counts[c]["achieved"], counts[c]["largely_achieved"],
                             counts[c]["not_achieved"], counts[c]["cannot_assess"])
            for c in sorted(district_names, key=lambda c: ranks[c])]


def _newest_district_rows(rows, indicators: Mapping[Any, Mapping], district_names: Mapping[str, str], *, year: int,
                          quarter: int) -> dict[tuple, dict]:
    if rows is None:
        return {}
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    newest: dict[tuple, dict] = {}
    key = (int(year), int(quarter))
    for r in rows:  # raw rows: only the newest of each (district, indicator) is cleaned (row_dict) at the end
        scope = r.get("scope")
        if scope in (None, "city") or scope not in district_names or r.get("indicator_id") not in indicators:
            continue
        period = (int(r["year"]), int(r["quarter"]))
        if period > key:
            continue
        k = (scope, r["indicator_id"])
        if k not in newest or period > (int(newest[k]["year"]), int(newest[k]["quarter"])):
            newest[k] = r
    return {k: row_dict(r) for k, r in newest.items()}


def _en_counts(counts: Counter, statuses, *, final: bool = False) -> str:
    """The counts per status in the engine's words, as the pages and the .docx print them (as 已达标3项 in
    Chinese): "on track 1, acceleration needed 2, cannot assess 1"."""
    return ", ".join(f"{status_label(s, 'en', final=final).lower()} {counts[s]}" for s in statuses)
_FINAL_ORDER = ("achieved", "largely_achieved", "not_achieved", "cannot_assess")


def final_summary_text(paragraphs: list[Paragraph], scope: Scope, year: int, quarter: int, lang: str, *,
                       lags: list[DistrictLag] = (), ranking: list[DistrictVerdicts] = (), revisions: int = 0,
                       excluded: int = 0) -> str:
    """总结评估: 截至2025年底，全市16项目标指标中，已完成X项，基本完成Y项，未完成Z项，无法评估W项。 Then the
    indicators short of their targets with the share reached and the shortfall, and the districts by the same
    verdicts."""
    counts = Counter(p.status for p in paragraphs)
    period = period_text(year, quarter, lang)
    n = len(paragraphs)
    largely = [p for p in paragraphs if p.status == "largely_achieved"]
    missed = [p for p in paragraphs if p.status == "not_achieved"]
    leaders = [d for d in ranking if d.achieved and d.rank == 1]
    if lang == "zh":
        listed = "，".join(f"{status_label(s, 'zh', final=True)}{counts[s]}项" for s in _FINAL_ORDER)
        text = f"{period}（规划期末），{scope.name_zh}{n}项目标指标中，{listed}。"
        if excluded:
            text += f"另有{excluded}项指标仅统计全市数据，不在本县（市、区）评估之列。"

        def short(p: Paragraph) -> str:
            return f"{p.name}（为目标的{p.target_share_text}" + (
                f"，差{p.shortfall_text}" if p.shortfall_text != "—" else "") + "）"

        if largely:
            text += "基本完成的指标：" + "、".join(short(p) for p in largely) + "。"
        if missed:
            text += "未完成的指标：" + "、".join(short(p) for p in missed) + "。"
        if scope.is_city and ranking:
            if leaders:
                text += "各县（市、区）中，完成指标最多的是：" + "、".join(
                    f"{d.name}（已完成{d.achieved}项）" for d in leaders) + "。"
            if lags:
                text += "未完成指标较多的是：" + "、".join(
                    f"{d.name}（" + "、".join(x for x in (f"未完成{d.red}项" if d.red else "",
                                                         f"基本完成{d.yellow}项" if d.yellow else "") if x) + "）"
                    for d in lags) + "。"
            else:
                text += "各县（市、区）可评估的指标均已完成。"
        if revisions:
            text += f"本期有{revisions}项数据经过修订，详见“数据修订情况”。"
        return text
    listed = _en_counts(counts, _FINAL_ORDER, final=True)
    text = f"{period} (the end of the plan), of the {n} target indicators for {scope.name_en}: {listed}."
    if excluded:
        text += f" {excluded} more indicators are published only for the whole city and are not reviewed here."

    def short_en(p: Paragraph) -> str:
        return f"{p.name} ({p.target_share_text} of the target" + (
            f", {p.shortfall_text} short" if p.shortfall_text != "—" else "") + ")"

    if largely:
        text += " Largely achieved: " + "; ".join(short_en(p) for p in largely) + "."
    if missed:
        text += " Not achieved: " + "; ".join(short_en(p) for p in missed) + "."
    if scope.is_city and ranking:
        if leaders:
            text += " The districts with the most targets achieved: " + "; ".join(
                f"{d.label('en')} ({d.achieved} achieved)" for d in leaders) + "."
        if lags:
            text += " The districts with the most targets missed: " + "; ".join(
                f"{district_name_en(d.code, d.name)} (" + ", ".join(x for x in (
                    f"{d.red} not achieved" if d.red else "",
                    f"{d.yellow} largely achieved" if d.yellow else "") if x) + ")"
                for d in lags) + "."
        else:
            text += " Every district achieved every target that can be assessed."
    if revisions:
        text += f" {revisions} figures of the period were revised (see “Revisions”)."
    return text


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
        listed = "、".join(f"{status_label(s, 'zh')}{counts[s]}项" for s in STATUSES if counts[s])
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
    listed = _en_counts(counts, [s for s in STATUSES if counts[s]])
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
    kind = review_kind(start_year or year, end_year or year, year, quarter) if start_year and end_year else (
        "quarterly" if int(quarter) != 4 else "annual")
    final = kind == "final"
    assessed = newest_rows(rows, scope=scope.code, year=year, quarter=quarter)
    assessed = {k: v for k, v in assessed.items() if k in by_id}
    paragraphs = [indicator_paragraph(i, assessed.get(i["indicator_id"]), scope, lang=lang, year=year,
                                      quarter=quarter, thresholds=thresholds, final_review=final) for i in inds]
    names = dict(district_names or {})
    lags = district_lags(district_rows, by_id, names, year=year, quarter=quarter,
                         final_review=final) if scope.is_city else []
    ranking = district_ranking(district_rows, by_id, names, year=year, quarter=quarter) if (
        final and scope.is_city and names) else []
    first = {}
    for ind_id, r in newest_rows(first_rows, scope=scope.code, year=year, quarter=quarter).items():
        a = assessed.get(ind_id)
        if a is not None and (int(r["year"]), int(r["quarter"])) == (int(a["year"]), int(a["quarter"])):
            first[ind_id] = r
    revisions = revision_notes(revision_groups, by_id, assessed, scope, lang=lang, district_names=names,
                               first_rows=first)
    counts = Counter(p.status for p in paragraphs)
    if final:
        summary = final_summary_text(paragraphs, scope, year, quarter, lang, lags=lags, ranking=ranking,
                                     revisions=len(revisions), excluded=excluded)
    else:
        summary = summary_text(paragraphs, scope, year, quarter, lang, lags=lags, revisions=len(revisions),
                               excluded=excluded)
    gaps = sorted((p for p in paragraphs if p.gap_points is not None and p.gap_points > 0),
                  key=lambda p: (-p.gap_points, p.number))[:3]
    return Review(lang=lang, scope=scope, year=int(year), quarter=int(quarter), kind=kind,
                  kind_label=REVIEW_KINDS[kind][0 if lang == "zh" else 1],
                  period_text=period_text(year, quarter, lang), paragraphs=paragraphs, summary=summary,
                  counts={s: counts.get(s, 0) for s in (_FINAL_ORDER if final else IN_PROGRESS_STATUSES)},
                  largest_gaps=gaps, lagging_districts=lags, revisions=revisions, excluded=excluded,
                  district_ranking=ranking, largely_achieved=thresholds.largely_achieved)


# ------------------------------------------------------------------------------------------------ tables

_COLUMNS = {
    ("zh", False): ["序号", "指标", "基期值", "目标值", "本期值", "数据期", "完成目标进度", "时间进度", "评估结论", "灯号"],
    ("en", False): ["No.", "Indicator", "Baseline", "Target", "Value", "Period", "Completion", "Time elapsed",
                    "Assessment", "Light"],
    ("zh", True): ["序号", "指标", "基期值", "目标值", "完成值", "数据期", "为目标的", "差距", "评估结论", "灯号"],
    ("en", True): ["No.", "Indicator", "Baseline", "Target", "Value", "Period", "Share of target", "Shortfall",
                   "Assessment", "Light"],
}
_RANKING_COLUMNS = {"zh": ["名次", "县（市、区）", "已完成", "基本完成", "未完成", "无法评估"],
                    "en": ["Rank", "District", "Achieved", "Largely achieved", "Not achieved", "Cannot assess"]}


def value_with_mark(p: Paragraph, lang: str) -> str:
    """1251.56亿元（演示） · 1,152.40 CNY 100 million (published): the figure and its own mark."""
    if not p.value_mark or p.value_text == "—":
        return p.value_text
    return f"{p.value_text}（{p.value_mark}）" if lang == "zh" else f"{p.value_text} ({p.value_mark})"


def table_columns(review: Review) -> list[str]:
    return _COLUMNS[(review.lang, review.final)]


def table_rows(review: Review) -> list[dict]:
    """The table of every indicator, the same on the page and in the .docx: cells (without the light), light,
    badge. A final review gives the share of the target reached and the shortfall in place of completion and time
    elapsed."""
    from indicators.reviews.wording import period_label

    out = []
    for p in review.paragraphs:
        period = period_label(p.year, p.quarter, review.lang) if p.year else "—"
        progress = [p.target_share_text, p.shortfall_text] if review.final else [p.completion_text,
                                                                                  p.time_share_text]
        out.append({"number": p.number, "light": p.light, "badge": p.light_badge,
                    "cells": [str(p.number), p.name, p.baseline_text, p.target_text, value_with_mark(p, review.lang),
                              period, *progress, p.status_label]})
    return out


def table_note(review: Review) -> str:
    """注：what the marks and 未给出 of the table mean, and the documents of the published figures."""
    zh = review.lang == "zh"
    demo = any(p.value_mark in ("演示", "demo") for p in review.paragraphs)
    cited = list(dict.fromkeys(c for p in review.paragraphs for c in p.citations))
    not_given = any(p.baseline_text in ("未给出", "not given") for p in review.paragraphs)
    notes = []
    if any(p.final for p in review.paragraphs):
        # the end-of-plan verdicts as the method judges them (PROGRESS.md §3a; docs/progress-method.md §5.2)
        share = f"{review.largely_achieved * 100:g}%"
        notes.append(f"评估结论：达到目标为“已完成”；未达到目标但达到目标值{share}及以上为“基本完成”（低于基期者除外）；"
                     "其余为“未完成”" if zh else
                     f"assessment: “achieved” where the target is met; “largely achieved” where it is not met but at "
                     f"least {share} of the target value is reached (unless the figure fell below its baseline); "
                     "“not achieved” otherwise")
    if demo:
        notes.append("标“演示”的为演示数据（程序生成，非官方统计）" if zh
                     else "figures marked “demo” are demo data (generated, not official statistics)")
    if cited:
        notes.append(("标“公布”的数据来源：" + "、".join(cited)) if zh
                     else ("figures marked “published” are from: " + "; ".join(cited)))
    if not_given:
        notes.append("基期值“未给出”：规划未给出基期值，以基期年数据计算的数字在各指标评估中注明所用数据" if zh
                     else "baseline “not given”: the plan gives none; a figure computed from the base year's own "
                          "figure says which one it used")
    if not notes:
        return ""
    return ("注：" + "；".join(notes) + "。") if zh else ("Note: " + "; ".join(notes) + ".")


def ranking_columns(review: Review) -> list[str]:
    return _RANKING_COLUMNS[review.lang]


def ranking_rows(review: Review) -> list[list[str]]:
    return [[str(d.rank), d.label(review.lang), str(d.achieved), str(d.largely_achieved), str(d.not_achieved),
             str(d.cannot_assess)] for d in review.district_ranking]
