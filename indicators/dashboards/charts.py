"""Charts: pure functions, pandas DataFrame in, Plotly figure out (STYLE.md §5).

No ORM and no request: the dashboards, the review reports (issue 8) and the exports draw the same figures from
the same frames. Every text a user could have typed (names, units, comments) reaches the figure HTML-escaped,
as hover text or labels, never as a hovertemplate. A traffic light is always drawn with its icon and its word,
never by colour alone. Figures carry an empty template so their JSON stays small.
"""
from __future__ import annotations

import html
import json
import math
import re
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from plotly.utils import PlotlyJSONEncoder

from indicators.figures import formatting
from indicators.progress.maths import finite as _num

LIGHTS = ("green", "yellow", "red", "none")
# The site palette (static/css/site.css): each passes 4.5:1 against white, and white text on it passes too.
LIGHT_COLOURS = {"green": "#1a7f37", "yellow": "#8a6100", "red": "#b42318", "none": "#57606a"}
LIGHT_ICONS = {"green": "●", "yellow": "▲", "red": "■", "none": "○"}
LIGHT_WORDS = {"green": ("绿灯", "green"), "yellow": ("黄灯", "yellow"), "red": ("红灯", "red"),
               "none": ("无灯", "no light")}
LIGHT_SCORE = {"none": 0, "red": 1, "yellow": 2, "green": 3}
COMPLETION_SCALE = (0.0, 150.0)  # percent: where a map's colour scale of completion stops
INK, MUTED, BRAND, LINE = "#1b1f24", "#4a5460", "#0b4f8a", "#d0d7de"
FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", system-ui, sans-serif'


