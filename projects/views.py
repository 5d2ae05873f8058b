from django.shortcuts import render

from indicators.selectors import current_plan
from projects import selectors
from projects.models import Project


def project_list(request):
    plan = current_plan()
    kind = request.GET.get("kind") or None
    if kind not in Project.Kind.values:
        kind = None
    projects = selectors.project_list(plan, kind=kind) if plan else []
    groups = {}
    for project in projects:
        groups.setdefault(project.get_kind_display(), []).append(project)
    return render(request, "projects/project_list.html", {
        "plan": plan, "groups": groups, "kinds": Project.Kind.choices, "kind": kind,
        "sectors": selectors.sectors(plan) if plan and not kind else []})
