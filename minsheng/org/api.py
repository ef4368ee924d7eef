from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from .access import get_unit_for_user_or_404, units_visible_to
from .models import Unit

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    area_type: str
    parent_code: str | None
    depth: int
    synthetic: bool

    @staticmethod
    def resolve_parent_code(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent else None


@router.get("", response=list[UnitOut], summary="List the units the caller may see")
@paginate(LimitOffsetPagination)
def list_units(request: HttpRequest, kind: str | None = None) -> object:
    qs = units_visible_to(request.user).select_related("parent").order_by("path")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/{code}", response=UnitOut, summary="One unit (404 outside the caller's scope)")
def get_unit(request: HttpRequest, code: str) -> Unit:
    return get_unit_for_user_or_404(request.user, code)
