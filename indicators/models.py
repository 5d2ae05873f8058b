"""Indicators, their targets, the figures districts report (with versions) and the derived progress rows."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from districts.models import District, Plan

VALUE = dict(max_digits=20, decimal_places=6, null=True, blank=True)


class Measure(models.TextChoices):
    FLOW = "flow", _("flow (cumulative year-to-date)")
    STOCK = "stock", _("stock (end of period)")
    SHARE = "share", _("share (numerator / denominator)")
    RATE = "rate", _("rate (comparable-price growth)")
    INDEX = "index", _("index (as published)")
    QUALITATIVE = "qualitative", _("qualitative (province's assigned amount)")


class TargetKind(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    ABOUT = "about", _("about (左右)")
    MORE_THAN = "more_than", _("more than (＞)")
    QUALITATIVE = "qualitative", _("complete the province's assigned task")


class Pillar(models.Model):
    """A group of the plan's goals (the paragraphs of 主要目标 that introduce 专栏6)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pillars", verbose_name=_("plan"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("text as printed"), blank=True)

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="pillar_unique_code")]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """One of the plan's target indicators (专栏6)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan"))
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="indicators",
                               verbose_name=_("pillar"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("亿元, %, 户 …"))
    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_value = models.DecimalField(_("target value"), **VALUE)
    target_text = models.CharField(_("target as printed"), max_length=60)
    target_kind = models.CharField(_("target kind"), max_length=12, choices=TargetKind.choices)
    tolerance = models.DecimalField(_("tolerance for 左右 (fraction of target)"), max_digits=6, decimal_places=4,
                                    null=True, blank=True,
                                    # xgettext:no-python-format
                                    help_text=_("Empty: the default, 5% of the target."))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(_("baseline value"), **VALUE)
    baseline_text = models.CharField(_("baseline as printed"), max_length=200,
                                     help_text=_("The plan's words, or 未给出 (not given)."))
    by_district = models.BooleanField(_("reported by district"), default=True,
                                      help_text=_("City values are aggregated from the districts."))
    quarterly = models.BooleanField(_("reported quarterly"), default=True)
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=2)
    note = models.TextField(_("note"), blank=True)
    continues = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="continued_by", verbose_name=_("延续上期指标"),
                                  help_text=_("上一规划中统计口径相同的指标：其历年数据接续显示在本指标的图表中。"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="indicator_unique_number")]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def display_name(self) -> str:
        """The name in the page's language: the plan's Chinese, or its English translation on English pages."""
        from django.utils.translation import get_language

        return self.name_en if self.name_en and (get_language() or "").startswith("en") else self.name

    @property
    def baseline_given(self):
        return self.baseline_value is not None


class Series(models.Model):
    """An annual city series printed in the plan (专栏1, 专栏2): history of an indicator, or context only."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="series", verbose_name=_("plan"))
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    source = models.CharField(_("source"), max_length=200)
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="history_series", verbose_name=_("history of indicator"))
    is_context = models.BooleanField(_("context only (no target)"), default=False)

    class Meta:
        verbose_name = _("history series")
        verbose_name_plural = _("history series")
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="series_unique_code")]

    def __str__(self):
        return self.name


class SeriesPoint(models.Model):
    """A year's value of a series, as printed by one source. A revised figure is a new point from a newer source;
    the newest point of a year is the current figure, the others stay as its versions."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("printed in the plan")
        PRELIMINARY = "preliminary", _("preliminary (初步核算)")
        VERIFIED = "verified", _("verified (最终核实)")
        CENSUS = "census", _("revised after a census (普查修订)")

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="points", verbose_name=_("series"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=16)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PLAN)
    source_title = models.CharField(_("source document"), max_length=300, blank=True)
    source_url = models.CharField(_("source address or file"), max_length=500, blank=True)
    source_date = models.DateField(_("source date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("series point")
        verbose_name_plural = _("series points")
        ordering = ["series", "year", "recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["series", "year", "source_title"],
                                               name="series_point_unique_source")]

    def __str__(self):
        return f"{self.series} {self.year}: {self.value}"


class DistrictTarget(models.Model):
    """A district's share of a city target (指标分解)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="district_targets",
                                  verbose_name=_("indicator"))
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="targets",
                                 verbose_name=_("district"))
    target_value = models.DecimalField(_("target value"), max_digits=20, decimal_places=6)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district target")
        verbose_name_plural = _("district targets")
        constraints = [models.UniqueConstraint(fields=["indicator", "district"], name="district_target_unique")]

    def __str__(self):
        return f"{self.indicator} · {self.district}: {self.target_value}"


