from django.core.management.base import BaseCommand, CommandError

from districts.models import Plan
from indicators.models import Indicator
from indicators.progress import services


class Command(BaseCommand):
    help = "Recompute every progress row (all plans, or one plan / one indicator)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="plan code (default: every plan)")
        parser.add_argument("--indicator", type=int, help="indicator number within the plan")

    def handle(self, *args, plan=None, indicator=None, **options):
        plans = Plan.objects.all() if plan is None else Plan.objects.filter(code=plan)
        if not plans:
            raise CommandError(f"no plan {plan!r}" if plan else "no plan loaded: python manage.py load_plan")
        total = 0
        for p in plans:
            ids = None
            if indicator is not None:
                ids = list(Indicator.objects.filter(plan=p, number=indicator).values_list("id", flat=True))
                if not ids:
                    raise CommandError(f"plan {p.code} has no indicator {indicator}")
            total += services.progress_recompute(plan=p, indicator_ids=ids)
        self.stdout.write(f"{total} progress rows written")
