"""Review texts: the sentence builders, one paragraph per indicator and the revision notes."""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping

import pandas as pd

from indicators.figures.formatting import rounded
from indicators.progress import maths
from indicators.progress.maths import finite as _num
from indicators.reviews.wording import (
    LAGGING_STATUSES,
    VERSION_KINDS,
    Fmt,
    Scope,
    as_decimal,
    decimals_of,
    district_name_en,
    higher_is_better,
    indicator_name,
    is_count_unit,
    is_percent,
    lcfirst,
    light_badge,
    light_word,
    pct_of_fraction,
    pct_value_decimal,
    period_label,
    period_text,
    rate_subject,
    reason_text,
    status_label,
)

# ------------------------------------------------------------------------------------------------ one indicator


@dataclass(frozen=True)
class Paragraph:
    indicator_id: Any
    number: int
    name: str
    status: str
    status_label: str
    light: str | None
    light_badge: str
    title: str
    sentence: str
    conclusion: str
    year: int | None
    quarter: int | None
    lagging: bool
    gap_points: Decimal | None  # displayed time share − displayed completion (positive: behind schedule)
    value_text: str
    target_text: str
    completion_text: str
    time_share_text: str

    @property
    def text(self) -> str:
        return self.sentence + self.conclusion


def _row_get(row: Mapping | None, key: str):
    if row is None:
        return None
    value = row.get(key)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def row_dict(row) -> dict | None:
    if row is None:
        return None
    if isinstance(row, pd.Series):
        row = row.to_dict()
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in dict(row).items()}


def _progress_clause(f: Fmt, c, tau) -> list[str]:
    """完成目标进度51.2%，低于时间进度8.8个百分点."""
    if c is None or tau is None:
        return []
    cd, td = pct_of_fraction(c), pct_of_fraction(tau)
    if f.zh:
        if cd < td:
            rel = f"低于时间进度{f.points(td, cd)}个百分点"
        elif cd > td:
            rel = f"快于时间进度{f.points(cd, td)}个百分点"
        else:
            rel = "与时间进度持平"
        return [f"完成目标进度{f.pct(c)}", rel]
    if cd < td:
        rel = f"{f.points(td, cd)} percentage points behind the time elapsed ({f.pct(tau)})"
    elif cd > td:
        rel = f"{f.points(cd, td)} percentage points ahead of the time elapsed ({f.pct(tau)})"
    else:
        rel = f"in line with the time elapsed ({f.pct(tau)})"
    return [f"completion stood at {f.pct(c)}, {rel}"]


def _achieved_clause(f: Fmt, T: int, target_text: str, *, ahead: bool, provisional: bool) -> str:
    if provisional:  # a within-year estimate: say so, never "achieved" outright
        return f"预计全年可达到{T}年目标（{target_text}）" if f.zh else f"on course to meet the {T} target ({target_text})"
    if ahead:
        return f"已提前达到{T}年目标（{target_text}）" if f.zh else f"already meeting the {T} target ({target_text})"
    return f"完成{T}年目标（{target_text}）" if f.zh else f"meeting the {T} target ({target_text})"


def _missed_clause(f: Fmt, T: int, *, provisional: bool) -> str:
    if provisional:
        return f"按预计全年值难以完成{T}年目标" if f.zh else f"on this estimate the {T} target will be missed"
    return f"未完成{T}年目标" if f.zh else f"missing the {T} target"


def _meets(value, target, ind: Mapping, thresholds: maths.Thresholds) -> bool:
    """Would this value reach the target (the engine's own rule, tolerance of 左右 included)?"""
    tol = _num(ind.get("tolerance"))
    tol = thresholds.default_tolerance if tol is None else tol
    return maths.is_achieved(value, target, 1 if higher_is_better(ind) else -1, ind.get("target_kind") or "at_least", tol)