def esc(text) -> str:
    """Plotly renders a subset of HTML in its texts: escape everything a user could have written."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=False)  # Plotly does not decode &quot;: quotes stay as typed


def _english() -> bool:
    return (get_language() or "").startswith("en")


def unit_word(unit: str) -> str:
    """An axis's unit in the figure's language: 亿元 / CNY 100 million, 家 / enterprises, % / %."""
    return formatting.unit_text(unit)


def local_names(frame: pd.DataFrame, column: str = "name") -> list:
    """The names of a frame's rows in the figure's language: on English pages its ``<column>_en`` where the row has
    one (districts' name_en), the Chinese name otherwise."""
    names = list(frame[column]) if column in frame else [""] * len(frame)
    english = f"{column}_en"
    if not _english() or english not in frame:
        return names
    return [en if isinstance(en, str) and en.strip() else name for name, en in zip(names, frame[english])]


# the administrative word an English district name ends with: a map's label leaves it out (its hover keeps it)
_ADMIN_WORD_EN = re.compile(r"\s+(?:Yi Autonomous County|Autonomous County|District|County|City)$|^Leshan (?=High-tech Zone)")


def map_label(name: str) -> str:
    """A county's name as its label on a map: in English without the administrative word (Shizhong, not Shizhong
    District; High-tech Zone, not Leshan High-tech Zone: around 市中区 the counties are small and the full English
    names ran into each other); as it is in Chinese."""
    return _ADMIN_WORD_EN.sub("", name) if _english() else name


def _paren(text: str) -> str:
    """（…） in Chinese, (…) in English: a figure's English texts take ASCII punctuation."""
    return f" ({text})" if _english() else f"（{text}）"


def light_key(light) -> str:
    return light if light in LIGHT_COLOURS and light != "none" else "none"


def light_word(light) -> str:
    zh, en = LIGHT_WORDS[light_key(light)]
    return en if _english() else zh


def light_badge(light) -> str:
    """Icon and word, e.g. '▲ 黄灯'."""
    key = light_key(light)
    return f"{LIGHT_ICONS[key]} {light_word(key)}"




def demo_word() -> str:
    return _("演示")


def _yes(x) -> bool:
    """A flag read from a frame: True, numpy's True or 1; never NaN or None."""
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and bool(x)


def value_text(value, unit: str, decimals: int = 2) -> str:
    v = _num(value)
    if v is None:
        return "—"
    return formatting.with_unit(v, unit, decimals)


def pct_text(fraction, decimals: int = 1) -> str:
    f = _num(fraction)
    return "—" if f is None else formatting.percent(f, decimals)


def period_x(year, quarter) -> float:
    """A period as a decimal year at its end, as the progress maths reads stocks: Q3 2023 → 2022.75, Q4 2023 → 2023.0."""
    return int(year) - 1 + int(quarter) / 4


QUARTER_MIDDLES = {1: (2, 15), 2: (5, 15), 3: (8, 15), 4: (11, 15)}
DAY_MS = 86_400_000


def period_date(year, quarter) -> str:
    """The middle of a quarter as a date, where its bar or point stands on a time axis: Q1 2020 → 2020-02-15."""
    month, day = QUARTER_MIDDLES[int(quarter)]
    return f"{int(year):04d}-{month:02d}-{day:02d}"


def time_date(t) -> str:
    """A time of the progress maths (a decimal year: a year's annual figure, or a quarter's end, Q4 2023 → 2023.0)
    as the date it is drawn at: the middle of its quarter (an annual figure with its fourth quarter, 2023 →
    2023-11-15). Between quarters, in proportion."""
    t = float(t)
    quarters = (t + 1) * 4  # quarters since year 0, counting the one that ends at t
    if abs(quarters - round(quarters)) < 1e-9:
        q = int(round(quarters))
        return period_date((q - 1) // 4, (q - 1) % 4 + 1)
    start = date(int(math.floor(t + 0.875)), 1, 1)
    days = (date(start.year + 1, 1, 1) - start).days
    return (start + timedelta(days=round((t + 0.875 - start.year) * days))).isoformat()


def to_json(fig: go.Figure) -> str:
    """The figure's JSON, safe to place inside <script type="application/json"> (no <, >, & left raw).
    Compact, with Chinese as UTF-8 rather than \\u escapes."""
    text = json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _layout(**kwargs) -> go.Layout:
    base = dict(template=go.layout.Template(), font=dict(family=FONT, size=14, color=INK),
                paper_bgcolor="#ffffff", plot_bgcolor="#ffffff", margin=dict(l=10, r=10, t=30, b=10),
                hoverlabel=dict(font=dict(family=FONT, size=14)), separators=".,")
    base.update(kwargs)
    return go.Layout(**base)


def _axis(**kwargs) -> dict:
    base = dict(showgrid=True, gridcolor="#e6e9ed", zeroline=False, linecolor=LINE, tickfont=dict(color=INK),
                automargin=True)
    base.update(kwargs)
    return base


def _legend() -> dict:
    return dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, font=dict(size=13))


def empty_figure(message: str, *, height: int = 160) -> go.Figure:
    """A drawn figure that says there is nothing to show (pages never show a blank box)."""
    fig = go.Figure(layout=_layout(height=height, xaxis=dict(visible=False), yaxis=dict(visible=False)))
    fig.add_annotation(text=esc(message), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(color=MUTED, size=15))
    return fig


# ------------------------------------------------------------------------------------------------ sparkline


def sparkline(points: pd.DataFrame, *, unit: str = "", decimals: int = 2, light=None) -> go.Figure:
    """A card's small trend line. points: x (decimal year), y, label (period text), provisional (bool, optional)."""
    pts = points.dropna(subset=["y"]).sort_values("x") if len(points) else points
    colour = LIGHT_COLOURS[light_key(light)]
    fig = go.Figure(layout=_layout(height=56, margin=dict(l=2, r=2, t=4, b=4), showlegend=False,
                                   xaxis=dict(visible=False, fixedrange=True),
                                   yaxis=dict(visible=False, fixedrange=True)))
    if pts is None or not len(pts):
        return fig
    demo = list(pts["demo"]) if "demo" in pts else [False] * len(pts)
    hover = [f"{esc(label)}<br>{esc(value_text(y, unit, decimals))}" + (f" · {esc(demo_word())}" if _yes(d) else "")
             for label, y, d in zip(pts["label"], pts["y"], demo)]
    fig.add_trace(go.Scatter(x=list(pts["x"]), y=list(pts["y"]), mode="lines", line=dict(color=colour, width=2),
                             hovertext=hover, hoverinfo="text", name=""))
    last = pts.iloc[-1]
    provisional = bool(last.get("provisional", False)) if hasattr(last, "get") else False
    fig.add_trace(go.Scatter(x=[last["x"]], y=[last["y"]], mode="markers", hoverinfo="skip",
                             marker=dict(color="#ffffff" if provisional else colour, size=7,
                                         line=dict(color=colour, width=2))))
    return fig


# ------------------------------------------------------------------------------------------------ indicator


def _growth_path(start_x, start_y, rate, end_x):
    """Points every year from start to end along start·(1+rate)^(x−start)."""
    xs = [start_x]
    x = math.floor(start_x) + 1
    while x < end_x:
        xs.append(float(x))
        x += 1
    if end_x > start_x:
        xs.append(float(end_x))
    return xs, [start_y * (1 + rate) ** (x - start_x) for x in xs]


def indicator_chart(history: pd.DataFrame, periods: pd.DataFrame, *, unit: str, measure: str, decimals: int = 2,
                    baseline_year=None, baseline_value=None, target_year=None, target_value=None,
                    cagr_required=None, latest: dict | None = None, height: int = 420,
                    earlier_plans=(), baseline_note: str = "", baseline_printed: str = "",
                    target_printed: str = "") -> go.Figure:
    """History 2015–2020, the quarterly and annual figures since, the path from baseline to target and the
    projection to the target year, on a time axis whose years are labelled in their middle: every figure stands
    over its own year, a quarter's bar in the middle of its quarter (Q1 2020 at 2020-02-15), an annual figure
    with its fourth quarter.

    earlier_plans: (plan, frame of year, value) of the statistical series this indicator continues from earlier
    plans, each drawn as its own annual line named after its plan (its history runs across the plans).

    history: year, value (the plan's printed series). periods: the city Progress rows, columns year, quarter,
    label, value, annual_value, is_provisional, target_value. latest: the newest Progress row as a dict
    (t, annual_value, projection, cagr_actual, still_needed); no projection is drawn once the target year's figure
    is in (``is_final``) or after it. baseline_note: what the path starts from where the plan gives no baseline
    (e.g. 按2020年演示数据 5.10% 计算), added to the path's name. Growth figures are fractions, rates in percent.
    baseline_printed / target_printed: the plan's baseline and target as the plan prints them (约30%, 40%左右), shown
    in the hover texts of the path's ends in place of the bare number.
    """
    fig = go.Figure(layout=_layout(
        height=height, hovermode="closest", legend=_legend(), margin=dict(l=10, r=10, t=20, b=10),
        xaxis=_axis(type="date", dtick="M12", tickformat="%Y", ticklabelmode="period"),
        yaxis=_axis(title=dict(text=esc(unit_word(unit))),
                    rangemode="tozero" if measure in ("flow", "stock") else "normal"),
        barmode="overlay"))
    fmt = lambda v: esc(value_text(v, unit, decimals))  # noqa: E731
    year_label = lambda y: _("%(y)s年") % {"y": int(y)}  # noqa: E731

    if history is not None and len(history):
        h = history.dropna(subset=["value"]).sort_values("year")
        fig.add_trace(go.Scatter(
            x=[time_date(y) for y in h["year"]], y=list(h["value"]), mode="lines+markers",
            name=esc(_("规划前（2015—2020年）")), line=dict(color=MUTED, width=2), marker=dict(size=6, symbol="circle-open"),
            hovertext=[year_label(y) + f"<br>{fmt(v)}" for y, v in zip(h["year"], h["value"])], hoverinfo="text"))

    for plan, earlier in earlier_plans:
        if not len(earlier):
            continue
        e = earlier.sort_values("year")
        plan_name = _(plan.name) if _english() else plan.name  # a plan's English name from the catalogue
        name = _("%(plan)s（%(start)s—%(end)s年）审核数") % {"plan": plan_name, "start": plan.start_year,
                                                       "end": plan.end_year}
        fig.add_trace(go.Scatter(
            x=list(e["year"].astype(float)), y=list(e["value"]), mode="lines+markers", name=esc(name),
            line=dict(color=MUTED, width=2, dash="dot"), marker=dict(size=7, symbol="square-open"),
            hovertext=[esc(plan_name) + "<br>" + _("%(y)s年") % {"y": int(y)} + f"<br>{fmt(v)}"
                       for y, v in zip(e["year"], e["value"])], hoverinfo="text"))

    p = periods.copy() if periods is not None else pd.DataFrame()
    if len(p):
        p = p.sort_values(["year", "quarter"])
        p["x"] = [period_date(y, q) for y, q in zip(p["year"], p["quarter"])]
        # a demo figure says so wherever its value shows (演示)
        demo = list(p["demo"]) if "demo" in p else [False] * len(p)
        labels = [esc(label) + (f" · {esc(demo_word())}" if _yes(d) else "") for label, d in zip(p["label"], demo)]
        if measure == "qualitative":
            years = [f"{int(y):04d}-07-01" for y in p["year"]]
            fig.add_trace(go.Bar(x=years, y=list(p["value"]), name=esc(_("实际完成")),
                                 marker=dict(color=BRAND), width=180 * DAY_MS,
                                 hovertext=[f"{lab}<br>" + esc(_("实际")) + f" {fmt(v)}" for lab, v in zip(labels, p["value"])],
                                 hoverinfo="text"))
            if "target_value" in p:
                # an assigned amount entered as demo data (load_demo) says so in the legend and its hover text
                target_demo = [_yes(d) for d in p["target_demo"]] if "target_demo" in p else [False] * len(p)
                name = _("省下达目标（演示）") if any(target_demo) else _("省下达目标")
                fig.add_trace(go.Scatter(
                    x=years, y=list(p["target_value"]), mode="markers",
                    name=esc(name), marker=dict(symbol="line-ew-open", size=28, line=dict(width=3, color=INK)),
                    hovertext=[f"{lab}<br>" + esc(_("省下达")) + f" {fmt(v)}" + (f" · {esc(demo_word())}" if d else "")
                               for lab, v, d in zip(labels, p["target_value"], target_demo)],
                    hoverinfo="text"))
            return fig
        if measure in ("flow", "rate"):
            bar_name = _("季度累计值（1—3月…1—12月）") if measure == "flow" else _("当年累计增速（同比）")
            fig.add_trace(go.Bar(
                x=list(p["x"]), y=list(p["value"]), name=esc(bar_name), width=70 * DAY_MS,
                marker=dict(color="#9fc3e7", line=dict(color=BRAND, width=1)),
                hovertext=[f"{lab}<br>{fmt(v)}" for lab, v in zip(labels, p["value"])], hoverinfo="text"))
            annual = p[(p["quarter"] == 4) & p["annual_value"].notna()]
            annual_name = _("全年值") if measure == "flow" else _("规划期年均增速")
            fig.add_trace(go.Scatter(
                x=list(annual["x"]), y=list(annual["annual_value"]), mode="lines+markers",
                name=esc(annual_name), line=dict(color=BRAND, width=3), marker=dict(size=8),
                hovertext=[year_label(y) + f"<br>{fmt(v)}" for y, v in zip(annual["year"], annual["annual_value"])],
                hoverinfo="text"))
            last = p.iloc[-1]
            if int(last["quarter"]) != 4 and _num(last["annual_value"]) is not None:
                fig.add_trace(go.Scatter(
                    x=[period_date(last["year"], 4)], y=[last["annual_value"]], mode="markers",
                    name=esc(_("全年暂估")), marker=dict(size=10, color="#ffffff", line=dict(color=BRAND, width=2)),
                    hovertext=[f"{esc(last['label'])}<br>" + esc(_("全年暂估")) + f" {fmt(last['annual_value'])}"],
                    hoverinfo="text"))
        else:
            fig.add_trace(go.Scatter(
                x=list(p["x"]), y=list(p["value"]), mode="lines+markers", name=esc(_("季末值")),
                line=dict(color=BRAND, width=3), marker=dict(size=6),
                hovertext=[f"{lab}<br>{fmt(v)}" for lab, v in zip(labels, p["value"])], hoverinfo="text"))

    b, vb, T, vT = _num(baseline_year), _num(baseline_value), _num(target_year), _num(target_value)
    r = _num(cagr_required)
    note = _paren(baseline_note) if baseline_note else ""
    if T is not None and vT is not None:
        if measure == "rate" and b is not None:
            fig.add_trace(go.Scatter(x=[time_date(b), time_date(T)], y=[vT, vT], mode="lines",
                                     name=esc(_("目标（年均增速）")), line=dict(color=INK, dash="dot", width=2),
                                     hoverinfo="text", hovertext=[fmt(vT)] * 2))
        elif b is not None and vb is not None and r is not None:
            xs, ys = _growth_path(b, vb, r, T)
            fig.add_trace(go.Scatter(
                x=[time_date(x) for x in xs], y=ys, mode="lines", name=esc(_("基期→目标路径") + note),
                line=dict(color=INK, dash="dot", width=2),
                hovertext=[year_label(x) + " " + esc(_("路径")) + "<br>" + (
                    esc(baseline_printed) if x == b and baseline_printed else
                    esc(target_printed) if x == T and target_printed else fmt(y)) for x, y in zip(xs, ys)],
                hoverinfo="text"))
        fig.add_trace(go.Scatter(
            x=[time_date(T)], y=[vT], mode="markers", name=esc(_("目标")), marker=dict(symbol="star", size=16, color=INK),
            hovertext=[year_label(T) + " " + esc(_("目标")) + "<br>" + (esc(target_printed) or fmt(vT))],
            hoverinfo="text"))

    latest = latest or {}
    lt, lv, proj = _num(latest.get("t")), _num(latest.get("annual_value")), _num(latest.get("projection"))
    ga = _num(latest.get("cagr_actual"))
    final = bool(latest.get("is_final")) if latest.get("is_final") is not None else False
    if T is not None and lt is not None and lv is not None and proj is not None and lt < T and not final:
        if measure == "rate":
            xs, ys = [lt, T], [lv, proj]
        elif ga is not None:
            xs, ys = _growth_path(lt, lv, ga, T)
        else:
            xs, ys = [lt, T], [lv, proj]
        fig.add_trace(go.Scatter(
            x=[time_date(x) for x in xs], y=ys, mode="lines", name=esc(_("按当前增速预测")),
            line=dict(color="#b42318", dash="dash", width=2),
            hovertext=[esc(_("预测")) + f" {esc(time_date(x)[:7])}<br>{fmt(y)}" for x, y in zip(xs, ys)],
            hoverinfo="text"))
        fig.add_trace(go.Scatter(
            x=[time_date(T)], y=[proj], mode="markers", showlegend=False, marker=dict(symbol="diamond-open", size=12,
                                                                                 color="#b42318", line=dict(width=2)),
            hovertext=[year_label(T) + " " + esc(_("预测")) + f"<br>{fmt(proj)}"], hoverinfo="text"))
    return fig


# ------------------------------------------------------------------------------------------------ districts


def district_bars(df: pd.DataFrame, *, metric: str = "completion", unit: str = "", decimals: int = 2,
                  time_share=None, highlight: str | None = None) -> go.Figure:
    """Districts sorted best first, each bar coloured by its light and labelled with icon and word.

    df: code, name, value, completion, light. metric: "completion" (percent of the way from baseline to
    target, with the time share as a line) or "value".
    """
    column = "completion" if metric == "completion" else "value"
    d = df.copy()
    d["_y"] = pd.to_numeric(d[column], errors="coerce") * (100 if column == "completion" else 1)
    d = d.sort_values("_y", ascending=False, na_position="last").reset_index(drop=True)
    n = len(d)
    fig = go.Figure(layout=_layout(
        height=max(180, 34 * n + 90), showlegend=False, margin=dict(l=10, r=40, t=30, b=10),
        xaxis=_axis(title=dict(text=esc(_("完成进度（%）") if column == "completion" else unit_word(unit))),
                    ticksuffix=""),
        yaxis=_axis(autorange="reversed", showgrid=False, type="category")))
    if not n:
        return fig
    shown_names = local_names(d)
    names = [("▶ " if code == highlight else "") + esc(name) for code, name in zip(d["code"], shown_names)]
    keys = [light_key(x) for x in d["light"]]
    words = list(d["status_label"]) if "status_label" in d else [""] * n
    shown = [("—" if math.isnan(y) else (f"{y:.1f}%" if column == "completion" else value_text(y, unit, decimals)))
             for y in d["_y"]]
    demo = list(d["demo"]) if "demo" in d else [False] * n
    hover = [f"{esc(name)}<br>" + esc(_("完成进度")) + f" {esc(pct_text(c))}<br>{esc(value_text(v, unit, decimals))}"
             + (f" · {esc(demo_word())}" if _yes(m) else "") + f"<br>{esc(light_badge(k))} {esc(w)}"
             for name, c, v, k, w, m in zip(shown_names, d["completion"], d["value"], keys, words, demo)]
    finite = [y for y in d["_y"] if not math.isnan(y)]
    top = max(finite + [100.0 if column == "completion" else 0.0, (_num(time_share) or 0) * 100])
    low = min(finite + [0.0])
    fig.update_xaxes(range=[low * 1.1, top * 1.3 if top > 0 else 1])
    fig.add_trace(go.Bar(
        x=[0 if math.isnan(y) else y for y in d["_y"]], y=names, orientation="h",
        marker=dict(color=[LIGHT_COLOURS[k] for k in keys]),
        text=[f"{LIGHT_ICONS[k]} {esc(light_word(k))} {esc(w)} {esc(s)}".replace("  ", " ")
              for k, w, s in zip(keys, words, shown)],
        textposition="outside", textfont=dict(color=INK), cliponaxis=False, hovertext=hover, hoverinfo="text"))
    ts = _num(time_share)
    if column == "completion" and ts is not None:
        fig.add_vline(x=ts * 100, line=dict(color=INK, dash="dash", width=2))
        fig.add_annotation(x=ts * 100, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=esc(_("时间进度 %(p)s") % {"p": pct_text(ts)}), font=dict(size=13, color=INK))
    return fig


def scorecard_heatmap(df: pd.DataFrame, *, highlight: str | None = None) -> go.Figure:
    """Districts (rows, by rank) × indicators (columns): each cell the light as colour, icon and word.

    df: district_code, district_name, rank, indicator_number, indicator_name, light, status_label, completion.
    """
    if not len(df):
        return empty_figure(_("尚无区县进度数据"))
    d = df.copy()
    d["district_name"] = local_names(d, "district_name")
    rows = (d[["district_code", "district_name", "rank"]].drop_duplicates("district_code")
            .sort_values(["rank", "district_code"]))
    cols = (d[["indicator_number", "indicator_name"]].drop_duplicates("indicator_number")
            .sort_values("indicator_number"))
    cell = {(r.district_code, r.indicator_number): r for r in d.itertuples(index=False)}
    # per-cell texts from lookups made once: a province's scorecard has tens of thousands of cells
    english = _english()
    mark = {k: f"{LIGHT_ICONS[k]}{esc(light_word(k))[:1] if not english else ''}" for k in LIGHT_SCORE}
    badge = {k: esc(light_badge(k)) for k in LIGHT_SCORE}
    no_data, done = esc(_("无数据")), "<br>" + esc(_("完成进度")) + " "
    indicator_text = [(ind.indicator_number, f"{int(ind.indicator_number)}. {esc(ind.indicator_name)}")
                      for ind in cols.itertuples(index=False)]
    y_labels = [("▶ " if r.district_code == highlight else "") + f"{int(r.rank)}. {esc(r.district_name)}"
                if not pd.isna(r.rank) else esc(r.district_name) for r in rows.itertuples(index=False)]
    x_labels = [str(int(n)) for n in cols["indicator_number"]]
    if len(rows) * len(cols) > COMPACT_CELLS:
        return _compact_heatmap(rows, cols, cell, indicator_text, y_labels, x_labels, mark, badge, no_data, done)
    z, text, hover = [], [], []
    for district in rows.itertuples(index=False):
        zr, tr, hr = [], [], []
        name = esc(district.district_name)
        for number, indicator in indicator_text:
            c = cell.get((district.district_code, number))
            key = light_key(c.light) if c is not None else "none"
            zr.append(LIGHT_SCORE[key])
            tr.append(mark[key])
            hr.append(f"{name} · {indicator}<br>{badge[key]} · "
                      + (f"{esc(c.status_label)}{done}{esc(pct_text(c.completion))}" if c is not None else no_data))
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    fig = go.Figure(go.Heatmap(
        z=z, x=x_labels, y=y_labels, zmin=-0.5, zmax=3.5, colorscale=_heat_scale(), showscale=False, xgap=2, ygap=2,
        text=text, texttemplate="%{text}", textfont=dict(color="#ffffff", size=13), hovertext=hover,
        hoverinfo="text"))
    fig.update_layout(_heat_layout(len(rows), 34))
    return fig


COMPACT_CELLS = 1000  # above this (Leshan has 12 × 16 = 192), the scorecard travels as a matrix of codes


def _heat_scale() -> list:
    scale = []
    for i, colour in enumerate(LIGHT_COLOURS[k] for k in ("none", "red", "yellow", "green")):
        scale += [[i / 4, colour], [(i + 1) / 4, colour]]
    return scale


def _heat_layout(n_rows: int, row_height: int) -> go.Layout:
    return _layout(
        height=max(220, row_height * n_rows + 110), margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(side="top", type="category", title=dict(text=esc(_("指标序号"))), fixedrange=True,
                   automargin=True),
        yaxis=dict(autorange="reversed", type="category", fixedrange=True, automargin=True))


def _compact_heatmap(rows, cols, cell, indicator_text, y_labels, x_labels, mark, badge, no_data, done) -> go.Figure:
    """The scorecard of many districts as codes: per cell its light (z), the index of its words (badge · status) in
    a list sent once, and its completion in tenths of a percent; static/js/charts.js rebuilds each cell's mark
    and hover text from them (the same words as the full form: a province's 18,300 cells as text were 2 MB)."""
    words: dict[str, int] = {}
    z, codes, completion = [], [], []
    for district in rows.itertuples(index=False):
        zr, cr, pr = [], [], []
        for number, _indicator in indicator_text:
            c = cell.get((district.district_code, number))
            key = light_key(c.light) if c is not None else "none"
            zr.append(LIGHT_SCORE[key])
            tail = f"{badge[key]} · {esc(c.status_label)}{done}" if c is not None else f"{badge[key]} · {no_data}"
            cr.append(words.setdefault(tail, len(words)))
            share = _num(c.completion) if c is not None else None
            pr.append(None if share is None else int(formatting.rounded(Decimal(repr(share)) * 1000, 0)))
        z.append(zr)
        codes.append(cr)
        completion.append(pr)
    fig = go.Figure(go.Heatmap(
        z=z, x=x_labels, y=y_labels, zmin=-0.5, zmax=3.5, colorscale=_heat_scale(), showscale=False, xgap=1, ygap=1,
        hoverinfo="text", meta={"scorecard": {
            "words": list(words), "codes": codes, "completion": completion, "done": done,
            "marks": {str(LIGHT_SCORE[k]): m for k, m in mark.items()},
            "indicators": [text for _number, text in indicator_text],
            "districts": [esc(name) for name in rows["district_name"]]}}))
    fig.update_layout(_heat_layout(len(rows), 16))
    return fig


# ------------------------------------------------------------------------------------------------ map


def _ring_centroid(ring):
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        xs, ys = zip(*ring)
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * area), cy / (3 * area), abs(area) / 2


