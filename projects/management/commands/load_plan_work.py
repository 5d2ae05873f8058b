"""Load the plan's work beyond its tables (fixtures/leshan_14th_fyp_work.json): text projects, 专栏4/13/14, the
targets outside 专栏6 and the key-enterprise register's first entries."""
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from projects.loaders import PlanWorkError, load_plan_work

DEFAULT_FIXTURE = settings.BASE_DIR / "fixtures" / "leshan_14th_fyp_work.json"


class Command(BaseCommand):
    help = "Load text projects, 专栏4/13/14, targets outside 专栏6 and the register (the work fixture)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FIXTURE))

    def handle(self, *args, path, **options):
        with open(path, encoding="utf-8") as handle:
            try:
                counts = load_plan_work(json.load(handle))
            except PlanWorkError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
