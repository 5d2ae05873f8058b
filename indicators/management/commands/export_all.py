"""Back up every table this system owns (plan data, figures, versions, history, progress, accounts) as JSON."""
from django.core.management import call_command
from django.core.management.base import BaseCommand

# an app's label covers its history tables too (simple-history's Historical* models live in the app): who changed
# a figure, when, old → new and why, an administrator's revisions included, are in every backup
EXPORTED = ["auth.group", "auth.user", "districts", "indicators", "projects"]


class Command(BaseCommand):
    help = "Export all data to one JSON file (restore with import_all into a freshly migrated database)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="output file, e.g. backup.json")

    def handle(self, *args, path, **options):
        call_command("dumpdata", *EXPORTED, format="backup", natural_foreign=True, output=path, indent=1, verbosity=0)
        self.stdout.write(f"exported to {path}")