def _level_sentence(f: Fmt, ind: Mapping, row: Mapping, scope: Scope, th: maths.Thresholds) -> str:
    measure = ind["measure"]
    year, quarter = int(row["year"]), int(row["quarter"])
    T = int(_num(ind.get("target_year")) or 0)
    b = _num(row.get("baseline_year"))
    value, annual = _num(row.get("value")), _num(row.get("annual_value"))
    target, baseline = _num(row.get("target_value")), _num(row.get("baseline_value"))
    c, tau = _num(row.get("completion")), _num(row.get("time_share"))
    projection, still = _num(row.get("projection")), _num(row.get("still_needed"))
    status = row.get("status") or "cannot_assess"
    provisional = measure == "flow" and quarter < 4
    percent = is_percent(ind)
    name, where = indicator_name(ind, f.lang), scope.name(f.lang)
    cumulative = measure == "flow"
    period = period_text(year, quarter, f.lang, cumulative=cumulative)
    assessed = annual if annual is not None else value
    # the stored t: flows are annualised (t = year), stocks, shares and index values read at the period's end
    t_year = _num(row.get("t"))
    t_year = maths.period_time(year, quarter, measure) if t_year is None else t_year

    # what was reached
    if f.zh:
        if measure == "flow":
            reached = (f"累计完成{f.amount(value, ind)}" + (f"，预计全年{f.amount(annual, ind)}" if annual is not None
                                                         else "")) if provisional else f"完成{f.amount(assessed, ind)}"
        elif measure == "stock":
            reached = f"达到{f.amount(assessed, ind)}"
        else:
            reached = f"为{f.amount(assessed, ind)}"
        parts = [f"{period}，{where}{name}{reached}"]
    else:
        if measure == "flow" and provisional:
            reached = f"reached {f.amount(value, ind)}" + (
                f", an estimated {f.amount(annual, ind)} for the full year" if annual is not None else "")
        elif is_count_unit(ind):
            reached = f"numbered {f.amount(assessed, ind)}"
        elif measure in ("flow", "stock"):
            reached = f"reached {f.amount(assessed, ind)}"
        else:
            reached = f"was {f.amount(assessed, ind)}"
        parts = [f"{period}, {name} in {where} {reached}"]

    if status == "cannot_assess" or assessed is None:
        return _join(f, parts)

    # against the target and the baseline
    if not percent and target and higher_is_better(ind):
        share = rounded(as_decimal(assessed) / as_decimal(target) * 100, 1)
        parts.append(f"为{T}年目标的{f.n(share, 1)}%" if f.zh else f"{f.n(share, 1)}% of the {T} target")
    if percent and baseline is not None and b is not None:
        vd, bd = pct_value_decimal(assessed), pct_value_decimal(baseline)
        if f.zh:
            parts.append(f"比{int(b)}年{'提高' if vd > bd else '下降'}{f.points(vd, bd)}个百分点" if vd != bd
                         else f"与{int(b)}年持平")
        else:
            parts.append(f"{'up' if vd > bd else 'down'} {f.points(vd, bd)} percentage points on {int(b)}"
                         if vd != bd else f"unchanged on {int(b)}")
    if not percent and status == "deterioration" and baseline is not None and b is not None:
        diff = abs(as_decimal(assessed) - as_decimal(baseline))
        more = assessed > baseline
        if f.zh:
            parts.append(f"比{int(b)}年{'增加' if more else '减少'}{f.amount(diff, ind)}")
        else:
            parts.append(f"{f.amount(diff, ind)} {'more' if more else 'less'} than in {int(b)}")

    if status == "achieved":
        parts.append(_achieved_clause(f, T, f.target(target, ind) if target is not None else "",
                                      ahead=t_year < T, provisional=provisional))
        return _join(f, parts)

    if percent and target is not None:
        vd, td = pct_value_decimal(assessed), pct_value_decimal(target)
        if f.zh:
            parts.append(f"距{T}年目标（{f.target(target, ind)}）尚差{f.points(td, vd)}个百分点")
        else:
            parts.append(f"{f.points(td, vd)} percentage points short of the {T} target ({f.target(target, ind)})")
    parts += _progress_clause(f, c, tau)

    if t_year >= T:
        parts.append(_missed_clause(f, T, provisional=provisional))
    elif projection is not None and target is not None:
        falling = (projection < assessed) if higher_is_better(ind) else (projection > assessed)
        basis = ("按当前趋势" if percent else "按当前增速") if f.zh else (
            "on the current trend" if percent else "at the current growth rate")
        if f.zh:
            outlook = f"{basis}预计{T}年{'降至' if falling and higher_is_better(ind) else '达到'}{f.amount(projection, ind)}"
        else:
            verb = "fall to" if falling and higher_is_better(ind) else "reach"
            outlook = f"{basis} it is projected to {verb} {f.amount(projection, ind)} in {T}"
        if _meets(projection, target, ind, th):
            outlook += "，可完成目标" if f.zh else ", enough to meet the target"
        elif percent:
            pd_, td = pct_value_decimal(projection), pct_value_decimal(target)
            outlook += (f"，距目标仍差{f.points(td, pd_)}个百分点" if f.zh
                        else f", still {f.points(td, pd_)} percentage points short of the target")
        elif still is not None:
            outlook += (f"，需年均增长{f.pct(still)}方可完成目标" if f.zh
                        else f", and average annual growth of {f.pct(still)} is needed to meet the target")
        parts.append(outlook)
    return _join(f, parts)