def feature_centroids(geojson: dict, key: str = "code") -> dict[str, tuple[float, float]]:
    """Label points: the centroid of each feature's largest outer ring (winding ignored)."""
    out = {}
    for feature in geojson.get("features", []):
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        best = max((_ring_centroid(poly[0]) for poly in polygons), key=lambda c: c[2])
        out[feature["properties"][key]] = (best[0], best[1])
    return out


def choropleth(df: pd.DataFrame, geojson: dict, *, color_by: str = "light", unit: str = "", decimals: int = 2,
               points: dict | None = None, title: str = "", names: dict | None = None) -> go.Figure:
    """Leshan's counties coloured by value, completion or light; units without a polygon (高新区) as marked points.

    df: code, name, value, completion, light (one row per district with data; missing districts stay grey).
    geojson: FeatureCollection with properties.code. points: {code: {"lon", "lat", "name"}}. names: {code: name} of
    every district in the page's language (for those without a row and the points; the rows' own name / name_en
    otherwise): on English pages no Chinese name reaches the map.
    """
    d = df.copy()
    if len(d):
        d["name"] = local_names(d)
    points = points or {}
    known = names or {}
    polygon_codes = {f["properties"]["code"] for f in geojson.get("features", [])}
    centroids = feature_centroids(geojson)
    names = {f["properties"]["code"]: known.get(f["properties"]["code"]) or f["properties"].get("name", "")
             for f in geojson.get("features", [])}
    rows = {r["code"]: r for r in d.to_dict("records")}

    def measure_of(row):
        if row is None:
            return None
        if color_by == "light":
            return LIGHT_SCORE[light_key(row.get("light"))]
        if color_by == "completion":
            c = _num(row.get("completion"))
            return None if c is None else c * 100
        return _num(row.get("value"))

    def label_of(code, row):
        name = row.get("name") if row else names.get(code, code)
        if row is None:
            return esc(map_label(name)), f"{esc(name)}<br>" + esc(_("无数据"))
        key = light_key(row.get("light"))
        shown = (pct_text(row.get("completion")) if color_by == "completion"
                 else value_text(row.get("value"), unit, decimals))
        short = f"{esc(map_label(name))}<br>{LIGHT_ICONS[key]} {esc(light_word(key))}" if color_by == "light" \
            else f"{esc(map_label(name))}<br>{esc(shown)}"
        word = row.get("status_label") or ""
        hover = (f"{esc(name)}<br>{esc(value_text(row.get('value'), unit, decimals))}"
                 + (f" · {esc(demo_word())}" if _yes(row.get("demo")) else "")
                 + "<br>" + esc(_("完成进度")) + f" {esc(pct_text(row.get('completion')))}<br>{esc(light_badge(key))}"
                 + (f" {esc(word)}" if isinstance(word, str) and word else ""))
        return short, hover

    if color_by == "light":
        colours = [LIGHT_COLOURS[k] for k in ("none", "red", "yellow", "green")]
        scale = []
        for i, colour in enumerate(colours):
            scale += [[i / 4, colour], [(i + 1) / 4, colour]]
        zmin, zmax = -0.5, 3.5
        colorbar = dict(tickvals=[0, 1, 2, 3], ticktext=[esc(light_badge(k)) for k in ("none", "red", "yellow", "green")],
                        title=dict(text=esc(_("灯号"))), len=0.6, thickness=16)
    elif color_by == "completion":
        # PROGRESS.md §3a: the scale stops at 0% and 150%, so one outlier never washes out every other district;
        # the value itself is still shown on the label and in the hover
        scale = [[0, "#e8f1fa"], [1, "#4a86c5"]]
        zmin, zmax = COMPLETION_SCALE
        colorbar = dict(title=dict(text=esc(_("完成进度（%）"))), len=0.6, thickness=16,
                        tickvals=[0, 50, 100, 150], ticktext=["≤0%", "50%", "100%", "≥150%"])
    else:
        scale = [[0, "#e8f1fa"], [1, "#4a86c5"]]
        values = [m for m in (measure_of(rows.get(c)) for c in rows) if m is not None]
        zmin, zmax = (min(values), max(values)) if values else (0, 1)
        if zmin == zmax:
            zmin, zmax = zmin - 1, zmax + 1
        colorbar = dict(title=dict(text=esc(unit_word(unit))), len=0.6, thickness=16)

    # the shapes travel with their code only: the boundary file's Chinese names never reach an English page's JSON
    geojson = {**geojson, "features": [{**f, "properties": {"code": f["properties"]["code"]}}
                                       for f in geojson.get("features", [])]}
    codes = sorted(polygon_codes)
    z_all = [measure_of(rows.get(c)) for c in codes]
    has = [c for c, z in zip(codes, z_all) if z is not None]
    missing = [c for c, z in zip(codes, z_all) if z is None]
    fig = go.Figure(layout=_layout(height=560, margin=dict(l=0, r=0, t=10, b=0), showlegend=False))
    if missing:
        fig.add_trace(go.Choropleth(
            geojson=geojson, featureidkey="properties.code", locations=missing, z=[0] * len(missing),
            colorscale=[[0, "#f0f2f4"], [1, "#f0f2f4"]], showscale=False, marker=dict(line=dict(color="#8c959f", width=1)),
            hovertext=[label_of(c, None)[1] for c in missing], hoverinfo="text"))
    if has:
        fig.add_trace(go.Choropleth(
            geojson=geojson, featureidkey="properties.code", locations=has, z=[measure_of(rows[c]) for c in has],
            zmin=zmin, zmax=zmax, colorscale=scale, colorbar=colorbar, marker=dict(line=dict(color="#ffffff", width=1.5)),
            hovertext=[label_of(c, rows[c])[1] for c in has], hoverinfo="text"))
    # dark fills (lights) take white labels, the pale value scale dark ones; both pass 4.5:1
    on_dark = color_by == "light"
    label_font = dict(size=12, color="#ffffff" if on_dark else INK,
                      shadow="0px 0px 3px #1b1f24" if on_dark else "0px 0px 3px #ffffff")
    label_codes = [c for c in codes if c in centroids]
    positions = {}
    for c in label_codes:
        lon, lat = centroids[c]
        if any(abs(p["lon"] - lon) < 0.08 and abs(p["lat"] - lat) < 0.08 for p in points.values()):
            lat += 0.08  # keep the county's label clear of a marked point inside it
        positions[c] = (lon, lat)
    fig.add_trace(go.Scattergeo(
        lon=[positions[c][0] for c in label_codes], lat=[positions[c][1] for c in label_codes], mode="text",
        text=[label_of(c, rows.get(c))[0] for c in label_codes], hoverinfo="skip", textfont=label_font))
    for code, point in points.items():
        row = rows.get(code)
        z = measure_of(row)
        if row is None:
            name = known.get(code) or point.get("name", code)
            short, hover = esc(name), f"{esc(name)}<br>" + esc(_("无数据"))
        else:
            short, hover = label_of(code, row)
        marker = dict(symbol="star", size=22, line=dict(color=INK, width=1.5))
        if z is not None:
            marker.update(color=[z], colorscale=scale, cmin=zmin, cmax=zmax)
        else:
            marker.update(color="#f0f2f4")
        fig.add_trace(go.Scattergeo(
            lon=[point["lon"]], lat=[point["lat"]], mode="markers+text", text=[short], textposition="bottom center",
            textfont=label_font, marker=marker,
            hovertext=[hover + "<br>" + esc(_("标注点（非行政区，位于市中区内）"))], hoverinfo="text"))
    fig.update_geos(fitbounds="locations", visible=False, projection=dict(type="mercator"), bgcolor="#ffffff")
    return fig


