from django.core.management.base import BaseCommand, CommandError

from districts.models import Plan
from indicators.loaders.demo import demo_clear
from projects.demo import register_demo_clear


class Command(BaseCommand):
    help = "Remove exactly the demo data (demo figure versions, demo figures, demo assignments), then recompute."

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="plan code (default: every plan)")

    def handle(self, *args, plan=None, **options):
        target = None
        if plan:
            target = Plan.objects.filter(code=plan).first()
            if target is None:
                raise CommandError(f"no plan {plan!r}")
        result = demo_clear(plan=target)
        self.stdout.write(
            f"removed {result.versions} demo versions, {result.observations} demo figures, "
            f"{result.assignments} demo assignments, {result.district_targets} demo district targets; "
            f"{result.kept_with_real_versions} figures kept (they have real versions); "
            + (f"{result.recomputed} progress rows recomputed" if result.recomputed is not None else "nothing to remove"))
        self.stdout.write(f"removed {register_demo_clear(plan=target)} demo key-enterprise figures")
