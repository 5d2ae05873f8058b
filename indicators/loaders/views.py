from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from districts import access
from indicators.figures import selectors as figures
from indicators.loaders import published
from indicators.models import Indicator, ObservationVersion
from indicators.progress import services


class BulletinForm(forms.Form):
    KINDS = [(k, label) for k, label in ObservationVersion.Kind.choices
             if k in ("preliminary", "verified", "census")]
    source_title = forms.CharField(label=_("来源文件"), max_length=300)
    source_url = forms.CharField(label=_("网址或文件"), max_length=500, required=False)
    source_date = forms.DateField(label=_("发布日期"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("数据类型"), choices=KINDS)
    file = forms.FileField(label=_("文件（xlsx 或 csv：指标序号、年份、季度、数值）"))


def bulletin_upload(request):
    """Admins record a bulletin's city figures as new versions, with their source: all rows or none."""
    access.require_admin(request.user)
    plan = figures.plan_for_request(request)
    errors = []
    form = BulletinForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        indicators = {i.number: i for i in Indicator.objects.filter(plan=plan)}
        rows, errors = published.parse_bulletin(upload.read(), upload.name, indicators=indicators)
        if not errors:
            changed = published.bulletin_record(
                rows=rows, kind=form.cleaned_data["kind"], source_title=form.cleaned_data["source_title"],
                source_url=form.cleaned_data["source_url"], source_date=form.cleaned_data["source_date"],
                user=request.user)
            if changed:
                services.enqueue_recompute(plan_id=plan.id, indicator_ids=changed)
            messages.success(request, _("已记录 %(n)s 个数据版本。") % {"n": len(rows)})
            return redirect("bulletin_upload")
    return render(request, "indicators/loaders/bulletin_upload.html", {"form": form, "errors": errors, "plan": plan})
