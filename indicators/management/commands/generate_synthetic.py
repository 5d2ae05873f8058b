import time

from django.core.management.base import BaseCommand, CommandError

from indicators.loaders.synthetic import SyntheticSpec, synthetic_load


class Command(BaseCommand):
    help = ("Create a synthetic plan (code synthetic-…, not the current plan) with every measure kind and approved "
            "quarterly figures, for benchmarks. Deterministic in its arguments; replaces a plan with the same code.")

    def add_arguments(self, parser):
        parser.add_argument("--districts", type=int, default=183)
        parser.add_argument("--indicators", type=int, default=100)
        parser.add_argument("--years", type=int, default=6, help="years of figures, the base year 2020 included")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, districts, indicators, years, seed, **options):
        try:
            spec = SyntheticSpec(districts=districts, indicators=indicators, years=years, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc))
        started = time.perf_counter()
        result = synthetic_load(spec=spec)
        self.stdout.write(
            f"plan {result.code}: {result.districts} districts, {result.indicators} indicators "
            f"({', '.join(f'{k} {v}' for k, v in sorted(result.measures.items()))}), {result.observations} figures, "
            f"{result.versions} versions, {result.submitted_pending} figures awaiting approval "
            f"in {time.perf_counter() - started:.1f} s")
