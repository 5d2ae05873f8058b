"""The quarterly entry form: one text field per number (two for a share), one comment per indicator.

Number fields are text fields so that what was typed comes back unchanged when the form has errors;
indicators.parsing reads them, indicators.entry checks the rules.
"""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.entry.selectors import FormRow
from indicators.entry.validation import NUMBER_FIELDS, EntryValidationError
from indicators.figures.parsing import ParseError, parse_number
from indicators.models import Measure


def plain(value: Decimal | None) -> str:
    """A stored Decimal as someone would type it: 1234.500000 → 1234.5."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def field_name(indicator, part: str) -> str:
    return f"i{indicator.number}_{part}"


class QuarterForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages={
        "required": gettext_lazy("表单已过期，请刷新页面后重新填写。 The form is out of date: reload the page."),
        "invalid": gettext_lazy("表单已过期，请刷新页面后重新填写。 The form is out of date: reload the page."),
        "min_value": gettext_lazy("表单已过期，请刷新页面后重新填写。 The form is out of date: reload the page.")})

    def __init__(self, *args, rows: list[FormRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            ind = row.indicator
            parts = ("numerator", "denominator") if ind.measure == Measure.SHARE else ("value",)
            stored = row.stored
            for part in parts:
                label = {"value": ind.name, "numerator": _("%(name)s（分子 numerator）") % {"name": ind.name},
                         "denominator": _("%(name)s（分母 denominator）") % {"name": ind.name}}[part]
                self.fields[field_name(ind, part)] = forms.CharField(
                    label=label, required=False, max_length=60, error_messages={
                        "max_length": _("「%(name)s」内容过长，请只填写数字。 %(name)s: too long; type only the number.")
                        % {"name": label},
                        "null_characters_not_allowed": _("「%(name)s」含有不可见的控制字符。 %(name)s: contains a null "
                                                         "character.") % {"name": label}},
                    initial=plain(getattr(stored, part)) if stored else "",
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                  "class": "num-input", "data-indicator": ind.number}))
            self.fields[field_name(ind, "comment")] = forms.CharField(
                label=_("%(name)s（备注 comment）") % {"name": ind.name}, required=False, max_length=1000,
                error_messages={"max_length": _("「%(name)s」备注不能超过1000字。 %(name)s: the comment is longer than "
                                                "1,000 characters.") % {"name": ind.name},
                                "null_characters_not_allowed": _("「%(name)s」备注含有不可见的控制字符。 %(name)s: the "
                                                                 "comment contains a null character.") % {"name": ind.name}},
                initial=stored.comment if stored else "",
                widget=forms.Textarea(attrs={"rows": 1, "class": "comment-input"}))

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            ind = row.indicator
            for part in NUMBER_FIELDS:
                name = field_name(ind, part)
                if name not in self.fields or name in self.errors:
                    continue
                unit = "" if ind.measure == Measure.SHARE else ind.unit
                suffix = {"value": ("", ""), "numerator": ("（分子）", " (numerator)"),
                          "denominator": ("（分母）", " (denominator)")}[part]
                try:
                    cleaned[name] = parse_number(
                        cleaned.get(name, ""), unit=unit, required=False,
                        label=f"{ind.number}. {ind.name}{suffix[0]}",
                        label_en=f"{ind.number}. {ind.name_en or ind.name}{suffix[1]}")
                except ParseError as exc:
                    self.add_error(name, exc.message)
        return cleaned

    def values(self, *, skip_errors: bool = False) -> dict[int, dict]:
        """indicator_id → {value|numerator, denominator, comment} from the cleaned data.

        skip_errors: leave out indicators with a field in error (to check the rest of an invalid form)."""
        out = {}
        for row in self.rows:
            ind = row.indicator
            if skip_errors and any(name.startswith(f"i{ind.number}_") for name in self.errors):
                continue
            item = {"comment": self.cleaned_data.get(field_name(ind, "comment"), "")}
            for part in NUMBER_FIELDS:
                name = field_name(ind, part)
                if name in self.fields:
                    item[part] = self.cleaned_data.get(name)
            out[ind.id] = item
        return out

    def add_entry_errors(self, exc: EntryValidationError) -> None:
        by_id = {row.indicator.id: row.indicator for row in self.rows}
        for ind_id, fields in exc.errors.items():
            ind = by_id.get(ind_id)
            for part, messages in fields.items():
                name = field_name(ind, part) if ind else None
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        for message in exc.general:
            self.add_error(None, message)

    def bound_rows(self):
        """The rows with their bound fields, for the template."""
        for row in self.rows:
            ind = row.indicator
            numbers = [self[field_name(ind, p)] for p in NUMBER_FIELDS if field_name(ind, p) in self.fields]
            yield {"row": row, "indicator": ind, "numbers": numbers, "comment": self[field_name(ind, "comment")]}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因 reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy("请填写原因。 A reason is required.")})


class ApproveForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("审核意见（可选） comment (optional)"), max_length=2000,
                              required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件（xlsx 或 csv） file (xlsx or csv)"), allow_empty_file=True,
                           error_messages={"required": gettext_lazy("请选择文件。 Choose a file.")})
