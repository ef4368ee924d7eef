from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minsheng.org.selectors import departments

from . import selectors
from .domain.vocab import COMPARATOR_LABELS_ZH, KIND_LABELS_ZH


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    """The catalog by system and task, filterable by system, task and lead unit."""
    policy = selectors.default_policy()
    context: dict[str, object] = {"policy": policy, "kind_labels": KIND_LABELS_ZH}
    if policy is not None:
        system = request.GET.get("system", "")
        task = request.GET.get("task", "")
        lead = request.GET.get("lead", "")
        context.update(
            systems=selectors.catalog_systems(policy),
            filtered=selectors.targets_filtered(
                request.user, policy, system=system, task=task, lead_unit=lead
            )
            if (system or task or lead)
            else None,
            departments=departments(),
            selected={"system": system, "task": task, "lead": lead},
        )
    return render(request, "policy/catalog.html", context)


@login_required
def target_detail(request: HttpRequest, policy_code: str, code: str) -> HttpResponse:
    target = selectors.get_target_for_user_or_404(request.user, policy_code, code)
    return render(
        request,
        "policy/target_detail.html",
        {
            "target": target,
            "comparator_label": COMPARATOR_LABELS_ZH.get(target.comparator, target.comparator),  # type: ignore[call-overload]
            "kind_label": KIND_LABELS_ZH.get(target.kind, target.kind),  # type: ignore[call-overload]
        },
    )
