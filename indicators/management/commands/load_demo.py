from django.core.management.base import BaseCommand, CommandError

from districts.models import Plan
from indicators.figures.selectors import current_plan
from indicators.loaders.demo import demo_load
from projects.demo import register_demo_load


class Command(BaseCommand):
    help = ("Write plausible, deterministic demo figures 2021–2025 (marked 演示数据) for every district and "
            "indicator, then recompute progress. Idempotent; never overrides a real figure.")

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="plan code (default: the current plan)")

    def handle(self, *args, plan=None, **options):
        target = Plan.objects.filter(code=plan).first() if plan else current_plan()
        if target is None:
            raise CommandError(f"no plan {plan!r}" if plan else "no plan loaded: python manage.py load_plan")
        result = demo_load(plan=target)
        self.stdout.write(
            f"demo figures: {result.created} created, {result.updated} updated, {result.skipped_real} left alone "
            f"(real figures); {result.assignments} province assignments; "
            + (f"{result.recomputed} progress rows recomputed" if result.recomputed is not None
               else "nothing changed, progress not recomputed"))
        figures = register_demo_load(plan=target, last_year=target.end_year)
        self.stdout.write(f"demo key-enterprise register (演示): {figures} quarterly figures written")
