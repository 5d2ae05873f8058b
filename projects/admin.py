from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import (
    Enterprise,
    EnterpriseFigure,
    Milestone,
    PlanBoxEntry,
    Project,
    ProjectReport,
    RegisterEnterprise,
    Sector,
    TrackedTarget,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "number", "name", "region_text", "status", "planned_investment", "completed_investment"]
    readonly_fields = ["source_text"]
    list_display_links = ["name"]
    list_filter = ["plan", "kind", "status", "districts"]
    search_fields = ["name", "positioning", "leading_industries"]
    filter_horizontal = ["districts"]
    inlines = [MilestoneInline]


class EnterpriseInline(admin.TabularInline):
    model = Enterprise
    extra = 0


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["order", "category", "function", "name"]
    list_display_links = ["name"]
    list_filter = ["plan", "category"]
    inlines = [EnterpriseInline]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "sector"]
    list_select_related = ["sector"]
    search_fields = ["name"]


# ---- project tracking, targets, enterprises

@admin.register(ProjectReport)
class ProjectReportAdmin(SimpleHistoryAdmin):
    """Read here, changed through the project page (services keep revision and history consistent)."""

    list_display = ["project", "year", "quarter", "investment", "status", "decided_by"]
    list_filter = ["status", "year", "quarter"]
    list_select_related = ["project", "decided_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(TrackedTarget)
class TrackedTargetAdmin(SimpleHistoryAdmin):
    list_display = ["order", "name", "target_text", "assigned_value"]
    list_display_links = ["name"]
    readonly_fields = ["source_text", "baseline_source_text"]


@admin.register(PlanBoxEntry)
class PlanBoxEntryAdmin(admin.ModelAdmin):
    list_display = ["box", "order", "heading"]
    list_filter = ["box"]


@admin.register(RegisterEnterprise)
class RegisterEnterpriseAdmin(SimpleHistoryAdmin):
    """Officials' flags (链主 / “553” / 三百工程 / 规上) and districts of the register's enterprises."""

    list_display = ["name", "sector", "district", "is_chain_leader", "is_553", "is_three_hundred", "is_above_scale",
                    "is_demo"]
    list_editable = ["district", "is_chain_leader", "is_553", "is_three_hundred", "is_above_scale"]
    list_filter = ["plan", "sector", "district", "is_chain_leader", "is_553", "is_three_hundred", "is_above_scale",
                   "is_demo"]
    list_select_related = ["sector", "district"]
    search_fields = ["name"]


@admin.register(EnterpriseFigure)
class EnterpriseFigureAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "year", "quarter", "revenue", "employees", "taxes", "is_demo"]
    list_filter = ["year", "quarter", "is_demo"]
    list_select_related = ["enterprise"]


from projects.tasks import admin as tasks_admin  # noqa: E402,F401  (the tasks' admin pages, issue 16)
