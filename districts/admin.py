from django.contrib import admin

from districts.models import District, Membership, Plan, SpatialArea


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "start_year", "end_year", "base_year", "is_current"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "code", "function_positioning", "adcode", "plan"]
    list_display_links = ["name"]
    list_filter = ["plan"]
    search_fields = ["name", "code", "function_positioning", "development_focus"]


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
