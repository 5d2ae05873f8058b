"""python manage.py load_plan_definition FILE [--put-in-force]: import a plan-definition workbook as a draft plan
(the same parser and service as the admin's upload page); prints every problem and stores nothing on any."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.loaders.plan_definition import (
    PlanDefinitionError,
    parse_definition,
    plan_definition_import,
)
from indicators.plans.services import PlanLifecycleError, plan_put_in_force


class Command(BaseCommand):
    help = "Import a plan definition (.xlsx, the template of /plans/) as a draft plan; --put-in-force puts it in force."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--put-in-force", action="store_true",
                            help="put the imported plan in force (the plan in force before it ends)")

    def handle(self, *args, file: Path, put_in_force: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc}") from None
        definition, problems = parse_definition(content)
        if not problems:
            try:
                plan = plan_definition_import(definition=definition)
            except PlanDefinitionError as exc:
                problems = exc.problems
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{file}: {len(problems)} 处问题，未导入任何数据 ({len(problems)} problems, nothing stored)")
        for note in definition.notes:
            self.stdout.write(note)
        self.stdout.write(f"{file}: 已导入草稿规划 {plan.code}（{plan.name}）：指标 {len(definition.indicators)}，"
                          f"区县 {len(definition.districts)}，项目 {len(definition.projects)}")
        if put_in_force:
            try:
                plan_put_in_force(plan=plan, user=None)
            except PlanLifecycleError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"{plan.code}: 已施行")
