"""The tasks in the Django admin, read-only: the text comes from the plan, assignments and reports go through the
task pages (services keep the workflow and its history); the admin shows them with their history."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Task, TaskReport


class ReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(ReadOnly):
    list_display = ["number", "title", "chapter", "section", "lead_department", "lead_district"]
    list_display_links = ["title"]
    list_filter = ["plan", "chapter", "lead_department"]
    search_fields = ["title", "text"]


@admin.register(TaskReport)
class TaskReportAdmin(ReadOnly):
    list_display = ["task", "year", "half", "progress", "state", "revision", "decided_by", "decided_at"]
    list_filter = ["state", "progress", "year", "half"]
