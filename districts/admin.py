from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from districts.models import Department, DepartmentMembership, District, Membership, Plan, SpatialArea


def _lifecycle(service_name: str):
    """An admin action calling a lifecycle service (indicators.plans.services) for each selected plan."""
    def action(modeladmin, request, queryset):
        from indicators.plans import services

        service = getattr(services, service_name)
        for plan in queryset:
            try:
                service(plan=plan, user=request.user)
            except services.PlanLifecycleError as exc:
                modeladmin.message_user(request, exc.message, messages.ERROR)
            else:
                modeladmin.message_user(request, f"{plan.name}：{_('完成')}", messages.SUCCESS)
    return action


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Plans are loaded from a definition (/plans/upload/); their status moves only through the actions."""

    list_display = ["name", "code", "start_year", "end_year", "base_year", "status", "is_example", "previous"]
    list_filter = ["status"]
    readonly_fields = ["status", "in_force_at", "ended_at"]
    actions = ["put_in_force", "end_plan"]

    @admin.action(description=_("施行所选规划（施行中的规划随之结束）"))
    def put_in_force(self, request, queryset):
        _lifecycle("plan_put_in_force")(self, request, queryset)

    @admin.action(description=_("结束所选规划"))
    def end_plan(self, request, queryset):
        _lifecycle("plan_end")(self, request, queryset)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "code", "function_positioning", "adcode", "plan"]
    list_display_links = ["name"]
    list_filter = ["plan"]
    search_fields = ["name", "code", "name_en", "function_positioning", "development_focus"]


@admin.register(SpatialArea)
class SpatialAreaAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "kind", "parent", "districts_note"]
    list_display_links = ["name"]
    list_filter = ["plan", "kind"]
    filter_horizontal = ["districts"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "district"]
    list_select_related = ["user", "district"]
    autocomplete_fields = ["user"]
    list_filter = ["district"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "code", "name_en", "is_active"]
    list_display_links = ["name"]
    list_filter = ["is_active"]
    search_fields = ["name", "code", "name_en"]


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["user"]
    list_filter = ["department"]
