"""Forms accept only what a reporter may set: the value, the narrative, an outlier reason, the contact
person and phone, evidence.

Status, approver and unit are not fields here; they come from the URL (checked) and the state machine.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services.submissions import SubmissionInput


class ReportForm(forms.Form):
    value = forms.CharField(label=_("本期数值"), required=False, max_length=40)
    progress = forms.CharField(label=_("进展情况"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_steps = forms.CharField(
        label=_("下步打算"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    outlier_reason = forms.CharField(
        label=_("异常说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    # Checked by the service (reporting and the API share the Chinese messages); the form only bounds length.
    contact_name = forms.CharField(label=_("填报人"), required=False, max_length=50)
    contact_phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

    def to_input(self) -> SubmissionInput:
        d = self.cleaned_data
        return SubmissionInput(
            value=d.get("value") or None,
            progress=d.get("progress") or "",
            problems=d.get("problems") or "",
            next_steps=d.get("next_steps") or "",
            outlier_reason=d.get("outlier_reason") or "",
            contact_name=d.get("contact_name") or "",
            contact_phone=d.get("contact_phone") or "",
        )


class CorrectionForm(ReportForm):
    correction_reason = forms.CharField(
        label=_("更正原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("佐证材料"))


class LedgerImportForm(forms.Form):
    """The edited ledger workbook (.xlsx, ≤ 20 MB; checked again by the service and the workbook reader)."""

    file = forms.FileField(label=_("台帐文件（.xlsx）"))


class LedgerExportForm(forms.Form):
    period = forms.ChoiceField(
        label=_("报告期"),
        required=False,
        choices=[
            ("", _("当前应报期间")),
            ("Q1", _("第一季度")),
            ("Q2", _("第二季度")),
            ("Q3", _("第三季度")),
            ("Q4", _("第四季度")),
        ],
    )
    mine = forms.BooleanField(required=False)