# ------------------------------------------------------------------------------------------------ projects


def projects_by_district(df: pd.DataFrame) -> go.Figure:
    """Stacked bars: how many projects each district has, by status. df: district, status_label, count."""
    if not len(df):
        return empty_figure(_("规划未列出项目"))
    df = df.assign(district=local_names(df, "district"))
    districts = list(dict.fromkeys(df["district"]))
    statuses = list(dict.fromkeys(df["status_label"]))
    palette = ["#0b4f8a", "#1a7f37", "#8a6100", "#6f42c1", "#57606a", "#b42318"]
    fig = go.Figure(layout=_layout(
        height=max(220, 30 * len(districts) + 110), barmode="stack", legend=_legend(),
        xaxis=_axis(title=dict(text=esc(_("项目数"))), dtick=1),
        yaxis=_axis(autorange="reversed", type="category", showgrid=False)))
    for i, status in enumerate(statuses):
        part = df[df["status_label"] == status].set_index("district")["count"]
        counts = [int(part.get(d, 0)) for d in districts]
        fig.add_trace(go.Bar(
            y=[esc(d) for d in districts], x=counts, orientation="h", name=esc(status),
            marker=dict(color=palette[i % len(palette)]),
            hovertext=[f"{esc(d)} · {esc(status)}: {c}" for d, c in zip(districts, counts)], hoverinfo="text"))
    return fig


