"""Forms of the projects part: an official's tracking data of a project (the quarterly progress and the
register's bulk entry are read straight from the POST by the views, so that the typed values come back as typed)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from districts.models import Department, District
from indicators.figures.selectors import display_name
from projects.models import Project


class ProjectTrackingForm(forms.ModelForm):
    reason = forms.CharField(label=_("修改原因"), max_length=100)

    class Meta:
        model = Project
        fields = ["responsible_department", "responsible_district", "districts", "start_year", "end_year",
                  "planned_investment", "acceptance_date", "acceptance_by", "acceptance_result"]
        widgets = {"acceptance_date": forms.DateInput(attrs={"type": "date"}),
                   "districts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_department"].queryset = Department.objects.filter(is_active=True)
        self.fields["responsible_district"].queryset = District.objects.filter(plan=plan).order_by("order")
        self.fields["districts"].queryset = District.objects.filter(plan=plan).order_by("order")
        self.fields["districts"].required = False
        for name in ("responsible_department", "responsible_district", "districts"):
            self.fields[name].label_from_instance = display_name

    def clean(self):
        data = super().clean()
        if data.get("responsible_department") and data.get("responsible_district"):
            self.add_error("responsible_district", _("责任单位只能是一个市级部门或一个县（市、区）。"))
        if data.get("planned_investment") is not None and data["planned_investment"] < 0:
            self.add_error("planned_investment", _("计划投资不能为负数。"))
        return data
