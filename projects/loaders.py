"""Load the plan's work beyond its tables (fixtures/leshan_14th_fyp_work.json, written by
tools/make_plan_work_fixture.py): the projects and facilities the plan names only in its text (kind "text",
each with its sentence verbatim), the source of every table project (专栏 and row), the boxes 专栏4, 13 and 14,
the quantitative targets outside 专栏6, and the key-enterprise register's first entries (专栏12's local
enterprises). An upsert by natural key: loading twice writes nothing; what officials entered since (responsible
units, years, investment, assigned amounts, flags, districts of register enterprises) is never overwritten.
"""
from decimal import Decimal

from django.db import transaction

from districts.models import District, Plan
from projects.models import Enterprise, PlanBoxEntry, Project, RegisterEnterprise, TrackedTarget

FORMAT = "leshan-plan-work/1"


class PlanWorkError(ValueError):
    """The data is malformed or names an unknown plan or district; nothing has been written."""


def _dec(value):
    return None if value is None else Decimal(str(value))


def _save_if_changed(obj, values: dict, created: bool) -> None:
    changed = created
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    if changed:
        obj.full_clean()
        obj.save()


@transaction.atomic
def load_plan_work(data: dict) -> dict:
    """Returns counts per kind of row in the data."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlanWorkError(f"'format' must be {FORMAT!r}")
    plan = Plan.objects.filter(code=data.get("plan")).first()
    if plan is None:
        raise PlanWorkError(f"unknown plan {data.get('plan')!r}: load the plan first (manage.py load_plan)")
    districts = {d.code: d for d in District.objects.filter(plan=plan)}
    counts = {"text_projects": 0, "table_sources": 0, "boxes": 0, "targets": 0, "register": 0}

    # table projects: where they are printed ("专栏9 乐山市服务业集聚区发展重点 序号1")
    captions = data.get("table_sources", {})
    for project in Project.objects.filter(plan=plan, kind__in=list(captions)):
        source = f"{captions[project.kind]} 序号{project.number}"
        if project.source_text != source:
            project.source_text = source
            project.save(update_fields=["source_text"])
        counts["table_sources"] += 1

    existing = {p.number: p for p in Project.objects.filter(plan=plan, kind=Project.Kind.TEXT)}
    for entry in data.get("text_projects", []):
        unknown = [c for c in entry["districts"] if c not in districts]
        if unknown:
            raise PlanWorkError(f"text project {entry['number']} ({entry['name']}): unknown district {unknown}")
        project = existing.get(entry["number"])
        created = project is None
        if created:
            project = Project(plan=plan, kind=Project.Kind.TEXT, number=entry["number"])
        _save_if_changed(project, {"name": entry["name"], "source_text": entry["source_text"],
                                   "region_text": entry.get("region_text", "")}, created)
        if created:  # districts the name states; officials may add more later, a reload never removes them
            project.districts.set([districts[c] for c in entry["districts"]])
        counts["text_projects"] += 1

    boxes = {(b.box, b.order): b for b in PlanBoxEntry.objects.filter(plan=plan)}
    for entry in data.get("boxes", []):
        row = boxes.get((entry["box"], entry["order"]))
        created = row is None
        if created:
            row = PlanBoxEntry(plan=plan, box=entry["box"], order=entry["order"])
        _save_if_changed(row, {k: entry[k] for k in ("box_title", "heading", "text")}, created)
        counts["boxes"] += 1

    targets = {t.code: t for t in TrackedTarget.objects.filter(plan=plan)}
    for entry in data.get("targets", []):
        target = targets.get(entry["code"])
        created = target is None
        if created:
            target = TrackedTarget(plan=plan, code=entry["code"])
        _save_if_changed(target, {
            "order": entry["order"], "name": entry["name"], "name_en": entry.get("name_en", ""), "unit": entry["unit"],
            "unit_en": entry.get("unit_en", ""), "kind": entry["kind"], "target_text": entry["target_text"],
            "target_text_en": entry.get("target_text_en", ""), "target_value": _dec(entry["target_value"]),
            "target_year": entry["target_year"], "baseline_value": _dec(entry["baseline_value"]),
            "baseline_year": entry["baseline_year"], "source_text": entry["source_text"],
            "baseline_source_text": entry.get("baseline_source_text", "")}, created)
        counts["targets"] += 1

    # the register starts from 专栏12's local key enterprises (their district is not printed: left for officials)
    known = set(RegisterEnterprise.objects.filter(plan=plan).values_list("name", flat=True))
    new = [RegisterEnterprise(plan=plan, name=e.name, sector=e.sector, source="专栏12")
           for e in Enterprise.objects.filter(sector__plan=plan).select_related("sector").order_by("sector__order",
                                                                                                  "order")
           if e.name not in known]
    RegisterEnterprise.objects.bulk_create(new)
    counts["register"] = len(new)
    return counts
