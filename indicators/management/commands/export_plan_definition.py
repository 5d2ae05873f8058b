"""python manage.py export_plan_definition --plan CODE FILE: a plan written into the plan-definition template."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from districts.models import Plan
from indicators.loaders.plan_definition import write_template


class Command(BaseCommand):
    help = "Write a plan into the plan-definition workbook (.xlsx); without --plan, the empty template."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--plan", help="plan code (default: the empty template)")

    def handle(self, *args, file: Path, plan: str | None, **options):
        found = None
        if plan:
            found = Plan.objects.filter(code=plan).first()
            if found is None:
                raise CommandError(f"没有代码为 {plan} 的规划 (no plan with the code {plan})")
        try:
            file.write_bytes(write_template(found))
        except OSError as exc:
            raise CommandError(f"{file}: {exc}") from None
        self.stdout.write(f"{file}: {found.code if found else 'template'}")
