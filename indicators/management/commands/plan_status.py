"""Each indicator of the current plan: baseline, target, latest approved figure and its progress, and the plan's
final verdict (已完成 / 基本完成 / 未完成) once the target year's annual figure is in."""
import json

from django.core.management.base import BaseCommand, CommandError

from indicators.figures import formatting
from indicators.figures import selectors as figures
from indicators.models import Progress
from indicators.progress import selectors as progress_reads
from indicators.progress.maths import (
    FINAL_STATUS_LABELS_ZH,
    STATUS_LABELS_ZH,
    STATUS_LIGHTS,
)

LIGHT_ZH = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}


def _num(value):
    return None if value is None else float(value)


def status_label(p: dict) -> str:
    labels = FINAL_STATUS_LABELS_ZH if p["is_final"] else STATUS_LABELS_ZH
    return labels.get(p["status"], p["status"])


def _shortfall(value, unit: str, decimals: int) -> str:
    """差 48.44 亿元; a percentage in 个百分点."""
    if unit == "%":
        return f"差 {formatting.number(value, decimals)} 个百分点"
    return f"差 {formatting.with_unit(value, unit, decimals)}"


def _row(p: Progress) -> dict:
    return {
        "year": p.year, "quarter": p.quarter, "period": formatting.quarter_label(p.year, p.quarter),
        "value": p.annual_value, "is_provisional": p.is_provisional,
        "completion": p.completion, "time_share": p.time_share, "cagr_actual": p.cagr_actual,
        "cagr_required": p.cagr_required, "ratio": p.ratio, "status": p.status, "reason": p.reason,
        # the colour of the status: a row stored before the light followed the status is not believed
        "light": STATUS_LIGHTS.get(p.status), "projection": p.projection, "still_needed": p.still_needed,
        "is_final": p.is_final, "shortfall": p.shortfall, "target_share": p.target_share,
        "computed_at": p.computed_at.isoformat()}


class Command(BaseCommand):
    help = "Print every indicator's baseline, target, latest figure and progress (--json for machines)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON (keys documented in README.md)")
        parser.add_argument("--plan", help="plan code (default: the current plan)")

    def handle(self, *args, json: bool = False, plan=None, **options):
        rows = self.rows(plan)
        if json:
            self.stdout.write(_dumps(rows))
            return
        for r in rows:
            baseline = (f"{r['baseline_year']} {formatting.with_unit(r['baseline_value'], r['unit'])}"
                        if r["baseline_value"] is not None else r["baseline_text"])
            latest = "—"
            if r["latest"]:
                p = r["latest"]
                latest = (f"{formatting.with_unit(p['value'], r['unit'])} ({p['period']})"
                          f" {status_label(p)} {LIGHT_ZH.get(p['light'], '无灯')}"
                          f" C={formatting.percent(p['completion'])} τ={formatting.percent(p['time_share'])}")
            line = (f"{r['number']:>2}. {r['name']} [{r['unit']}] 基期 {baseline} → 目标 {r['target_text']}"
                    f" ({r['target_kind']}) · 最新 {latest}")
            final = r["final"]
            if final and final is not r["latest"]:
                line += f" · 终期 {formatting.with_unit(final['value'], r['unit'])} ({final['period']})"
            if final:
                line += f" · 规划终期结论 {status_label(final)} {LIGHT_ZH.get(final['light'], '无灯')}"
                if final["shortfall"]:
                    line += f"，{_shortfall(final['shortfall'], r['unit'], r['decimals'])}"
                if final["target_share"] is not None:
                    line += f"，完成目标的 {formatting.percent(final['target_share'])}"
            self.stdout.write(line)

    def rows(self, plan_code):
        from districts.models import Plan

        plan = Plan.objects.filter(code=plan_code).first() if plan_code else figures.current_plan()
        if plan is None:
            raise CommandError("no plan loaded: python manage.py load_plan")
        progress = progress_reads.latest_city_progress(plan)
        finals = {p.indicator_id: p for p in Progress.objects.filter(
            indicator__plan=plan, scope="city", basis=Progress.Basis.LATEST, is_final=True)}
        gaps = figures.target_decompositions(plan)
        out = []
        for group in progress_reads.overview(plan):
            for item in group["indicators"]:
                ind, p = item["indicator"], progress.get(item["indicator"].id)
                latest = None if p is None else _row(p)
                final = finals.get(ind.id)
                out.append({
                    "number": ind.number, "name": ind.name, "unit": ind.unit, "measure": ind.measure,
                    "pillar": ind.pillar.name, "decimals": ind.decimals,
                    "baseline_year": ind.baseline_year, "baseline_value": _num(ind.baseline_value),
                    "baseline_text": ind.baseline_text,
                    "target_year": ind.target_year, "target_value": _num(ind.target_value),
                    "target_text": ind.target_text, "target_kind": ind.target_kind,
                    "district_targets": gaps.get(ind.id),
                    "latest": latest,
                    "final": None if final is None else (latest if final.pk == p.pk else _row(final)),
                })
        return sorted(out, key=lambda r: r["number"])


def _dumps(rows):
    return json.dumps(rows, ensure_ascii=False, indent=2)
