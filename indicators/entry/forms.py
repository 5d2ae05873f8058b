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
from indicators.entry.validation import (
    NUMBER_FIELDS,
    EntryValidationError,
    FieldConflict,
)
from indicators.figures.formatting import with_unit
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
        "required": gettext_lazy("表单已过期，请刷新页面后重新填写。"),
        "invalid": gettext_lazy("表单已过期，请刷新页面后重新填写。"),
        "min_value": gettext_lazy("表单已过期，请刷新页面后重新填写。")})
    # after a conflict: the revision whose stored values the user has seen and chosen against (see the view)
    resolve_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, rows: list[FormRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            ind = row.indicator
            parts = ("numerator", "denominator") if ind.measure == Measure.SHARE else ("value",)
            stored = row.stored
            for part in parts:
                label = {"value": ind.name, "numerator": _("%(name)s（分子）") % {"name": ind.name},
                         "denominator": _("%(name)s（分母）") % {"name": ind.name}}[part]
                self.fields[field_name(ind, part)] = forms.CharField(
                    label=label, required=False, max_length=60, error_messages={
                        "max_length": _("「%(name)s」内容过长，请只填写数字。")
                        % {"name": label},
                        "null_characters_not_allowed": _("「%(name)s」含有不可见的控制字符。") % {"name": label}},
                    initial=plain(getattr(stored, part)) if stored else "",
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                  "class": "num-input", "data-indicator": ind.number}))
            self.fields[field_name(ind, "comment")] = forms.CharField(
                label=_("%(name)s（备注）") % {"name": ind.name}, required=False, max_length=1000,
                error_messages={"max_length": _("「%(name)s」备注不能超过1000字。") % {"name": ind.name},
                                "null_characters_not_allowed": _("「%(name)s」备注含有不可见的控制字符。") % {"name": ind.name}},
                initial=row.comment,
                widget=forms.Textarea(attrs={"rows": 1, "class": "comment-input"}))
        self.conflicts: dict[str, FieldConflict] = {}
        self.unpicked: set[str] = set()

    @classmethod
    def for_stored(cls, *, rows: list[FormRow], revision: int) -> QuarterForm:
        """The form as stored: the saved values, and the typed text of fields that failed their checks (kept with
        the draft) bound so that they show again with their messages."""
        form = cls(initial={"revision": revision}, rows=rows)
        if not any(row.typed for row in rows):
            return form
        data = {"revision": str(revision)}
        for row in rows:
            for part in (*NUMBER_FIELDS, "comment"):
                name = field_name(row.indicator, part)
                if name in form.fields:
                    initial = form.fields[name].initial
                    data[name] = row.typed.get(part, "") if row.typed else initial  # what was typed, blanks too
        return cls(data, rows=rows)

    @property
    def missing(self) -> list[str]:
        """The fields of the form absent from the data: absent is not empty, a crafted or truncated POST must not
        blank a stored value."""
        if not self.is_bound:
            return []
        return [name for name in self.fields if name not in ("revision", "resolve_revision") and name not in self.data]

    def clean(self):
        cleaned = super().clean()
        if self.missing:
            self.add_error(None, _("表单不完整（缺少 %(n)s 个字段），未保存任何数据；请刷新页面后重新填写。")
                           % {"n": len(self.missing)})
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

    def raw_values(self) -> dict[int, dict]:
        """indicator_id → what was typed into each of its fields (the services parse and check it)."""
        out = {}
        for row in self.rows:
            item = {}
            for part in (*NUMBER_FIELDS, "comment"):
                name = field_name(row.indicator, part)
                if name in self.fields:
                    item[part] = self.data.get(name, "")
            out[row.indicator.id] = item
        return out

    def picks(self) -> dict[tuple[int, str], str]:
        """(indicator_id, part) → "stored" or "mine": the user's choice for each conflicting field."""
        out = {}
        for row in self.rows:
            for part in (*NUMBER_FIELDS, "comment"):
                choice = self.data.get("pick_" + field_name(row.indicator, part))
                if choice in ("stored", "mine"):
                    out[(row.indicator.id, part)] = choice
        return out

    def show_conflicts(self, conflicts, unpicked=()) -> None:
        by_id = {row.indicator.id: row.indicator for row in self.rows}
        self.conflicts = {field_name(by_id[c.indicator_id], c.part): c for c in conflicts if c.indicator_id in by_id}
        self.unpicked = {field_name(by_id[c.indicator_id], c.part) for c in unpicked if c.indicator_id in by_id}

    def add_entry_errors(self, exc: EntryValidationError) -> None:
        by_id = {row.indicator.id: row.indicator for row in self.rows}
        for ind_id, fields in exc.errors.items():
            ind = by_id.get(ind_id)
            for part, messages in fields.items():
                name = field_name(ind, part) if ind else None
                name = name if name in self.fields else None
                for message in messages:
                    if message not in self.errors.get(name or "__all__", []):  # the form's own parse said it
                        self.add_error(name, message)
        for message in exc.general:
            self.add_error(None, message)

    def _share_preview(self, row: FormRow) -> str:
        """numerator ÷ denominator × 100 as typed (a bound form) or stored: the value a save would store."""
        ind = row.indicator
        if not self.is_bound:
            value = row.stored.value if row.stored is not None else None
        else:
            try:
                num, den = (parse_number(self.data.get(field_name(ind, part), ""), unit="", required=True)
                            for part in ("numerator", "denominator"))
            except ParseError:
                return ""
            value = num / den * 100 if den > 0 and 0 <= num <= den else None
        return with_unit(value, "%", ind.decimals) if value is not None else ""

    def bound_rows(self):
        """The rows with their bound fields, conflicts and share preview, for the template."""
        for row in self.rows:
            ind = row.indicator
            numbers = [self[field_name(ind, p)] for p in NUMBER_FIELDS if field_name(ind, p) in self.fields]
            conflicts = [{"field": self[name], "conflict": self.conflicts[name], "unpicked": name in self.unpicked,
                          "pick": self.data.get("pick_" + name) if self.is_bound else None}
                         for name in (field_name(ind, p) for p in (*NUMBER_FIELDS, "comment"))
                         if name in self.conflicts]
            stored_comment = row.stored.comment if row.stored is not None else ""
            yield {"row": row, "indicator": ind, "numbers": numbers, "comment": self[field_name(ind, "comment")],
                   "conflicts": conflicts, "share_preview": self._share_preview(row) if ind.measure == Measure.SHARE
                   else "", "earlier_comment": stored_comment if stored_comment != row.comment else ""}


OUT_OF_DATE = gettext_lazy("表单已过期，请刷新页面后重新填写。")


def revision_field(required: bool = True) -> forms.IntegerField:
    """The submission's revision a decision is taken on: what the official's page showed."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=required, error_messages={
        "required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE})


class ReasonForm(forms.Form):
    revision = revision_field(required=False)
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy("请填写原因。")})


class ReturnForm(ReasonForm):
    revision = revision_field()


class ApproveForm(forms.Form):
    revision = revision_field()
    comment = forms.CharField(label=gettext_lazy("审核意见（可选）"), max_length=2000,
                              required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviseForm(forms.Form):
    """The admin's revision of an approved figure: the new value (or numerator and denominator) and why."""

    value = forms.CharField(label=gettext_lazy("新数值"), required=False, max_length=60)
    numerator = forms.CharField(label=gettext_lazy("新分子"), required=False, max_length=60)
    denominator = forms.CharField(label=gettext_lazy("新分母"), required=False, max_length=60)
    reason = forms.CharField(label=gettext_lazy("修订原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy("请填写原因。")})


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("重新开放原因"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy("请填写原因。")})


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件（xlsx 或 csv）"), allow_empty_file=True,
                           error_messages={"required": gettext_lazy("请选择文件。")})