def _rate_sentence(f: Fmt, ind: Mapping, row: Mapping, scope: Scope, th: maths.Thresholds) -> str:
    year, quarter = int(row["year"]), int(row["quarter"])
    T = int(_num(ind.get("target_year")) or 0)
    b = _num(row.get("baseline_year"))
    value, annual, target = _num(row.get("value")), _num(row.get("annual_value")), _num(row.get("target_value"))
    c, tau, still = _num(row.get("completion")), _num(row.get("time_share")), _num(row.get("still_needed"))
    status = row.get("status") or "cannot_assess"
    subject, is_growth = rate_subject(ind, f.lang)
    where = scope.name(f.lang)
    period = period_text(year, quarter, f.lang, cumulative=True)
    span = None
    if b is not None and year > int(b):
        first = int(b) + 1
        span = (f"{first}—{year}年" if first < year else f"{year}年") if f.zh else (
            f"{first}–{year}" if first < year else f"{year}")

    def grew(v, *, average: bool) -> str:
        up = v >= 0
        if f.zh:
            return f"{'年均' if average else '同比'}{'增长' if up else '下降'}{f.pct_value(abs(v))}"
        if average:
            return f"{'grew' if up else 'fell'} by an average of {f.pct_value(abs(v))} a year"
        return f"{'grew' if up else 'fell'} {f.pct_value(abs(v))} year on year"

    if f.zh:
        if not is_growth:
            head = f"{period}，{where}{subject}为{f.pct_value(annual if annual is not None else value)}" \
                if (annual if annual is not None else value) is not None else f"{period}，{where}{subject}"
        elif quarter < 4 or annual is None:
            head = f"{period}，{where}{subject}{grew(value, average=False)}" if value is not None \
                else f"{period}，{where}{subject}"
            if quarter < 4 and annual is not None and span:
                head += f"，预计{span}{grew(annual, average=True)}"
        else:
            head = f"{period}，{where}{subject}{span or ''}{grew(annual, average=True)}"
    else:
        v_any = annual if annual is not None else value
        if not is_growth:
            head = f"{period}, {subject} in {where} was {f.pct_value(v_any)}" if v_any is not None \
                else f"{period}, {subject} in {where}"
        elif quarter < 4 or annual is None:
            head = f"{period}, {subject} in {where} {grew(value, average=False)}" if value is not None \
                else f"{period}, {subject} in {where}"
            if quarter < 4 and annual is not None and span:
                head += f", putting growth over {span} at an estimated {f.pct_value(annual)} a year"
        else:
            head = f"{period}, {subject} in {where} {grew(annual, average=True)}" + (f" over {span}" if span else "")
    parts = [head]
    if status == "cannot_assess" or annual is None:
        return _join(f, parts)

    tgt = f.target(target, ind) if target is not None else ""
    if status == "achieved":
        if quarter < 4:
            parts.append(_achieved_clause(f, T, tgt, ahead=False, provisional=True))
        else:
            parts.append(f"达到{T}年目标（{tgt}）" if f.zh else f"meeting the {T} target ({tgt})")
        return _join(f, parts)
    if target is not None:
        ad, td = pct_value_decimal(annual), pct_value_decimal(target)
        if f.zh:
            parts.append(f"{'低于' if ad < td else '高于'}{T}年目标（{tgt}）{f.points(ad, td)}个百分点" if ad != td
                         else f"与{T}年目标（{tgt}）持平")
        else:
            side = "below" if ad < td else "above"
            parts.append(f"{f.points(ad, td)} percentage points {side} the {T} target ({tgt})"
                         if ad != td else f"level with the {T} target ({tgt})")
    parts += _progress_clause(f, c, tau)
    if year >= T:
        parts.append(_missed_clause(f, T, provisional=quarter < 4))
    elif still is not None:
        rest = (f"{year + 1}—{T}年" if year + 1 < T else f"{T}年") if f.zh else (
            f"{year + 1}–{T}" if year + 1 < T else f"{T}")
        if f.zh:
            parts.append(f"{rest}需{'年均' if year + 1 < T else ''}增长{f.pct(still)}方可完成目标")
        else:
            parts.append(f"growth of {f.pct(still)}{' a year' if year + 1 < T else ''} is needed in {rest} "
                         f"to meet the target")
    return _join(f, parts)


