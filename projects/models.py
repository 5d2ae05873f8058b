"""Zones, streets, buildings, parks, opening-up projects and platforms of the plan, with milestones and investment."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from districts.models import District, Plan


class Project(models.Model):
    class Kind(models.TextChoices):
        ZONE = "zone", _("agglomeration zone (专栏9)")
        STREET = "street", _("feature street (专栏10)")
        BUILDING = "building", _("business building (专栏11)")
        PARK = "park", _("cooperation park (专栏15)")
        OPENING = "opening", _("opening-up project (专栏16)")
        PLATFORM = "platform", _("information platform (专栏3)")

    class Status(models.TextChoices):
        NOT_GIVEN = "not_given", _("not given (未载明)")
        PLANNED = "planned", _("planned (规划)")
        UNDER_CONSTRUCTION = "under_construction", _("under construction (在建)")
        UPGRADING = "upgrading", _("upgrading (持续提升)")
        COMPLETED = "completed", _("completed (建成)")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="projects", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number in its table"))
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category or field"), max_length=100, blank=True)
    positioning = models.TextField(_("positioning or theme as printed"), blank=True)
    leading_industries = models.TextField(_("leading industries"), blank=True)
    supporting_industries = models.TextField(_("related and supporting industries"), blank=True)
    remark = models.CharField(_("remark as printed"), max_length=200, blank=True)
    region_text = models.CharField(_("region as printed"), max_length=100, blank=True,
                                   help_text=_("Empty where the plan does not state it."))
    districts = models.ManyToManyField(District, blank=True, related_name="projects", verbose_name=_("districts"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_GIVEN)
    planned_investment = models.DecimalField(_("planned investment (亿元)"), max_digits=14, decimal_places=4,
                                             null=True, blank=True)
    completed_investment = models.DecimalField(_("completed investment (亿元)"), max_digits=14, decimal_places=4,
                                               null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[districts])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["plan", "kind", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind", "number"], name="project_unique_number")]

    def __str__(self):
        return self.name


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones",
                                verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"))
    done_date = models.DateField(_("done date"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_date"]

    def __str__(self):
        return self.title


class Sector(models.Model):
    """A new-track sector of 专栏12 with its key enterprises."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sectors", verbose_name=_("plan"))
    order = models.PositiveSmallIntegerField(_("order"))
    category = models.CharField(_("track category (赛道分类)"), max_length=40)
    function = models.CharField(_("track function (赛道功能)"), max_length=40)
    name = models.CharField(_("track name (赛道名称)"), max_length=60)
    national_enterprises = models.TextField(_("national key enterprises as printed"), blank=True)

    class Meta:
        verbose_name = _("new-track sector")
        verbose_name_plural = _("new-track sectors")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="sector_unique_name")]

    def __str__(self):
        return self.name


class Enterprise(models.Model):
    """A local key enterprise (市内重点企业) of a new-track sector."""

    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="enterprises",
                               verbose_name=_("sector"))
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("local key enterprise")
        verbose_name_plural = _("local key enterprises")
        ordering = ["sector", "order"]
        constraints = [models.UniqueConstraint(fields=["sector", "name"], name="enterprise_unique_name")]

    def __str__(self):
        return self.name


# ---- tasks (重点任务)
# The plan's task paragraphs (projects/tasks/text.py says which), who leads and supports each, its yearly milestones
# and the half-yearly progress reports of the lead unit, with the supporting units' parts and the evidence files.

class TaskProgress(models.TextChoices):
    """A task's progress as its lead unit reports it each half-year."""

    DONE = "done", _("已完成")
    ON_SCHEDULE = "on_schedule", _("按序时推进")
    LAGGING = "lagging", _("滞后")
    NOT_STARTED = "not_started", _("未启动")


