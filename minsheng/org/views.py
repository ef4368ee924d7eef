from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .access import get_unit_for_user_or_404, unit_scope


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    units = selectors.unit_tree_for(request.user)
    depth = request.GET.get("depth", "2")
    max_depth = int(depth) if depth.isdigit() else 2
    return render(
        request,
        "org/tree.html",
        {
            "units": [u for u in units if u.depth <= max_depth],
            "max_depth": max_depth,
            "everything": unit_scope(request.user).everything,
        },
    )


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_unit_for_user_or_404(request.user, code)
    children = unit.children.order_by("sort_order", "code")
    return render(request, "org/unit_detail.html", {"unit": unit, "children": children})


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "org/bodies.html", {"bodies": selectors.bodies(), "departments": selectors.departments()}
    )