def _qualitative_sentence(f: Fmt, ind: Mapping, row: Mapping, scope: Scope) -> str:
    year, quarter = int(row["year"]), int(row["quarter"])
    value, target, c = _num(row.get("value")), _num(row.get("target_value")), _num(row.get("completion"))
    status = row.get("status") or "cannot_assess"
    name, where = indicator_name(ind, f.lang), scope.name(f.lang)
    period = period_text(year, quarter, f.lang, cumulative=True)
    within = quarter < 4
    if f.zh:
        parts = [f"{period}，{where}{name}{'累计' if within else ''}完成{f.amount(value, ind)}"]
    else:
        parts = [f"{period}, {name} in {where} reached {f.amount(value, ind)}"]
    if status == "cannot_assess" or value is None or target is None:
        return _join(f, parts)
    assigned = f.amount(target, ind)
    if f.zh:
        if status == "achieved":
            parts.append(f"{'已' if within else ''}完成省下达{'全年' if within else ''}目标任务（{assigned}）")
        elif within:
            parts.append(f"为省下达全年目标任务（{assigned}）的{f.pct(c)}")
        else:
            parts.append(f"未完成省下达目标任务（{assigned}），完成率{f.pct(c)}")
    else:
        if status == "achieved":
            parts.append(f"meeting the amount assigned by the province{' for the year' if within else ''} ({assigned})")
        elif within:
            parts.append(f"{f.pct(c)} of the amount assigned by the province for the year ({assigned})")
        else:
            parts.append(f"below the amount assigned by the province ({assigned}), {f.pct(c)} of it")
    return _join(f, parts)


def _join(f: Fmt, parts: list[str]) -> str:
    if f.zh:
        return "，".join(parts) + "。"
    text = parts[0]
    for part in parts[1:]:
        text += ("; " if part.startswith(_EN_CLAUSE_STARTS) else ", ") + part
    return text[0].upper() + text[1:] + "."


_EN_CLAUSE_STARTS = ("completion stood", "at the current", "on the current", "growth of", "missing the",
                     "on this estimate")


def _no_data_sentence(f: Fmt, ind: Mapping, scope: Scope, year: int, quarter: int) -> str:
    cumulative = ind["measure"] in ("flow", "rate", "qualitative")
    period = period_text(year, quarter, f.lang, cumulative=cumulative)
    if f.zh:
        return f"{period}，{scope.name_zh}{ind['name']}暂无数据。"
    return f"{period}, there is no figure yet for {indicator_name(ind, 'en')} in {scope.name_en}."


def conclusion_text(status: str, reason: str, light, lang: str) -> str:
    """评估结论：需加快（黄灯）。 · 评估结论：无法评估（缺少基期值）。"""
    label = status_label(status, lang)
    if status == "cannot_assess":
        why = reason_text(reason or "no_data", lang)
        if lang == "zh":
            return f"评估结论：{label}（{why}）。"
        return f" Assessment: {label.lower()} ({lcfirst(why)})."
    if lang == "zh":
        return f"评估结论：{label}（{light_word(light, 'zh')}）。" if light else f"评估结论：{label}。"
    return f" Assessment: {label.lower()} ({light_word(light, 'en')})." if light else f" Assessment: {label.lower()}."


