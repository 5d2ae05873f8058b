"""Restore an export_all file into a freshly migrated, empty database (all or nothing)."""
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from districts.models import Plan


class Command(BaseCommand):
    help = "Import a file written by export_all into an empty database, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        if Plan.objects.exists() or get_user_model().objects.exists():
            raise CommandError("数据库非空，拒绝导入。 The database is not empty: restore into a fresh one.")
        # the history rows are in the file: loading must not write new ones (m2m changes would)
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", path, verbosity=0)
        self.stdout.write(f"imported {path}")
