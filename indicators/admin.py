from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from indicators.entry import services as entry
from indicators.entry.forms import ReopenForm, ReviseForm
from indicators.entry.services import plain_number
from indicators.entry.validation import EntryError, EntryValidationError, format_value
from indicators.models import (
    DistrictTarget,
    Indicator,
    Measure,
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


def _is_approved(obs: Observation) -> bool:
    """A figure that counts: its quarter approved, or a real (non-demo) version recorded."""
    if obs.submission_id and obs.submission.status == Submission.Status.APPROVED:
        return True
    return obs.versions.exclude(kind=ObservationVersion.Kind.DEMO).exists()


def _entry_action_page(modeladmin, request, *, title: str, action: str, form, items: list[str], ids: list[int],
                       note: str = ""):
    """The intermediate page of an admin action that asks for more (a reason, a new value) before it acts."""
    return TemplateResponse(request, "admin/indicators/entry_action.html", {
        **modeladmin.admin_site.each_context(request), "title": title, "action": action, "form": form,
        "items": items, "ids": ids, "note": note, "opts": modeladmin.model._meta})


def _reopen(modeladmin, request, submissions: list[Submission], ids: list[int]):
    """Reopen approved quarters through the entry service, with the reason asked on an intermediate page."""
    approved = [s for s in submissions if s.status == Submission.Status.APPROVED]
    if not approved:
        modeladmin.message_user(request, _("所选数据中没有已审核的季度，无需重新开放。"), messages.WARNING)
        return None
    form = ReopenForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = 0
        for submission in approved:
            try:
                entry.submission_reopen(submission=submission, user=request.user, reason=form.cleaned_data["reason"])
                done += 1
            except EntryError as exc:
                modeladmin.message_user(request, f"{submission}: {exc.message}", messages.ERROR)
        if done:
            modeladmin.message_user(request, _("已重新开放 %(n)s 个季度。") % {"n": done}, messages.SUCCESS)
        return None
    return _entry_action_page(modeladmin, request, title=_("重新开放已审核的季度"), action="reopen", form=form,
                              items=[str(s) for s in approved], ids=ids,
                              note=_("重新开放后，该季度退回县（市、区）修改；已审核的数值在新数值审核前继续计入进度。"))


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    """Submissions move only through the entry services (save, submit, approve, return, reopen): read-only here,
    with the reopen action for approved quarters."""

    list_display = ["district", "year", "quarter", "status", "revision", "submitted_by", "submitted_at",
                    "decided_by", "decided_at"]
    list_filter = ["status", "year", "quarter", "district"]
    list_select_related = ["district", "submitted_by", "decided_by"]
    actions = ["reopen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status != Submission.Status.APPROVED)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":  # no revert around the services
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.action(description=gettext_lazy("重新开放所选的已审核季度"))
    def reopen(self, request, queryset):
        return _reopen(self, request, list(queryset.select_related("district")), list(queryset.values_list(
            "pk", flat=True)))


class VersionInline(admin.TabularInline):
    """The versions of a figure, as recorded: a new one comes from an approval, a revision or a publication."""

    model = ObservationVersion
    extra = 0
    fields = ["kind", "value", "numerator", "denominator", "source_title", "source_url", "source_date",
              "recorded_by", "recorded_at", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    """Figures. An approved figure (and its quarter) is read-only: it changes through the actions "revise" (a new
    value with the reason, recorded in its history and as a new version) and "reopen" (back to the district)."""

    list_display = ["indicator", "district", "year", "quarter", "value", "numerator", "denominator", "is_demo",
                    "updated_by", "updated_at"]
    list_filter = ["is_demo", "indicator", "district", "year", "quarter"]
    list_select_related = ["indicator", "district", "updated_by"]
    inlines = [VersionInline]
    history_list_display = ["value", "numerator", "denominator", "comment"]
    actions = ["revise", "reopen"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not _is_approved(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not _is_approved(obj))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self.get_object(request, object_id)
        if request.method == "POST" and (current is None or not self.has_change_permission(request, current)):
            raise PermissionDenied  # a revert would change an approved figure around the revision service
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.action(description=gettext_lazy("修订所选的已审核数值（填写新数值与原因）"))
    def revise(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一项数据进行修订。"), messages.ERROR)
            return None
        obs = queryset.select_related("indicator", "district").get()
        share = obs.indicator.measure == Measure.SHARE
        form = ReviseForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            values = ({"numerator": data["numerator"], "denominator": data["denominator"]} if share
                      else {"value": data["value"]})
            try:
                entry.observation_revise(observation=obs, user=request.user, values=values, reason=data["reason"])
            except EntryValidationError as exc:
                for fields in exc.errors.values():
                    for name, errors in fields.items():
                        for error in errors:
                            form.add_error(name if name in form.fields else None, error)
                for error in exc.general:
                    form.add_error(None, error)
            except EntryError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, _("已修订：%(obs)s。修订记录见该数据的历史。") % {"obs": obs}, messages.SUCCESS)
                return None
        for name in (("value",) if share else ("numerator", "denominator")):
            form.fields.pop(name)
        shown = (f"{plain_number(obs.numerator)} / {plain_number(obs.denominator)}" if share
                 else format_value(obs.value, obs.indicator))
        return _entry_action_page(self, request, title=_("修订已审核的数值"), action="revise", form=form,
                                  items=[f"{obs} · {_('当前数值')}：{shown}"], ids=[obs.pk],
                                  note=_("修订将记录修订人、时间、原值、新值和原因，并作为新的版本计入进度。"))

    @admin.action(description=gettext_lazy("重新开放所选数据所在的已审核季度"))
    def reopen(self, request, queryset):
        submissions = Submission.objects.filter(pk__in=queryset.exclude(submission__isnull=True).values(
            "submission_id")).select_related("district")
        return _reopen(self, request, list(submissions), list(queryset.values_list("pk", flat=True)))


@admin.register(ObservationVersion)
class ObservationVersionAdmin(admin.ModelAdmin):
    """Admins record a new version of a figure (e.g. a verified or census-revised value) with its source; a version
    once recorded is part of the figure's history and is not changed or deleted."""

    list_display = ["observation", "kind", "value", "source_title", "source_date", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    list_select_related = ["observation__indicator", "observation__district", "recorded_by"]
    readonly_fields = ["recorded_by", "recorded_at"]
    raw_id_fields = ["observation"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

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