class Task(models.Model):
    """One task paragraph of the plan, verbatim, with its place (章, 节, sub-heading) and its lead and supporting
    units: a department or a county leads (never both), departments and counties support."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("任务序号"))
    chapter = models.PositiveSmallIntegerField(_("章"))
    chapter_title = models.CharField(_("章名"), max_length=100)
    section = models.PositiveSmallIntegerField(_("节"), null=True, blank=True)
    section_title = models.CharField(_("节名"), max_length=100, blank=True,
                                     help_text=_("原文缺节名时为空。"))
    subsection = models.CharField(_("小标题"), max_length=100, blank=True)
    title = models.CharField(_("任务名称"), max_length=100)
    text = models.TextField(_("规划原文"))
    lead_department = models.ForeignKey("districts.Department", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="led_tasks", verbose_name=_("牵头部门"))
    lead_district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="led_tasks", verbose_name=_("牵头县（市、区）"))
    supporting_departments = models.ManyToManyField("districts.Department", blank=True,
                                                    related_name="supported_tasks", verbose_name=_("配合部门"))
    supporting_districts = models.ManyToManyField(District, blank=True, related_name="supported_tasks",
                                                  verbose_name=_("配合县（市、区）"))
    history = HistoricalRecords(m2m_fields=[supporting_departments, supporting_districts])

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number"),
            models.CheckConstraint(
                condition=models.Q(lead_department__isnull=True) | models.Q(lead_district__isnull=True),
                name="task_one_lead"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def lead(self):
        return self.lead_department or self.lead_district

    @property
    def chapter_label(self) -> str:
        from projects.tasks.text import chapter_label

        return chapter_label(self.chapter)

    @property
    def section_label(self) -> str:
        from projects.tasks.text import section_label

        return section_label(self.section)


class TaskMilestone(models.Model):
    """What a task should have reached by the end of a year (one a year)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("重点任务"))
    year = models.PositiveSmallIntegerField(_("年份"))
    text = models.CharField(_("年度目标"), max_length=500)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任务年度目标")
        verbose_name_plural = _("任务年度目标")
        ordering = ["task", "year"]
        constraints = [models.UniqueConstraint(fields=["task", "year"], name="task_milestone_unique_year")]

    def __str__(self):
        return f"{self.year}: {self.text}"


class TaskReport(models.Model):
    """The lead unit's report on a task for a half-year (1 上半年, 2 下半年): draft → submitted → approved (locked),
    or returned with a reason and submitted again. `revision` rises with every write; a write or a decision made
    on an older revision is refused."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports", verbose_name=_("重点任务"))
    year = models.PositiveSmallIntegerField(_("年份"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=[(1, _("上半年")), (2, _("下半年"))])
    progress = models.CharField(_("进展状态"), max_length=12, choices=TaskProgress.choices, blank=True)
    narrative = models.TextField(_("进展情况"), blank=True)
    state = models.CharField(_("审核状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveIntegerField(_("版本"), default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("最后修改人"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("报送人"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任务进展报告")
        verbose_name_plural = _("任务进展报告")
        ordering = ["task", "year", "half"]
        constraints = [models.UniqueConstraint(fields=["task", "year", "half"], name="task_report_unique_half")]

    def __str__(self):
        return f"{self.task} {self.year}年{self.get_half_display()}"


class TaskContribution(models.Model):
    """A supporting unit's part of a report (a narrative), one per unit and report."""

    report = models.ForeignKey(TaskReport, on_delete=models.CASCADE, related_name="contributions",
                               verbose_name=_("任务进展报告"))
    department = models.ForeignKey("districts.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("配合部门"))
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("配合县（市、区）"))
    narrative = models.TextField(_("配合单位进展情况"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("填写人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("配合单位进展")
        verbose_name_plural = _("配合单位进展")
        ordering = ["report", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "department"], name="task_contribution_unique_department",
                                    condition=models.Q(department__isnull=False)),
            models.UniqueConstraint(fields=["report", "district"], name="task_contribution_unique_district",
                                    condition=models.Q(district__isnull=False)),
            models.CheckConstraint(condition=(models.Q(department__isnull=True, district__isnull=False)
                                              | models.Q(department__isnull=False, district__isnull=True)),
                                   name="task_contribution_one_unit"),
        ]

    @property
    def unit(self):
        return self.department or self.district


def task_evidence_path(instance, filename):
    """Stored under MEDIA_ROOT by a name the server chooses (the person's file name is kept in `name` only)."""
    import uuid
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()
    return f"task-evidence/{instance.report.task.plan_id}/{uuid.uuid4().hex}{suffix}"


class TaskEvidence(models.Model):
    """An evidence file of a report (pdf, docx, xlsx, jpg, png; ≤ 10 MB), downloadable by whoever may see the task."""

    report = models.ForeignKey(TaskReport, on_delete=models.CASCADE, related_name="evidence",
                               verbose_name=_("任务进展报告"))
    file = models.FileField(_("文件"), upload_to=task_evidence_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report", "id"]

    def __str__(self):
        return self.name
