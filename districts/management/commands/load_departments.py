"""Load the starting list of municipal departments (fixtures/departments.json); existing ones are kept as edited."""
import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from districts.models import Department
from districts.services import load_departments

DEFAULT_FIXTURE = settings.BASE_DIR / "fixtures" / "departments.json"


class Command(BaseCommand):
    help = "Load the starting list of municipal departments (fixtures/departments.json)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FIXTURE))

    @transaction.atomic
    def handle(self, *args, path, **options):
        with open(path, encoding="utf-8") as handle:
            created = load_departments(json.load(handle))
        self.stdout.write(f"departments: {created} created, {Department.objects.count()} in all")