def project_timeline(milestones: pd.DataFrame, *, today: date) -> go.Figure:
    """Milestones on a time line, one row per project: done (●), due later (○), overdue (✕).

    milestones: project, title, due_date, done_date.
    """
    if not len(milestones):
        return empty_figure(_("尚未录入里程碑"))
    m = milestones.copy()
    m["due_date"] = pd.to_datetime(m["due_date"])
    m["done_date"] = pd.to_datetime(m["done_date"])
    now = pd.Timestamp(today)
    projects = list(dict.fromkeys(m["project"]))
    fig = go.Figure(layout=_layout(
        height=max(220, 36 * len(projects) + 120), legend=_legend(), hovermode="closest",
        xaxis=_axis(type="date"), yaxis=_axis(autorange="reversed", type="category", showgrid=False)))
    for project in projects:
        rows = m[m["project"] == project]
        dates = list(rows["done_date"].fillna(rows["due_date"])) + list(rows["due_date"])
        fig.add_trace(go.Scatter(x=[min(dates), max(dates)], y=[esc(project)] * 2, mode="lines", showlegend=False,
                                 line=dict(color=LINE, width=6), hoverinfo="skip"))
    states = {
        "done": (_("已完成"), "circle", LIGHT_COLOURS["green"]),
        "due": (_("未到期"), "circle-open", BRAND),
        "overdue": (_("已逾期"), "x", LIGHT_COLOURS["red"]),
    }
    m["state"] = ["done" if not pd.isna(done) else ("overdue" if due < now else "due")
                  for done, due in zip(m["done_date"], m["due_date"])]
    for state, (label, symbol, colour) in states.items():
        rows = m[m["state"] == state]
        if not len(rows):
            continue
        x = list(rows["done_date"].fillna(rows["due_date"]))
        fig.add_trace(go.Scatter(
            x=x, y=[esc(p) for p in rows["project"]], mode="markers", name=esc(label),
            marker=dict(symbol=symbol, size=13, color=colour, line=dict(width=2, color=colour)),
            hovertext=[f"{esc(p)}<br>{esc(t)}<br>" + esc(_("计划")) + f" {d.date()}"
                       + ("<br>" + esc(_("完成")) + f" {dd.date()}" if not pd.isna(dd) else "")
                       for p, t, d, dd in zip(rows["project"], rows["title"], rows["due_date"], rows["done_date"])],
            hoverinfo="text"))
    fig.add_vline(x=now.timestamp() * 1000, line=dict(color=INK, dash="dot", width=1.5))
    fig.add_annotation(x=now.timestamp() * 1000, y=1, yref="paper", yanchor="bottom", showarrow=False,
                       text=esc(_("今天")), font=dict(size=12, color=INK))
    return fig