class ProvinceAssignment(models.Model):
    """The amount the province assigns for a year to a qualitative indicator (完成省下达目标任务)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="assignments",
                                  verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    assigned_value = models.DecimalField(_("assigned amount"), max_digits=20, decimal_places=6)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("province's assigned amount")
        verbose_name_plural = _("province's assigned amounts")
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="assignment_unique_year")]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.assigned_value}"


class ReportingPeriod(models.Model):
    """A quarter open for reporting, with its deadline."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, q) for q in range(1, 5)])
    deadline = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["plan", "year", "quarter"]
        constraints = [models.UniqueConstraint(fields=["plan", "year", "quarter"], name="period_unique")]

    def __str__(self):
        return f"{self.year}年第{self.quarter}季度"


class Submission(models.Model):
    """One district's (or the city's) figures for one quarter, moving draft → submitted → approved/returned."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("plan"))
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="submissions", verbose_name=_("district"),
                                 help_text=_("Empty: figures published for the whole city."))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=0,
                                           help_text=_("Raised by every save; a save based on an older revision is refused."))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("approved or returned by"))
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    # what was typed into fields that failed their checks, kept with the draft so that the form shows it again:
    # {indicator id: {"value" | "numerator" | "denominator" | "comment": text}}
    invalid_input = models.JSONField(_("尚未通过校验的输入"), default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["plan", "year", "quarter", "district__order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "district", "year", "quarter"], name="submission_unique_district",
                                    condition=Q(district__isnull=False)),
            models.UniqueConstraint(fields=["plan", "year", "quarter"], name="submission_unique_city",
                                    condition=Q(district__isnull=True)),
        ]

    def __str__(self):
        return f"{self.district or _('全市')} {self.year}年第{self.quarter}季度"


class Observation(models.Model):
    """A figure: indicator × district (or the whole city) × year × quarter.

    Flows are cumulative year-to-date (1-3月, 1-6月, 1-9月, 1-12月); shares carry numerator and denominator.
    This row is the working copy edited in the forms; the values that count are its versions.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations",
                                  verbose_name=_("indicator"))
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="observations", verbose_name=_("district"),
                                 help_text=_("Empty: the whole city."))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), help_text=_("4 for annual figures."))
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="observations", verbose_name=_("submission"))
    value = models.DecimalField(_("value"), **VALUE)
    numerator = models.DecimalField(_("numerator"), **VALUE)
    denominator = models.DecimalField(_("denominator"), **VALUE)
    comment = models.TextField(_("comment"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # the submission's revision written by the save that last changed this figure: a save based on an older
    # revision conflicts on exactly the figures changed since
    entry_revision = models.PositiveIntegerField(_("最后修改所在版本"), default=0, db_default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["indicator", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "district", "year", "quarter"],
                                    name="observation_unique_district", condition=Q(district__isnull=False)),
            models.UniqueConstraint(fields=["indicator", "year", "quarter"],
                                    name="observation_unique_city", condition=Q(district__isnull=True)),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="observation_quarter_1_4"),
        ]
        indexes = [models.Index(fields=["district", "year", "quarter"]),
                   models.Index(fields=["indicator", "year", "quarter"], name="observation_indicator_period"),
                   # every district's figures of one quarter: what an incremental recompute aggregates
                   models.Index(fields=["year", "quarter"], name="observation_period"),
                   # "is there demo data?" is asked by every page (the banner): the few demo rows, indexed
                   models.Index(fields=["is_demo"], name="observation_demo", condition=Q(is_demo=True))]

    def __str__(self):
        return f"{self.indicator.name} · {self.district or _('全市')} · {self.year}Q{self.quarter}"


