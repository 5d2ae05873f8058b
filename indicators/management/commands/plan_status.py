"""Each indicator of the current plan: baseline, target, latest approved figure and its progress."""
import json

from django.core.management.base import BaseCommand, CommandError

from indicators.figures import formatting
from indicators.figures import selectors as figures
from indicators.progress import selectors as progress_reads
from indicators.progress.maths import STATUS_LABELS_ZH


def _num(value):
    return None if value is None else float(value)


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
                          f" {STATUS_LABELS_ZH.get(p['status'], p['status'])}"
                          f" C={formatting.percent(p['completion'])} τ={formatting.percent(p['time_share'])}")
            self.stdout.write(f"{r['number']:>2}. {r['name']} [{r['unit']}] 基期 {baseline} → 目标 {r['target_text']}"
                              f" ({r['target_kind']}) · 最新 {latest}")

    def rows(self, plan_code):
        from districts.models import Plan

        plan = Plan.objects.filter(code=plan_code).first() if plan_code else figures.current_plan()
        if plan is None:
            raise CommandError("no plan loaded: python manage.py load_plan")
        progress = progress_reads.latest_city_progress(plan)
        gaps = figures.target_decompositions(plan)
        out = []
        for group in progress_reads.overview(plan):
            for item in group["indicators"]:
                ind, p = item["indicator"], progress.get(item["indicator"].id)
                out.append({
                    "number": ind.number, "name": ind.name, "unit": ind.unit, "measure": ind.measure,
                    "pillar": ind.pillar.name,
                    "baseline_year": ind.baseline_year, "baseline_value": _num(ind.baseline_value),
                    "baseline_text": ind.baseline_text,
                    "target_year": ind.target_year, "target_value": _num(ind.target_value),
                    "target_text": ind.target_text, "target_kind": ind.target_kind,
                    "district_targets": gaps.get(ind.id),
                    "latest": None if p is None else {
                        "year": p.year, "quarter": p.quarter, "period": formatting.quarter_label(p.year, p.quarter),
                        "value": p.annual_value, "is_provisional": p.is_provisional,
                        "completion": p.completion, "time_share": p.time_share, "cagr_actual": p.cagr_actual,
                        "cagr_required": p.cagr_required, "ratio": p.ratio, "status": p.status, "reason": p.reason,
                        "light": p.light or None, "projection": p.projection, "still_needed": p.still_needed,
                        "computed_at": p.computed_at.isoformat()},
                })
        return sorted(out, key=lambda r: r["number"])


def _dumps(rows):
    return json.dumps(rows, ensure_ascii=False, indent=2)
