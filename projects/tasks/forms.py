"""Forms of the task pages: assignment (officials), the lead unit's report, a supporting unit's part, decisions."""
from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.figures.selectors import display_name
from projects.models import TaskProgress


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class AssignForm(forms.Form):
    lead = forms.ChoiceField(label=_("牵头单位"), required=False)
    supporting = forms.MultipleChoiceField(label=_("配合单位"), required=False, widget=forms.CheckboxSelectMultiple)
    milestones = forms.CharField(label=_("年度目标（每行一项：年份：内容）"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 5, "placeholder": "2023：完成……"}))
    reason = forms.CharField(label=_("修改说明"), required=False, max_length=90)

    def __init__(self, *args, units: dict, **kwargs):
        """units: key → unit (departments and districts); each offered by its name in the page's language."""
        super().__init__(*args, **kwargs)
        departments = [(k, display_name(u.obj)) for k, u in units.items() if u.kind == "department"]
        districts = [(k, display_name(u.obj)) for k, u in units.items() if u.kind == "district"]
        self.fields["lead"].choices = [("", _("（未分配）")), (_("市级部门"), departments),
                                       (_("县（市、区）"), districts)]
        self.fields["supporting"].choices = departments + districts


class ReportForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    progress = forms.ChoiceField(label=_("进展状态"), required=False,
                                 choices=[("", _("（请选择）")), *TaskProgress.choices])
    narrative = forms.CharField(label=_("进展情况"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    files = MultipleFileField(label=_("佐证材料（pdf、docx、xlsx、jpg、png，每个不超过 10 MB）"), required=False)
    action = forms.ChoiceField(choices=[("save", "save"), ("submit", "submit")], required=False)


class ContributionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    narrative = forms.CharField(label=_("本单位配合进展"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("退回原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    comment = forms.CharField(label=_("审核意见"), required=False, max_length=200)
