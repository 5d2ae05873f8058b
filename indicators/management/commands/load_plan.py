"""python manage.py load_plan [path ...]: load plan reference data; loading twice changes nothing."""
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators.loaders.plan import PlanDataError, load_plan
from projects.tasks.services import tasks_document_load

DEFAULT_PATH = Path(settings.BASE_DIR) / "fixtures" / "leshan_14th_fyp.json"


class Command(BaseCommand):
    help = ("Load plan data (JSON, natural keys) into the database. Default: fixtures/leshan_14th_fyp.json. A "
            "companion <name>_tasks.json beside a plan file (the plan's tasks, 重点任务) is loaded with it.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="JSON plan files (default: %(default)s)",
                            default=[DEFAULT_PATH])

    def handle(self, *args, paths, **options):
        documents = []
        for path in paths:
            try:
                documents.append((path, json.loads(path.read_text(encoding="utf-8"))))
            except (OSError, json.JSONDecodeError) as exc:
                raise CommandError(f"{path}: {exc}") from None
        # All files or none.
        with transaction.atomic():
            for path, data in documents:
                try:
                    counts = load_plan(data)
                except PlanDataError as exc:
                    raise CommandError(f"{path}: {exc}") from None
                summary = ", ".join(f"{model} {n}" for model, n in counts.items())
                self.stdout.write(f"{path}: {summary}")
                tasks = path.with_name(f"{path.stem}_tasks.json")
                if tasks.exists():
                    try:
                        n = tasks_document_load(json.loads(tasks.read_text(encoding="utf-8")))
                    except (OSError, json.JSONDecodeError, ValidationError) as exc:
                        raise CommandError(f"{tasks}: {exc}") from None
                    self.stdout.write(f"{tasks}: Task {n}")