class ObservationVersion(models.Model):
    """A value of a figure that counts: approved district entry, or an official publication and its revisions.

    Progress uses the newest non-demo version (demo never overrides a real figure); the first version is
    the figure "as first published".
    """

    class Kind(models.TextChoices):
        DISTRICT = "district", _("entered by a district and approved")
        PRELIMINARY = "preliminary", _("preliminary (初步核算)")
        VERIFIED = "verified", _("verified (最终核实)")
        CENSUS = "census", _("revised after a census (普查修订)")
        DEMO = "demo", _("demo data (演示数据)")

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="versions",
                                    verbose_name=_("figure"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    value = models.DecimalField(_("value"), **VALUE)
    numerator = models.DecimalField(_("numerator"), **VALUE)
    denominator = models.DecimalField(_("denominator"), **VALUE)
    source_title = models.CharField(_("source document"), max_length=300, blank=True)
    source_url = models.CharField(_("source address or file"), max_length=500, blank=True)
    source_date = models.DateField(_("source date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("figure version")
        verbose_name_plural = _("figure versions")
        ordering = ["observation", "recorded_at", "id"]

    def __str__(self):
        return f"{self.observation} [{self.get_kind_display()}] {self.value}"


class Progress(models.Model):
    """Derived: one row per indicator × scope × period × basis. Deleting all and recomputing gives the same rows."""

    class Basis(models.TextChoices):
        LATEST = "latest", _("newest figures")
        FIRST = "first", _("as first published")

    # Derived rows, written only by the recompute (a plan's are 400,000 at a province's scale): no database foreign
    # key, whose check of every row at commit was a quarter of a first recompute's write; Django still deletes them
    # with their indicator or district (on_delete), and the recompute removes rows it no longer computes. The
    # unique constraint below leads with the indicator, so the indicator needs no index of its own; the district is
    # read through the scope column, so it needs none either (deleting a district scans its plan's rows once).
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="progress",
                                  verbose_name=_("indicator"), db_constraint=False, db_index=False)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="progress", verbose_name=_("district"), db_constraint=False,
                                 db_index=False)  # nothing reads progress by district id (scope is the key)
    scope = models.CharField(_("scope"), max_length=40, help_text=_("'city' or the district code"))
    basis = models.CharField(_("basis"), max_length=8, choices=Basis.choices, default=Basis.LATEST)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    value = models.FloatField(_("value"), null=True)
    quarter_value = models.FloatField(_("value of the quarter alone"), null=True)
    annual_value = models.FloatField(_("annual value assessed"), null=True)
    is_provisional = models.BooleanField(_("provisional annual estimate"), default=False)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True)
    baseline_value = models.FloatField(_("baseline value"), null=True)
    target_value = models.FloatField(_("target value"), null=True)
    target_source = models.CharField(_("target source"), max_length=30, blank=True)
    t = models.FloatField(_("time (year)"), null=True)
    completion = models.FloatField(_("completion"), null=True)
    time_share = models.FloatField(_("time share"), null=True)
    cagr_actual = models.FloatField(_("actual growth"), null=True)
    cagr_required = models.FloatField(_("required growth"), null=True)
    ratio = models.FloatField(_("growth ratio"), null=True)
    achieved = models.BooleanField(_("achieved"), default=False)
    status = models.CharField(_("status"), max_length=24)
    reason = models.CharField(_("reason"), max_length=60, blank=True)
    light = models.CharField(_("light"), max_length=8, blank=True)
    projection = models.FloatField(_("projection to target year"), null=True)
    still_needed = models.FloatField(_("yearly growth still needed"), null=True)
    # the plan's final verdict (the target year's annual figure): achieved, largely_achieved or not_achieved
    is_final = models.BooleanField(_("规划终期结论"), default=False)
    shortfall = models.FloatField(_("距目标差额"), null=True,
                                  help_text=_("按指标单位计（增速、比重为百分点）；已达标为0"))
    target_share = models.FloatField(_("目标完成比例"), null=True)
    inputs = models.JSONField(_("inputs used"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    # a hash of every computed field: a recompute rewrites only the rows whose figures changed
    digest = models.BigIntegerField(_("digest"), null=True, editable=False)

    class Meta:
        verbose_name = _("progress row")
        verbose_name_plural = _("progress rows")
        ordering = ["indicator", "scope", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "scope", "basis", "year", "quarter"], name="progress_unique"),
        ]
        # no other index: the reads select by plan (its indicators), scope, basis and period, which the unique
        # constraint's index serves; a second index cost a recompute writing every row a sixth of its time and
        # served no page faster (measured at 183 × 100)

    def __str__(self):
        return f"{self.indicator} {self.scope} {self.year}Q{self.quarter}: {self.status}"


class RecomputeRun(models.Model):
    """When progress was last recomputed, and what for (shown on the dashboards)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="recompute_runs", verbose_name=_("plan"))
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("indicator"))
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"


class BackgroundJob(models.Model):
    """A long job a user started from a page (the Word review, the figures workbook, a full recompute): its
    progress, shown by a page that polls it, and its file (none for a recompute), kept in the database so that the web and the worker containers share it
    without a shared volume. Only its owner (and officials) may see it (districts.access.can_view_job)."""

    class Kind(models.TextChoices):
        REVIEW_DOCX = "review_docx", _("评估报告（Word）")
        FIGURES_XLSX = "figures_xlsx", _("已审核数据（xlsx）")
        RECOMPUTE = "recompute", _("重新计算进度")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    id = models.UUIDField(primary_key=True, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("参数"), default=dict)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("发起人"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    percent = models.PositiveSmallIntegerField(_("完成百分比"), default=0)
    step = models.CharField(_("步骤"), max_length=40, blank=True)
    error = models.TextField(_("错误"), blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    content = models.BinaryField(_("文件"), null=True, blank=True)
    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self):
        return f"{self.kind} {self.id} {self.state} {self.percent}%"