def indicator_paragraph(ind: Mapping, row: Mapping | None, scope: Scope, *, lang: str = "zh",
                        year: int | None = None, quarter: int | None = None,
                        thresholds: maths.Thresholds = maths.Thresholds()) -> Paragraph:
    """One indicator's paragraph from its stored progress row (None: no row up to the period).

    ind: number, name, name_en, unit, measure, higher_is_better, target_kind, target_year, decimals, tolerance.
    row: a Progress row as a dict (year, quarter, value, annual_value, baseline_year, baseline_value,
    target_value, completion, time_share, projection, still_needed, status, reason, light …).
    year, quarter: the review period, used only to word a missing row.
    """
    f = Fmt(lang)
    row = row_dict(row)
    has_row = row is not None and row.get("year") is not None
    status = (row.get("status") if has_row else None) or "cannot_assess"
    reason = (row.get("reason") if has_row else "") or ""
    if status == "cannot_assess" and not reason:
        reason = "no_data"
    # the stored light, as the dashboards show it (after a sign change there is a light but no status)
    light = _row_get(row, "light") or None
    measure = ind["measure"]
    if not has_row:
        sentence = _no_data_sentence(f, ind, scope, year or 0, quarter or 4)
    elif measure == "rate":
        sentence = _rate_sentence(f, ind, row, scope, thresholds)
    elif measure == "qualitative":
        sentence = _qualitative_sentence(f, ind, row, scope)
    else:
        sentence = _level_sentence(f, ind, row, scope, thresholds)

    c, tau = _num(_row_get(row, "completion")), _num(_row_get(row, "time_share"))
    gap = None
    if status not in ("achieved", "cannot_assess") and c is not None and tau is not None:
        gap = pct_of_fraction(tau) - pct_of_fraction(c)
    annual = _num(_row_get(row, "annual_value"))
    value = annual if annual is not None else _num(_row_get(row, "value"))
    target = _num(_row_get(row, "target_value"))
    provisional = bool(_row_get(row, "is_provisional")) and measure in ("flow", "rate")
    value_text = "—" if value is None else (
        f.amount(value, ind) if measure != "rate" else f.pct_value(value))
    if provisional and value is not None:
        value_text += "（预计全年）" if f.zh else " (full-year estimate)"
    label = status_label(status, lang)
    name = ind["name"] if lang == "zh" else (ind.get("name_en") or ind["name"])
    badge = light_badge(light, lang)
    title = (f"{ind['number']}. {name}（{label}，{badge}）" if lang == "zh"
             else f"{ind['number']}. {name} ({label}, {badge})")
    return Paragraph(
        indicator_id=ind.get("indicator_id"), number=int(ind["number"]), name=name, status=status,
        status_label=label, light=light, light_badge=badge, title=title, sentence=sentence,
        conclusion=conclusion_text(status, reason, light, lang),
        year=int(row["year"]) if has_row else None, quarter=int(row["quarter"]) if has_row else None,
        lagging=status in LAGGING_STATUSES, gap_points=gap, value_text=value_text,
        target_text=("—" if target is None else f.target(target, ind)) if measure != "qualitative" else (
            "—" if target is None else f.amount(target, ind)),
        completion_text="—" if c is None else f.pct(c), time_share_text="—" if tau is None else f.pct(tau))


# ------------------------------------------------------------------------------------------------ revisions


@dataclass(frozen=True)
class Revision:
    indicator_id: Any
    scope: str
    year: int
    quarter: int
    text: str


def _version_value(f: Fmt, version: Mapping, ind: Mapping) -> str | None:
    v = _num(version.get("value"))
    if v is not None:
        return f.amount(v, ind)
    n, d = _num(version.get("numerator")), _num(version.get("denominator"))
    if n is not None and d is not None:
        return f"{f.n(n, decimals_of(ind))}/{f.n(d, decimals_of(ind))}"
    return None


def _version_source(version: Mapping, lang: str) -> str:
    kind = VERSION_KINDS.get(version.get("kind"), (version.get("kind"), version.get("kind")))
    kind = kind[0] if lang == "zh" else kind[1]
    source = (version.get("source_title") or "").strip()
    sep = "，" if lang == "zh" else ", "
    return f"{kind}{sep}{source}" if source else kind


