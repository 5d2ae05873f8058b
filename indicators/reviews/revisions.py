"""The review's note on revised figures: which figures changed since first published, by how much, and on whose
authority (moved out of sentences.py, which drafts the indicators' own paragraphs)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from indicators.figures.formatting import rounded
from indicators.progress.maths import finite as _num
from indicators.reviews.wording import (
    VERSION_KINDS,
    Fmt,
    Scope,
    as_decimal,
    decimals_of,
    district_name_en,
    is_percent,
    lcfirst,
    pct_of_fraction,
    period_label,
    source_citation,
)

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
    from django.utils import translation

    from indicators.figures.system_texts import shown_source

    with translation.override("zh-hans" if lang == "zh" else "en"):  # a title the system wrote, in the review's language
        title = shown_source(version.get("source_title") or "")
    source = source_citation(title, lang)
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
