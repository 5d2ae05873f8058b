import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from districts.models import Plan
from indicators.loaders.published import PublishedDataError, published_load
from indicators.progress import services


class Command(BaseCommand):
    help = "Load Leshan's published city figures (versions with their sources) and recompute what changed."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(Path(settings.BASE_DIR) / "fixtures" / "published_figures.json"))

    def handle(self, *args, path, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            counts = published_load(data)
        except (OSError, ValueError, PublishedDataError) as exc:
            raise CommandError(str(exc)) from exc
        if counts["indicators"]:
            services.progress_recompute(plan=Plan.objects.get(code=data["plan"]), indicator_ids=counts["indicators"])
        self.stdout.write(f"{counts['versions']} new figure versions, {counts['series_points']} new series points")
