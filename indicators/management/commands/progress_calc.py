"""Assess one figure against its target from the command line (the what-if calculator, PROGRESS.md §3, §3a).

    python manage.py progress_calc --value 54.5 --baseline 52 --target 56 --year 2023
    python manage.py progress_calc --measure rate --value 7.2 --target 8 --kind about --year 2023 --json
    python manage.py progress_calc --measure qualitative --value 90 --assigned 100 --year 2022

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
LIGHT_WORDS = {"green": "绿灯 green", "yellow": "黄灯 yellow", "red": "红灯 red"}


def _pct(x):
    return "—" if x is None else f"{x * 100:.4f}%"


def _fmt(x, digits=6):
    return "—" if x is None else f"{x:.{digits}f}"


def status_words(a) -> tuple[str, str]:
    """(中文, English) of the status; a final verdict in the plan's end-of-plan words (已完成 / 基本完成 / 未完成)."""
    if a.is_final:
        return FINAL_STATUS_LABELS_ZH[a.status], FINAL_STATUS_LABELS_EN[a.status]
    return STATUS_LABELS_ZH[a.status], STATUS_LABELS_EN[a.status]


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
        parser.add_argument("--target-kind", "--kind", dest="kind", default="at_least", choices=("at_least", "about", "more_than"),
                            help="target kind: plain number, 左右, or ＞")
        parser.add_argument("--tolerance", type=float, help="for 左右: a fraction of the target (default 0.05)")
        parser.add_argument("--lower-is-better", action="store_true")
        for name in THRESHOLD_OPTIONS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=float, default=None,
                                help=f"default: the deployment's setting PROGRESS_{name.upper()}")
        parser.add_argument("--json", action="store_true", help="print the assessment as JSON (full precision)")

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

        zh, en = status_words(a)
        if o["json"]:
            self.stdout.write(json.dumps({**a.as_dict(rounded=False), "status_zh": zh, "status_en": en},
                                         ensure_ascii=False, sort_keys=True))
            return
        lines = [
            f"{'规划终期结论 final verdict' if a.is_final else '状态 status'}: {zh} / {en} ({a.status})",
            f"指示灯 light: {LIGHT_WORDS.get(a.light, '无灯 none')}",
            f"完成进度 completion C: {_fmt(a.completion)}   时间进度 time share τ: {_fmt(a.time_share)}"
            + ("" if a.behind_schedule is None else ("   滞后 behind" if a.behind_schedule else "   序时 on schedule")),
            f"实际年均增速 actual growth: {_pct(a.cagr_actual)}   所需年均增速 required: {_pct(a.cagr_required)}"
            f"   R: {_fmt(a.ratio, 4)}",
        ]
        if a.is_final:
            lines.append(f"距目标差额 shortfall: {_fmt(a.shortfall, 4)}   目标完成比例 share of the target reached: "
                         f"{_pct(a.target_share)}")
        else:
            lines.append(f"预计目标年 projection: {_fmt(a.projection, 3)}   今后每年需增长 still needed: "
                         f"{_pct(a.still_needed)}")
        if a.reason:
            lines.append(f"原因 reason: {a.reason_text_zh} / {a.reason_text_en} ({a.reason})")
        self.stdout.write("\n".join(lines))
