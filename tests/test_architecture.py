"""The layout shows the architecture: the road a figure travels, walked with ``ast`` over the product code.

maths → engine → pages, never back: the progress maths imports no Django; the engine knows no page, form or
entry code; dashboards and reviews read, they never call entry's writes; the districts app (places, layout,
access) knows nothing of the pages that show them. No sibling modules told apart by suffix, none too long.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("indicators", "districts", "projects", "leshan_plan")
MAX_LINES = 800


def product_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (absolute names)."""
    names = set()
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def imports_of(prefix: str) -> dict[str, set[str]]:
    return {module_name(p): imported(p) for p in product_modules()
            if module_name(p) == prefix or module_name(p).startswith(prefix + ".")}


def offending(modules: dict[str, set[str]], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for module, names in modules.items():
        bad = sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden))
        if bad:
            found[module] = bad
    return found


def test_the_walker_sees_the_imports_it_checks():
    """The check can fail: the dashboards' views do import Django and the progress maths."""
    views = imports_of("indicators.dashboards.views")["indicators.dashboards.views"]
    assert "django.shortcuts" in views and "indicators.progress" not in views
    assert any(n.startswith("indicators.dashboards.charts") or n == "indicators.dashboards.charts" for n in views)
    assert offending({"x": {"django.db.models"}}, ("django",)) == {"x": ["django.db.models"]}


def test_the_maths_imports_no_django_and_no_database():
    maths = imports_of("indicators.progress.maths")
    assert len(maths) >= 4
    assert offending(maths, ("django", "indicators.models", "districts", "projects", "indicators.figures",
                             "indicators.progress.services", "indicators.progress.selectors")) == {}


def test_the_engine_imports_no_view_form_page_or_entry_code():
    engine = imports_of("indicators.progress")
    assert offending(engine, ("indicators.entry", "indicators.dashboards", "indicators.reviews",
                              "indicators.loaders", "django.shortcuts", "django.forms", "django.http")) == {}
    views = {m for m in engine if m.endswith(("views", "forms", "urls"))}
    assert not views


@pytest.mark.parametrize("part", ["indicators.dashboards", "indicators.reviews"])
def test_pages_that_read_never_call_entry_writes(part):
    assert offending(imports_of(part), ("indicators.entry.services", "indicators.entry.views",
                                        "indicators.entry.forms", "indicators.loaders")) == {}


def test_districts_know_nothing_of_the_pages():
    assert offending(imports_of("districts"), ("indicators.dashboards", "indicators.reviews", "indicators.entry",
                                               "projects.views")) == {}


def test_the_recompute_tasks_do_not_know_the_entry_reminders():
    assert offending(imports_of("indicators.progress.tasks"), ("indicators.entry",)) == {}


def test_no_sibling_modules_told_apart_by_suffix():
    suffixed = [str(p.relative_to(ROOT)) for p in product_modules()
                if p.stem.split("_")[0] in ("views", "urls", "tasks", "selectors", "services") and "_" in p.stem]
    assert suffixed == []


def test_no_product_module_is_too_long():
    long = {str(p.relative_to(ROOT)): n for p in product_modules() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}