def revision_notes(groups: Iterable[Mapping], indicators: Mapping[Any, Mapping], assessed: Mapping[Any, Mapping],
                   scope: Scope, *, lang: str = "zh", district_names: Mapping[str, str] | None = None,
                   first_rows: Mapping[Any, Mapping] | None = None) -> list[Revision]:
    """Which figures of the period were revised, from what to what and by how much.

    groups: one per figure with more than one non-demo version: indicator_id, scope (city or a district code),
    year, quarter, versions (oldest first: kind, value, numerator, denominator, source_title).
    assessed: {indicator_id: the row the review uses}; only figures of that row's period count.
    first_rows: {indicator_id: the same period's "as first published" row}, to say how completion moved.
    A re-based baseline (inputs.rebased_from of the row) is reported too.
    """
    f = Fmt(lang)
    names = district_names or {}
    notes: list[Revision] = []
    for g in groups:
        ind_id = g["indicator_id"]
        ind, row = indicators.get(ind_id), assessed.get(ind_id)
        if ind is None or row is None:
            continue
        if (int(g["year"]), int(g["quarter"])) != (int(row["year"]), int(row["quarter"])):
            continue
        versions = [v for v in g["versions"] if v.get("kind") != "demo"]
        if len(versions) < 2:
            continue
        old, new = versions[0], versions[-1]
        old_text, new_text = _version_value(f, old, ind), _version_value(f, new, ind)
        if old_text is None or new_text is None:
            continue
        code = g.get("scope") or "city"
        if code == "city":
            where = scope.name(lang) if scope.is_city else ("全市" if lang == "zh" else "Leshan")
        else:
            zh_name = names.get(code, code)
            where = zh_name if lang == "zh" else district_name_en(code, zh_name)
        name = ind["name"] if lang == "zh" else lcfirst(ind.get("name_en") or ind["name"])
        when = period_label(g["year"], g["quarter"], lang)
        if lang == "zh":
            text = (f"{where}{name}{when}数据由{old_text}（{_version_source(old, 'zh')}）修订为{new_text}"
                    f"（{_version_source(new, 'zh')}）")
        else:
            text = (f"The {when} figure of {name} in {where} was revised from {old_text} "
                    f"({_version_source(old, 'en')}) to {new_text} ({_version_source(new, 'en')})")
        ov, nv = _num(old.get("value")), _num(new.get("value"))
        if ov is not None and nv is not None:
            diff = as_decimal(nv) - as_decimal(ov)
            if diff != 0:
                change = f.amount(abs(diff), ind) if not is_percent(ind) else f"{f.n(rounded(abs(diff), 1), 1)}个百分点" \
                    if lang == "zh" else f"{f.n(rounded(abs(diff), 1), 1)} percentage points"
                rel = f"{f.n(rounded(abs(diff) / abs(as_decimal(ov)) * 100, 1), 1)}%" if ov != 0 else None
                if lang == "zh":
                    text += f"，调{'增' if diff > 0 else '减'}{change}" + (f"（{rel}）" if rel else "")
                else:
                    text += f", {'up' if diff > 0 else 'down'} {change}" + (f" ({rel})" if rel else "")
        if len(versions) > 2:
            text += f"（共{len(versions)}个版本）" if lang == "zh" else f" ({len(versions)} versions in all)"
        first = (first_rows or {}).get(ind_id)
        if code == scope.code and first is not None:
            c_first, c_new = _num(first.get("completion")), _num(row.get("completion"))
            if c_first is not None and c_new is not None and pct_of_fraction(c_first) != pct_of_fraction(c_new):
                if lang == "zh":
                    text += f"；完成目标进度由{f.pct(c_first)}（按初次公布数）调整为{f.pct(c_new)}"
                else:
                    text += f"; completion moves from {f.pct(c_first)} (as first published) to {f.pct(c_new)}"
        notes.append(Revision(ind_id, code, int(g["year"]), int(g["quarter"]), text + ("。" if lang == "zh" else ".")))

    for ind_id, row in assessed.items():
        inputs = row.get("inputs") or {}
        old, new, b = _num(inputs.get("rebased_from")), _num(row.get("baseline_value")), _num(row.get("baseline_year"))
        ind = indicators.get(ind_id)
        if old is None or new is None or ind is None:
            continue
        name = ind["name"] if lang == "zh" else lcfirst(ind.get("name_en") or ind["name"])
        year = f"{int(b)}年" if lang == "zh" and b is not None else f"{int(b)}" if b is not None else ""
        if lang == "zh":
            text = (f"{name}基期（{year}）值由{f.amount(old, ind)}修订为{f.amount(new, ind)}，"
                    f"完成目标进度按修订后的基期计算。")
        else:
            text = (f"The baseline ({year}) of {name} was revised from {f.amount(old, ind)} to "
                    f"{f.amount(new, ind)}; completion is computed on the revised baseline.")
        notes.append(Revision(ind_id, scope.code, int(row["year"]), int(row["quarter"]), text))
    return notes
