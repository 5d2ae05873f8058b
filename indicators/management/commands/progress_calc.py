"""Assess one figure against its target from the command line (the what-if calculator, PROGRESS.md §3, §3a).

    python manage.py progress_calc --value 54.5 --baseline 52 --target 56 --year 2023
    python manage.py progress_calc --measure rate --value 7.2 --target 8 --kind about --year 2023 --json
    python manage.py progress_calc --measure qualitative --value 90 --assigned 100 --year 2022
    python manage.py progress_calc --measure flow --value 1251.56 --baseline 890.02 --target 1300 --year 2025 \
        --unit 亿元 --language en

The text is in one language: --language zh-hans (the default, settings.LANGUAGE_CODE) or en. --json keeps full
precision and English keys (the status in both languages as status_zh / status_en, for scripts).
Touches no database: it only calls the pure functions of indicators.progress, with the deployment's thresholds
(settings PROGRESS_*, the engine's own reading) unless an option sets one.
"""
import json

from django.core.management.base import BaseCommand, CommandError

from indicators.progress.config import thresholds as configured_thresholds
from indicators.progress.maths import (
    FINAL_STATUS_LABELS_EN,
    FINAL_STATUS_LABELS_ZH,
    STATUS_LABELS_EN,
    STATUS_LABELS_ZH,
    Thresholds,
    assess,
    assess_qualitative,
    period_time,
)

LEVEL_MEASURES = ("level", "flow", "stock", "share", "index")
THRESHOLD_OPTIONS = ("on_track", "acceleration", "green_margin", "yellow_margin", "default_tolerance",
                     "largely_achieved")
LANGUAGES = ("zh-hans", "en")
# the command runs without the database and, in tests, without the translation catalogues: its words live here
WORDS = {
    "zh-hans": {
        "final": "规划终期结论", "status": "状态", "light": "指示灯", "completion": "完成进度 C",
        "time_share": "时间进度 τ", "behind": "滞后序时进度", "on_schedule": "符合序时进度",
        "cagr_actual": "实际年均增速", "cagr_required": "所需年均增速", "shortfall": "距目标差额",
        "target_share": "目标完成比例", "projection": "预计目标年数值", "still_needed": "今后每年需增长",
        "reason": "原因", "colon": "：", "gap": "   ",
    },
    "en": {
        "final": "Final verdict of the plan", "status": "Status", "light": "Light", "completion": "Completion C",
        "time_share": "time share τ", "behind": "behind schedule", "on_schedule": "on schedule",
        "cagr_actual": "Actual average growth", "cagr_required": "required", "shortfall": "Shortfall",
        "target_share": "share of the target reached", "projection": "Projection to the target year",
        "still_needed": "growth still needed each year", "reason": "Reason", "colon": ": ", "gap": "   ",
    },
}
LIGHT_WORDS = {
    "zh-hans": {"green": "绿灯", "yellow": "黄灯", "red": "红灯", None: "无灯"},
    "en": {"green": "green", "yellow": "yellow", "red": "red", None: "none"},
}
UNITS_EN = {"亿元": "CNY 100 million", "万元": "CNY 10,000", "元": "CNY", "户": "enterprises", "家": "enterprises",
            "个": "", "人": "persons", "项": "items"}


def _pct(x):
    return "—" if x is None else f"{x * 100:.4f}%"


def _fmt(x, digits=6):
    return "—" if x is None else f"{x:.{digits}f}"


def default_language() -> str:
    try:
        from django.conf import settings

        code = settings.LANGUAGE_CODE
    except Exception:  # settings not configured (the command's pure tests): the site's default
        code = "zh-hans"
    return "en" if str(code).lower().startswith("en") else "zh-hans"


def with_unit(x, unit: str, decimals: int, language: str, *, difference: bool = False) -> str:
    """An amount in the indicator's unit as officials write it: 48.44亿元 / 48.44 CNY 100 million, 56.233%; a
    difference of percentages (a shortfall) is in percentage points."""
    if x is None:
        return "—"
    number = f"{x:,.{decimals}f}"
    if unit == "%":
        if not difference:
            return f"{number}%"
        return f"{number}个百分点" if language == "zh-hans" else f"{number} percentage points"
    if language == "zh-hans":
        return number + unit
    return f"{number} {UNITS_EN.get(unit, unit)}".rstrip()


def status_words(a) -> tuple[str, str]:
    """(中文, English) of the status; a final verdict in the plan's end-of-plan words (已完成 / 基本完成 / 未完成)."""
    if a.is_final:
        return FINAL_STATUS_LABELS_ZH[a.status], FINAL_STATUS_LABELS_EN[a.status]
    return STATUS_LABELS_ZH[a.status], STATUS_LABELS_EN[a.status]


