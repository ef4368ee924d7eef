"""Forms of the assessment screens: the year's scheme (office) and a third-party score (evaluator)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.org.models import Unit

from .models import AssessmentScheme


class SchemeForm(forms.ModelForm):  # type: ignore[type-arg]
    """Every field of the scheme; the model's clean() checks the rules with the domain dataclass."""

    class Meta:
        model = AssessmentScheme
        fields = AssessmentScheme.FIELDS


class SatisfactionForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none())
    score = forms.FloatField(label=_("测评得分（0—100）"), min_value=0, max_value=100)
    source = forms.CharField(label=_("来源（测评机构、报告）"), max_length=300)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Unit.objects.filter(id__in=[u.id for u in units]).order_by("sort_order", "code")
