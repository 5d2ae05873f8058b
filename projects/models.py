"""Zones, streets, buildings, parks, opening-up projects and platforms of the plan, with milestones and investment."""
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
