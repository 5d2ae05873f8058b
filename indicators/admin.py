from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import (
    DistrictTarget,
    Indicator,
    Observation,
    ObservationVersion,
    Pillar,
    Progress,
    ProvinceAssignment,
    RecomputeRun,
    ReportingPeriod,
    Series,
    SeriesPoint,
    Submission,
)
from indicators.progress import services


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "code", "plan"]
    list_display_links = ["name"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "unit", "measure", "target_text", "target_kind", "baseline_year",
                    "baseline_text", "by_district", "pillar"]
    list_display_links = ["name"]
    list_filter = ["plan", "pillar", "measure", "target_kind"]
    list_select_related = ["pillar"]
    search_fields = ["name", "name_en"]


class SeriesPointInline(admin.TabularInline):
    model = SeriesPoint
    extra = 0


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "indicator", "is_context", "source"]
    inlines = [SeriesPointInline]


@admin.register(DistrictTarget)
class DistrictTargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "district", "target_value", "source"]
    list_filter = ["indicator", "district"]
    list_select_related = ["indicator", "district"]


@admin.register(ProvinceAssignment)
class ProvinceAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "assigned_value", "source"]
    list_select_related = ["indicator"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["plan", "year", "quarter", "deadline"]
    list_filter = ["plan", "year"]


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["district", "year", "quarter", "status", "submitted_by", "submitted_at", "decided_by",
                    "decided_at"]
    list_filter = ["status", "year", "quarter", "district"]
    list_select_related = ["district", "submitted_by", "decided_by"]


class VersionInline(admin.TabularInline):
    model = ObservationVersion
    extra = 0
    fields = ["kind", "value", "numerator", "denominator", "source_title", "source_url", "source_date",
              "recorded_by", "recorded_at", "note"]
    readonly_fields = ["recorded_at"]


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "district", "year", "quarter", "value", "numerator", "denominator", "is_demo",
                    "updated_by", "updated_at"]
    list_filter = ["is_demo", "indicator", "district", "year", "quarter"]
    list_select_related = ["indicator", "district", "updated_by"]
    inlines = [VersionInline]
    history_list_display = ["value", "numerator", "denominator", "comment"]


@admin.register(ObservationVersion)
class ObservationVersionAdmin(admin.ModelAdmin):
    """Admins record a new version of a figure (e.g. a verified or census-revised value) with its source."""

    list_display = ["observation", "kind", "value", "source_title", "source_date", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    list_select_related = ["observation__indicator", "observation__district", "recorded_by"]
    readonly_fields = ["recorded_by", "recorded_at"]
    raw_id_fields = ["observation"]

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
        indicator = obj.observation.indicator
        services.enqueue_recompute(plan_id=indicator.plan_id, indicator_ids=[indicator.id])


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    """Derived rows: read-only."""

    list_display = ["indicator", "scope", "basis", "year", "quarter", "annual_value", "completion", "time_share",
                    "status", "light", "computed_at"]
    list_filter = ["basis", "status", "light", "scope", "year"]
    list_select_related = ["indicator"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    list_display = ["finished_at", "indicator", "rows", "started_at"]

    def has_add_permission(self, request):
        return False