def text_lines(a, *, language: str, unit: str = "", decimals: int = 2) -> list[str]:
    """The assessment in one language, a fact a line (the codes of the status and the reason are in --json)."""
    w = WORDS[language]
    zh, en = status_words(a)
    label = lambda key, value: f"{w[key]}{w['colon']}{value}"  # noqa: E731
    schedule = "" if a.behind_schedule is None else w["gap"] + (w["behind"] if a.behind_schedule else w["on_schedule"])
    lines = [
        label("final" if a.is_final else "status", zh if language == "zh-hans" else en),
        label("light", LIGHT_WORDS[language].get(a.light, LIGHT_WORDS[language][None])),
        label("completion", _fmt(a.completion)) + w["gap"] + label("time_share", _fmt(a.time_share)) + schedule,
        label("cagr_actual", _pct(a.cagr_actual)) + w["gap"] + label("cagr_required", _pct(a.cagr_required))
        + w["gap"] + f"R{w['colon']}{_fmt(a.ratio, 4)}",
    ]
    if a.is_final:
        lines.append(label("shortfall", with_unit(a.shortfall, unit, decimals, language, difference=True)) + w["gap"]
                     + label("target_share", _pct(a.target_share)))
    else:
        lines.append(label("projection", with_unit(a.projection, unit, max(decimals, 3), language)
                           if unit else _fmt(a.projection, 3)) + w["gap"] + label("still_needed", _pct(a.still_needed)))
    if a.reason:
        reason = a.reason_text_zh if language == "zh-hans" else a.reason_text_en
        lines.append(label("reason", reason))
    return lines


class Command(BaseCommand):
    help = "Assess one figure against its target (completion, time share, growth ratio, status, light)."
    requires_system_checks = []  # pure arithmetic: no models, no database

    def add_arguments(self, parser):
        parser.add_argument("--measure", default="level", choices=LEVEL_MEASURES + ("rate", "qualitative"),
                            help="level (or flow/stock/share/index), rate (value = average growth in %%), "
                                 "qualitative (value = actual amount vs --assigned)")
        parser.add_argument("--value", type=float, required=True,
                            help="the figure at t (rate: average annual growth in percent)")
        parser.add_argument("--baseline", type=float, help="value in the base year (ignored for rates)")
        parser.add_argument("--target", type=float, help="target value (rate: target rate in percent)")
        parser.add_argument("--assigned", type=float, help="qualitative: the province's assigned amount")
        parser.add_argument("--base-year", type=int, default=2020)
        parser.add_argument("--target-year", type=int, default=2025)
        parser.add_argument("--t", type=float, help="the figure's time as a float year (overrides --year/--quarter)")
        parser.add_argument("--year", type=int, help="year of the figure")
        parser.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), default=4,
                            help="quarter of the figure: a stock/share/index at the end of Q2 2023 is t = 2022.5; "
                                 "a flow, rate or qualitative amount before Q4 is a provisional in-year figure")
        parser.add_argument("--target-kind", "--kind", dest="kind", default="at_least",
                            choices=("at_least", "about", "more_than"),
                            help="target kind: plain number, 左右, or ＞")
        parser.add_argument("--tolerance", type=float, help="for 左右: a fraction of the target (default 0.05)")
        parser.add_argument("--lower-is-better", action="store_true")
        for name in THRESHOLD_OPTIONS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=float, default=None,
                                help=f"default: the deployment's setting PROGRESS_{name.upper()}")
        parser.add_argument("--unit", default="", help="the indicator's unit, e.g. 亿元 or %% (for the shortfall)")
        parser.add_argument("--decimals", type=int, default=2, help="decimals of the shortfall (the indicator's)")
        parser.add_argument("--language", choices=LANGUAGES, default=None,
                            help="language of the text: zh-hans or en (default: settings.LANGUAGE_CODE)")
        parser.add_argument("--json", action="store_true",
                            help="print the assessment as JSON (full precision, English keys)")

    def handle(self, *args, **o):
        measure = o["measure"]
        if o["t"] is not None:
            t = o["t"]
        elif o["year"] is not None:
            kind = "stock" if measure == "level" else measure
            t = period_time(o["year"], o["quarter"], kind)
        else:
            raise CommandError("give --year (and --quarter) or --t")
        # an in-year flow, rate or qualitative amount is a provisional annual estimate: never a final verdict
        provisional = measure in ("flow", "rate", "qualitative") and o["t"] is None and o["quarter"] < 4
        configured = configured_thresholds()
        thresholds = Thresholds(**{name: getattr(configured, name) if o[name] is None else o[name]
                                   for name in THRESHOLD_OPTIONS})

        if measure == "qualitative":
            a = assess_qualitative(actual=o["value"], assigned=o["assigned"], year=o["year"] or int(t),
                                   base_year=o["base_year"], target_year=o["target_year"], provisional=provisional,
                                   thresholds=thresholds)
        else:
            try:
                a = assess(value=o["value"], baseline=o["baseline"], target=o["target"],
                           base_year=o["base_year"], target_year=o["target_year"], t=t,
                           higher_is_better=not o["lower_is_better"], target_kind=o["kind"],
                           tolerance=o["tolerance"], measure="rate" if measure == "rate" else "level",
                           provisional=provisional, thresholds=thresholds)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc

        if o["json"]:
            zh, en = status_words(a)
            self.stdout.write(json.dumps({**a.as_dict(rounded=False), "status_zh": zh, "status_en": en},
                                         ensure_ascii=False, sort_keys=True))
            return
        language = o["language"] or default_language()
        self.stdout.write("\n".join(text_lines(a, language=language, unit=o["unit"].strip(),
                                               decimals=max(0, o["decimals"]))))