def investment_bars(df: pd.DataFrame) -> go.Figure:
    """Planned vs completed investment per project, the completed bar coloured and labelled by its light.

    df: project, planned, completed, light.
    """
    if not len(df):
        return empty_figure(_("尚未录入投资"))
    d = df.copy()
    names = [esc(p) for p in d["project"]]
    keys = [light_key(x) for x in d["light"]]
    fig = go.Figure(layout=_layout(
        height=max(220, 52 * len(d) + 110), barmode="group", legend=_legend(),
        xaxis=_axis(title=dict(text=esc(unit_word("亿元")))),
        yaxis=_axis(autorange="reversed", type="category", showgrid=False)))
    fig.add_trace(go.Bar(y=names, x=list(d["planned"]), orientation="h", name=esc(_("计划投资")),
                         marker=dict(color="#ffffff", line=dict(color=INK, width=1.5)),
                         hovertext=[f"{n}<br>" + esc(_("计划投资")) + f" {esc(value_text(v, '亿元'))}"
                                    for n, v in zip(names, d["planned"])], hoverinfo="text"))
    fig.add_trace(go.Bar(y=names, x=list(d["completed"]), orientation="h", name=esc(_("完成投资")),
                         marker=dict(color=[LIGHT_COLOURS[k] for k in keys]),
                         text=[f"{LIGHT_ICONS[k]} {esc(light_word(k))}" for k in keys], textposition="outside",
                         textfont=dict(color=INK), cliponaxis=False,
                         hovertext=[f"{n}<br>" + esc(_("完成投资")) + f" {esc(value_text(v, '亿元'))}<br>{esc(light_badge(k))}"
                                    for n, v, k in zip(names, d["completed"], keys)], hoverinfo="text"))
    return fig
