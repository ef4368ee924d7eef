from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minsheng.policy import selectors as policy_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    policy = policy_selectors.default_policy()
    by_system = []
    if policy is not None:
        by_system = list(
            policy_selectors.targets_visible_to(request.user)
            .filter(task__policy=policy)
            .values("task__system__code", "task__system__name")
            .annotate(n=Count("id"))
            .order_by("task__system__code")
        )
    return render(request, "web/home.html", {"policy": policy, "by_system": by_system})
