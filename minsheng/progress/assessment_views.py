"""The 考核 screens: ranking with explanation trails, scorecards and rankings, export, scheme, satisfaction."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from . import assessment_service as svc
from .domain.assessment import Component
from .domain.scorecard import Metric
from .forms import SatisfactionForm, SchemeForm
from .models import AssessmentScheme, SatisfactionScore

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(value: int | str) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise Http404("年度不正确") from exc
    if year not in svc.YEARS:
        raise Http404("年度不正确")
    return year


def _view(request: HttpRequest, year: int) -> svc.AssessmentView:
    view = svc.assessment_for_user(request.user, _year(year))
    if view is None:
        raise Http404("没有可查看的单位")
    return view


@login_required
def assessment_home(request: HttpRequest) -> HttpResponse:
    return redirect("progress:assessment", year=timezone.localdate().year - 1)


@login_required
def assessment(request: HttpRequest, year: int) -> HttpResponse:
    """The year's ranking (each row opens its explanation trail), the scorecards and per-metric rankings."""
    view = _view(request, year)
    components = list(view.results.scheme.components)
    rows = [{"unit": u, "scores": [u.component(c) for c in components]} for u in view.results.units]
    return render(
        request,
        "progress/assessment.html",
        {
            "view": view,
            "year": view.year,
            "components": components,
            "weights": [view.results.scheme.weights[c] for c in components],
            "rows": rows,
            "cards": [(c, {m.value: c.display(m) for m in Metric}) for c in view.cards],
            "rankings": [(m, view.rankings[m]) for m in Metric],
            "supervision_assessed": Component.SUPERVISION in components,
            "can_edit_scheme": svc.can_edit_scheme(request.user),
            "can_enter_satisfaction": svc.can_enter_satisfaction(request.user),
            "years": [view.year - 1, view.year, view.year + 1],
        },
    )


@login_required
def assessment_export(request: HttpRequest, year: int) -> HttpResponse:
    """The ranking as the user sees it, as .xlsx for the performance office (audited)."""
    view = _view(request, year)
    with tempfile.TemporaryDirectory(prefix="minsheng-assessment-") as tmp:
        path = svc.assessment_export(actor=request.user, view=view, path=Path(tmp) / "assessment.xlsx")
        body = path.read_bytes()
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="assessment-{view.year}.xlsx"'
    return response


@login_required
def scheme_edit(request: HttpRequest) -> HttpResponse:
    """The office edits a year's scheme (?year=2025); everyone else: 404."""
    if not svc.can_edit_scheme(request.user):
        raise Http404("页面不存在")
    year = _year(request.GET.get("year") or request.POST.get("year") or "")
    instance = AssessmentScheme.objects.filter(year=year).first() or AssessmentScheme(year=year)
    form = SchemeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        svc.scheme_save(
            actor=request.user, year=year, values={f: form.cleaned_data[f] for f in AssessmentScheme.FIELDS}
        )
        return redirect("progress:assessment", year=year)
    return render(request, "progress/assessment_scheme.html", {"form": form, "year": year})


@login_required
def satisfaction_edit(request: HttpRequest) -> HttpResponse:
    """The evaluator enters a unit's third-party score for a year (?year=2025); everyone else: 404."""
    if not svc.can_enter_satisfaction(request.user):
        raise Http404("页面不存在")
    year = _year(request.GET.get("year") or request.POST.get("year") or "")
    units = svc.assessed_units()
    form = SatisfactionForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        svc.satisfaction_set(
            actor=request.user, year=year, unit=d["unit"], score=d["score"], source=d["source"]
        )
        return redirect(f"{request.path}?year={year}")
    scores = SatisfactionScore.objects.filter(year=year).select_related("unit").order_by("unit__code")
    return render(
        request, "progress/assessment_satisfaction.html", {"form": form, "year": year, "scores": scores}
    )
