"""Zones, streets, buildings, parks, opening-up projects and platforms of the plan, with milestones and investment."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from districts.models import Department, District, Plan


class Project(models.Model):
    class Kind(models.TextChoices):
        ZONE = "zone", _("agglomeration zone (专栏9)")
        STREET = "street", _("feature street (专栏10)")
        BUILDING = "building", _("business building (专栏11)")
        PARK = "park", _("cooperation park (专栏15)")
        OPENING = "opening", _("opening-up project (专栏16)")
        PLATFORM = "platform", _("information platform (专栏3)")
        TEXT = "text", _("文中所列项目")

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
    # how officials track it (issue 16); every field the plan does not give stays empty and shows 未载明
    source_text = models.TextField(_("出处（规划原文）"), blank=True,
                                   help_text=_("文中所列项目：规划原句；专栏项目：专栏名称与序号。"))
    responsible_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL,
                                               related_name="projects", verbose_name=_("责任单位（市级部门）"))
    responsible_district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL,
                                             related_name="responsible_projects",
                                             verbose_name=_("责任单位（县、市、区）"))
    start_year = models.PositiveSmallIntegerField(_("开工年份"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("完工年份"), null=True, blank=True)
    acceptance_date = models.DateField(_("验收日期"), null=True, blank=True)
    acceptance_by = models.CharField(_("验收单位"), max_length=100, blank=True)
    acceptance_result = models.CharField(_("验收结论"), max_length=200, blank=True)
    history = HistoricalRecords(m2m_fields=[districts])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["plan", "kind", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind", "number"], name="project_unique_number")]

    def __str__(self):
        return self.name

    @property
    def responsible_unit(self):
        return self.responsible_department or self.responsible_district


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


# ---- project tracking, targets, enterprises

class ProjectYearInvestment(models.Model):
    """A project's planned investment for one year, as the responsible unit or an official enters it (the plan gives
    none)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="year_investments",
                                verbose_name=_("project"))
    year = models.PositiveSmallIntegerField(_("年份"))
    planned = models.DecimalField(_("年度计划投资（亿元）"), max_digits=14, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度计划投资")
        verbose_name_plural = _("年度计划投资")
        ordering = ["project", "year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="project_year_investment_unique")]


class ProjectReport(models.Model):
    """A project's progress in one quarter: draft → submitted → approved / returned, like a district's figures."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project"))
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    investment = models.DecimalField(_("本季度完成投资（亿元）"), max_digits=14, decimal_places=4, null=True,
                                     blank=True)
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("本季度完成的里程碑"))
    milestone_done_date = models.DateField(_("里程碑完成日期"), null=True, blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("版本"), default=0)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("填报人"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    change_reason = models.CharField(_("修改说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目季度进展")
        verbose_name_plural = _("项目季度进展")
        ordering = ["project", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "quarter"], name="project_report_unique"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="project_report_quarter"),
        ]


class PlanBoxEntry(models.Model):
    """A row of a text box of the plan stored verbatim: 专栏4 (the province ranking of Leshan's
    internationalisation), 专栏13 (consumption scenes) and 专栏14 (local service brands)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="box_entries", verbose_name=_("plan"))
    box = models.PositiveSmallIntegerField(_("专栏"))
    box_title = models.CharField(_("专栏名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("序号"))
    heading = models.CharField(_("标题或指标"), max_length=100)
    text = models.TextField(_("内容（原文）"))

    class Meta:
        verbose_name = _("专栏条目")
        verbose_name_plural = _("专栏条目")
        ordering = ["plan", "box", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "box", "order"], name="plan_box_entry_unique")]

    def __str__(self):
        return f"专栏{self.box} {self.heading}"


class TrackedTarget(models.Model):
    """A quantitative target the plan states outside 专栏6, with the sentence it comes from. A province-assigned
    item is judged against the amount the province assigns, entered by an official (until then 未下达)."""

    class Kind(models.TextChoices):
        LEVEL = "level", _("数量目标")
        ASSIGNED = "assigned", _("省下达目标")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tracked_targets", verbose_name=_("plan"))
    code = models.SlugField(_("代码"), max_length=40)
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150, blank=True)
    unit = models.CharField(_("单位"), max_length=10)
    unit_en = models.CharField(_("英文单位（复数）"), max_length=40, blank=True,
                               help_text=_("复数形式；数量为1时自动用单数"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    target_text = models.CharField(_("目标（原文）"), max_length=100)
    target_text_en = models.CharField(_("目标（英文）"), max_length=100, blank=True)
    target_value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("目标年份"))
    baseline_value = models.DecimalField(_("基期值"), max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基期年份"), null=True, blank=True)
    source_text = models.TextField(_("出处（规划原文）"))
    baseline_source_text = models.TextField(_("基期出处（规划原文）"), blank=True)
    assigned_value = models.DecimalField(_("省下达数"), max_digits=14, decimal_places=4, null=True, blank=True)
    assigned_note = models.CharField(_("下达依据"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("专栏6以外的量化目标")
        verbose_name_plural = _("专栏6以外的量化目标")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="tracked_target_unique_code")]

    def __str__(self):
        return self.name

    @property
    def local_name(self) -> str:
        """The name in the page's language (name_en on English pages where it has one)."""
        from indicators.figures import formatting

        return formatting.in_language(self.name, self.name_en)

    def local_unit(self, count=None) -> str:
        """The unit in the page's language: 家 / enterprises (1 enterprise)."""
        from indicators.figures import formatting

        return formatting.count_unit(self.unit, self.unit_en, count)

    @property
    def local_target_text(self) -> str:
        """The plan's words for the target (较2020年翻一番); on English pages their English, none where the plan
        gives only the number (10家: the amount already says it)."""
        from indicators.figures import formatting

        return self.target_text_en if formatting.english() else self.target_text


class TrackedTargetValue(models.Model):
    """A year's value of a tracked target, entered by an official (audited by its history)."""

    target = models.ForeignKey(TrackedTarget, on_delete=models.CASCADE, related_name="values",
                               verbose_name=_("目标"))
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=4)
    note = models.CharField(_("来源或说明"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("量化目标年度值")
        verbose_name_plural = _("量化目标年度值")
        ordering = ["target", "year"]
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="tracked_target_value_unique")]


class RegisterEnterprise(models.Model):
    """An enterprise of the key-enterprise register (服务业标杆库) with the flags the plan names: 链主, “553”,
    省级“三百工程”, 规上. Starts from 专栏12's local key enterprises; officials and counties add the rest."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="register_enterprises",
                             verbose_name=_("plan"))
    name = models.CharField(_("企业名称"), max_length=100)
    sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.SET_NULL, related_name="register",
                               verbose_name=_("赛道"))
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="register_enterprises", verbose_name=_("县（市、区）"))
    is_chain_leader = models.BooleanField(_("链主企业"), default=False)
    is_553 = models.BooleanField(_("“553”企业"), default=False)
    is_three_hundred = models.BooleanField(_("省级“三百工程”"), default=False)
    is_above_scale = models.BooleanField(_("规上企业"), default=False)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("标杆库企业")
        verbose_name_plural = _("标杆库企业")
        ordering = ["plan", "sector__order", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="register_enterprise_unique")]

    def __str__(self):
        return self.name


class EnterpriseFigure(models.Model):
    """One quarter's figures of a register enterprise (year to date): 营业收入 (亿元), 从业人员 (人, end of
    quarter), 纳税 (万元), entered by the county staff of its district."""

    enterprise = models.ForeignKey(RegisterEnterprise, on_delete=models.CASCADE, related_name="figures",
                                   verbose_name=_("企业"))
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    revenue = models.DecimalField(_("营业收入（亿元）"), max_digits=14, decimal_places=4, null=True, blank=True)
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True)
    taxes = models.DecimalField(_("纳税（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), auto_now=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("标杆库企业季度数据")
        verbose_name_plural = _("标杆库企业季度数据")
        ordering = ["enterprise", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "quarter"], name="enterprise_figure_unique"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="enterprise_figure_quarter"),
        ]


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
