"""Demo data of the key-enterprise register (演示): a few invented enterprises per district and their quarterly
figures, deterministic, marked is_demo and shown with 演示 on every page. Loaded only by ``manage.py load_demo``,
removed by ``clear_demo``; never touches an enterprise or a figure that is not demo."""
import random
from decimal import Decimal

from django.db import transaction

from districts.models import District, Plan
from projects.models import EnterpriseFigure, RegisterEnterprise, Sector

PER_DISTRICT = 2


@transaction.atomic
def register_demo_load(*, plan: Plan, last_year: int) -> int:
    """Returns the number of demo figures written (0 when they are all there)."""
    districts = list(District.objects.filter(plan=plan).order_by("order"))
    sectors = list(Sector.objects.filter(plan=plan).order_by("order"))
    if not districts or not sectors:
        return 0
    existing = {e.name: e for e in RegisterEnterprise.objects.filter(plan=plan)}
    enterprises = []
    for i, district in enumerate(districts):
        for k in range(PER_DISTRICT):
            name = f"演示企业{district.name}{k + 1}号"
            enterprise = existing.get(name)
            if enterprise is None:
                enterprise = RegisterEnterprise.objects.create(
                    plan=plan, name=name, sector=sectors[(i + k) % len(sectors)], district=district,
                    is_above_scale=k == 0, source="演示", is_demo=True)
            if enterprise.is_demo:
                enterprises.append(enterprise)
    have = set(EnterpriseFigure.objects.filter(enterprise__in=enterprises).values_list("enterprise_id", "year",
                                                                                        "quarter"))
    new = []
    for enterprise in enterprises:
        rng = random.Random(enterprise.name)
        revenue, staff = rng.uniform(0.5, 5.0), rng.randint(40, 600)
        for year in range(plan.start_year, last_year + 1):
            for quarter in (1, 2, 3, 4):
                if (enterprise.pk, year, quarter) in have:
                    continue
                growth = 1.06 ** (year - plan.start_year)
                new.append(EnterpriseFigure(
                    enterprise=enterprise, year=year, quarter=quarter, is_demo=True,
                    revenue=Decimal(f"{revenue * growth * quarter / 4:.4f}"), employees=staff + rng.randint(-10, 10),
                    taxes=Decimal(f"{revenue * growth * quarter / 4 * 300:.2f}")))
    EnterpriseFigure.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def register_demo_clear(*, plan: Plan | None = None) -> int:
    figures = EnterpriseFigure.objects.filter(is_demo=True)
    enterprises = RegisterEnterprise.objects.filter(is_demo=True)
    if plan is not None:
        figures, enterprises = figures.filter(enterprise__plan=plan), enterprises.filter(plan=plan)
    count = figures.delete()[0]
    enterprises.filter(figures__isnull=True).delete()  # a demo enterprise someone entered real figures for stays
    return count
