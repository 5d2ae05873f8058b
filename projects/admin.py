from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Enterprise, Milestone, Project, Sector


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "number", "name", "region_text", "status", "planned_investment", "completed_investment"]
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


from projects.tasks import admin as tasks_admin  # noqa: E402,F401  (the tasks' admin pages, issue 16)
