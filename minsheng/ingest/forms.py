"""Forms of the ingest screens. Field errors are Chinese; the file itself is checked by the service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.policy.domain.vocab import COMPARATOR_LABELS_ZH, KIND_LABELS_ZH, Comparator, Firmness

from .services import AdoptInput, Correction

FIRMNESS_LABELS_ZH = {Firmness.ENSURE: "确保", Firmness.STRIVE: "力争", Firmness.NONE: "一般"}
_NUMBER = {"invalid": _("请输入数字"), "max_digits": _("数值过大"), "max_decimal_places": _("最多四位小数")}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("政策文件"),
        allow_empty_file=True,  # an empty file is refused by the service, with the others (and audited)
        help_text=_("支持 .txt、.docx、.pdf（须有文字层），不超过 20 MB"),
        error_messages={"required": _("请选择要上传的文件"), "empty": _("文件为空")},
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.pdf"}),
    )


class CorrectionForm(forms.Form):
    """The reviewer's values for a target (all fields) or a commitment (title, deadline, task)."""

    indicator = forms.CharField(label=_("指标"), max_length=200, error_messages={"required": _("请填写指标")})
    comparator = forms.ChoiceField(
        label=_("比较"), choices=[(c.value, f"{c.value} {COMPARATOR_LABELS_ZH[c]}") for c in Comparator]
    )
    value = forms.DecimalField(
        label=_("目标值"),
        max_digits=16,
        decimal_places=4,
        error_messages={"required": _("请填写目标值"), **_NUMBER},
    )
    value_max = forms.DecimalField(
        label=_("上限"), required=False, max_digits=16, decimal_places=4, error_messages=_NUMBER
    )
    unit = forms.CharField(label=_("单位"), max_length=32, error_messages={"required": _("请填写单位")})
    kind = forms.ChoiceField(
        label=_("类型"), choices=[(k.value, label) for k, label in KIND_LABELS_ZH.items()]
    )
    deadline = forms.DateField(
        label=_("完成时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("日期格式应为 2025-12-31")},
    )
    firmness = forms.ChoiceField(
        label=_("力度"), choices=[(f.value, label) for f, label in FIRMNESS_LABELS_ZH.items()]
    )
    task = forms.ChoiceField(label=_("所属任务"), required=False)

    def __init__(
        self,
        *args: Any,
        is_target: bool = True,
        task_choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.is_target = is_target
        task_field = self.fields["task"]
        assert isinstance(task_field, forms.ChoiceField)
        task_field.choices = task_choices or [("", "未归类")]
        if not is_target:
            self.fields["indicator"].label = _("事项")
            for name in ("comparator", "value", "value_max", "unit", "kind", "firmness"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.is_target:
            return data
        comparator = data.get("comparator")
        value: Decimal | None = data.get("value")
        value_max: Decimal | None = data.get("value_max")
        if comparator == Comparator.RANGE:
            if value_max is None:
                self.add_error("value_max", _("区间目标须填写上限"))
            elif value is not None and value_max <= value:
                self.add_error("value_max", _("上限须大于目标值（下限）"))
        elif value_max is not None:
            self.add_error("value_max", _("只有区间目标可以填写上限"))
        return data

    def to_correction(self) -> Correction:
        d = self.cleaned_data
        if not self.is_target:
            return Correction(
                indicator=d["indicator"].strip(), task_path=d.get("task") or "", deadline=d.get("deadline")
            )
        return Correction(
            indicator=d["indicator"].strip(),
            task_path=d.get("task") or "",
            comparator=d["comparator"],
            value=d["value"],
            value_max=d.get("value_max") if d["comparator"] == Comparator.RANGE else None,
            unit=d["unit"].strip(),
            kind=d["kind"],
            deadline=d.get("deadline"),
            firmness=d["firmness"],
        )


class AdoptForm(forms.Form):
    """The policy header, prefilled from what the engine recovered, editable before adoption."""

    title = forms.CharField(label=_("标题"), max_length=200, error_messages={"required": _("请填写政策标题")})
    issuer = forms.CharField(
        label=_("发文机关"), max_length=100, error_messages={"required": _("请填写发文机关")}
    )
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False)
    issued_on = forms.DateField(
        label=_("发文日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("日期格式应为 2022-01-14")},
    )
    plan_end_year = forms.IntegerField(
        label=_("规划期末年份"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("请填写规划期末年份"),
            "invalid": _("请输入年份"),
            "min_value": _("年份应在2000—2100之间"),
            "max_value": _("年份应在2000—2100之间"),
        },
    )

    def to_input(self) -> AdoptInput:
        d = self.cleaned_data
        return AdoptInput(
            title=d["title"].strip(),
            issuer=d["issuer"].strip(),
            document_number=(d.get("document_number") or "").strip(),
            issued_on=d.get("issued_on"),
            plan_end_year=d["plan_end_year"],
        )
