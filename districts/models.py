from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """A five-year plan. Everything else belongs to one, so the 2026–2030 plan loads beside this one.

    Its life: draft (loaded from a definition, seen and edited by admins only) → in force (the one plan figures
    are entered for; at most one at a time) → ended (read-only for entry; its pages and reviews stay browsable).
    The moves are services in indicators.plans.services.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        IN_FORCE = "in_force", _("施行中")
        ENDED = "ended", _("已结束")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("target year"))
    base_year = models.PositiveSmallIntegerField(_("baseline year"))
    source = models.CharField(_("source document"), max_length=300, blank=True)
    issuer = models.CharField(_("发布机关"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_example = models.BooleanField(_("示例规划（非正式规划）"), default=False)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_plans",
                                 verbose_name=_("上一规划"))
    in_force_at = models.DateTimeField(_("施行时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_year"]
        constraints = [models.UniqueConstraint(fields=["status"], condition=Q(status="in_force"),
                                               name="plan_one_in_force")]

    def __str__(self):
        return f"{self.name}（{self.start_year}—{self.end_year}）"

    @property
    def is_current(self) -> bool:
        """The plan in force: the one figures are entered for."""
        return self.status == self.Status.IN_FORCE


class District(models.Model):
    """A county-level unit of 专栏8 (11 administrative divisions plus 高新区)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="districts", verbose_name=_("plan"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    function_positioning = models.TextField(_("功能定位"), blank=True)
    development_focus = models.TextField(_("发展重点"), blank=True)
    adcode = models.CharField(_("administrative code"), max_length=6, blank=True,
                              help_text=_("Empty for units that are not administrative divisions (高新区)."))
    is_administrative = models.BooleanField(_("administrative division"), default=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="district_unique_code")]

    def __str__(self):
        return self.name


class SpatialArea(models.Model):
    """The layout 一核引领、两带两片: the core (with its four 片区), two belts and two areas."""

    class Kind(models.TextChoices):
        CORE = "core", _("core (核)")
        CORE_PART = "core_part", _("part of the core (片区)")
        BELT = "belt", _("belt (带)")
        AREA = "area", _("area (片)")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="spatial_areas", verbose_name=_("plan"))
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="parts", verbose_name=_("part of"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description as printed"), blank=True)
    districts = models.ManyToManyField(District, blank=True, related_name="spatial_areas",
                                       verbose_name=_("districts covered"))
    districts_note = models.CharField(_("coverage as printed"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("spatial area")
        verbose_name_plural = _("spatial areas")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="spatial_area_unique_code")]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """Which district a user acts for. Users without one (officials, admins) act city-wide."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="district_membership", verbose_name=_("user"))
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="members",
                                 verbose_name=_("district"))

    class Meta:
        verbose_name = _("district membership")
        verbose_name_plural = _("district memberships")

    def __str__(self):
        return f"{self.user} → {self.district}"


class Department(models.Model):
    """A municipal department (市商务局, 市文广旅局, …) that leads or supports the plan's tasks and projects.

    Departments outlive plans, so they belong to none; the admin keeps the list (a starting list is loaded by
    `manage.py load_departments`). Their staff report on what they lead or support, and nothing else.
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("市级部门")
        verbose_name_plural = _("市级部门")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class DepartmentMembership(models.Model):
    """Which municipal department a department staff member acts for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="department_membership", verbose_name=_("user"))
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="members",
                                   verbose_name=_("市级部门"))

    class Meta:
        verbose_name = _("部门成员")
        verbose_name_plural = _("部门成员")

    def __str__(self):
        return f"{self.user} → {self.department}"
