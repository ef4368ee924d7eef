"""The leadership view: thin views over `selectors` (scoped) and `payloads` (JSON shapes)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from minsheng.org.access import roles_of, unit_scope
from minsheng.org.models import Role, Unit, UnitKind
from minsheng.policy.domain.vocab import COMPARATOR_LABELS_ZH
from minsheng.policy.models import Target

from . import pagecache, payloads, selectors
from .briefing import ConversionError, OfficeUnavailableError
from .briefing_service import BriefingUnavailableError, briefing_file
from .domain import Status
from .templatetags.progress_tags import localized as localized_text
from .tilemap import TILES

JSON_OPTIONS = {"ensure_ascii": False}


def _json(data: object) -> JsonResponse:
    return JsonResponse(data, safe=False, json_dumps_params=JSON_OPTIONS)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Every target by system and task, coloured by the focus unit's status, with counts per status."""
    as_of, system = request.GET.get("as_of", ""), request.GET.get("system", "")
    can_brief = can_download_briefing(request.user)

    def build() -> str:
        ov = selectors.overview(request.user, as_of=as_of, system=system)
        context = {"ov": ov, "system": system, "statuses": list(Status), "can_brief": can_brief}
        return render_to_string("progress/_overview_body.html", context, request=request)

    key = pagecache.fragment_key("overview", request.user, (as_of, system), (can_brief,))
    # `body` is the SafeString render_to_string returned (the cache pickles it with its class).
    return pagecache.render_page(
        request, "progress/overview.html", key, lambda: {"body": pagecache.cached(key, build)}
    )


@login_required
def overview_data(request: HttpRequest) -> JsonResponse:
    ov = selectors.overview(
        request.user, as_of=request.GET.get("as_of", ""), system=request.GET.get("system", "")
    )
    return _json(payloads.overview_json(ov) if ov else {})


def _parent_for(request: HttpRequest) -> tuple[Unit, Unit]:
    focus = selectors.focus_unit(request.user)
    code = request.GET.get("parent", "")
    parent = selectors.unit_for_user(request.user, code) if code else focus
    return focus, parent


@login_required
def target_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One target: the focus unit's chart and verdict, and its child units' statuses."""

    def build() -> dict[str, str]:
        target = selectors.target_for_user(request.user, code)
        focus, parent = _parent_for(request)
        as_of, dates = selectors.pick_as_of(focus, request.GET.get("as_of", ""))
        own = selectors.status_of(target, parent, as_of)
        children = selectors.visible_children(request.user, parent)
        found = selectors.unit_statuses(target, children, as_of)
        context = {
            "target": target,
            "parent": parent,
            "focus": focus,
            "as_of": as_of,
            "dates": dates,
            "own": own,
            "rows": [(u, found.get(u.id)) for u in children],
            "comparator_label": COMPARATOR_LABELS_ZH.get(target.comparator, target.comparator),  # type: ignore[call-overload]
        }
        return {
            "title": f"{target.code} {localized_text(target, 'indicator')}",
            "body": render_to_string("progress/_target_body.html", context, request=request),
        }

    params = (code, request.GET.get("parent", ""), request.GET.get("as_of", ""))
    key = pagecache.fragment_key("target", request.user, params)

    def context() -> dict[str, Any]:
        page = pagecache.cached(key, build)
        return {"page_title": page["title"], "body": page["body"]}

    return pagecache.render_page(request, "progress/target.html", key, context)


@login_required
def target_units_data(request: HttpRequest, code: str) -> JsonResponse:
    target = selectors.target_for_user(request.user, code)
    focus, parent = _parent_for(request)
    as_of, _ = selectors.pick_as_of(focus, request.GET.get("as_of", ""))
    children = selectors.visible_children(request.user, parent)
    found = selectors.unit_statuses(target, children, as_of)
    return _json(
        {
            "target": target.code,
            "parent": parent.code,
            "as_of": as_of.isoformat() if as_of else None,
            "units": [
                {
                    "code": u.code,
                    "name": u.name,
                    "kind": u.kind,
                    "status": payloads.status_json(found.get(u.id)),
                }
                for u in children
            ],
        }
    )


@login_required
def series_data(request: HttpRequest, code: str) -> JsonResponse:
    """The chart of one target for one unit (default: the user's focus unit). Outside the scope → 404."""

    def build() -> dict[str, Any]:
        target = selectors.target_for_user(request.user, code)
        focus = selectors.focus_unit(request.user)
        unit_code = request.GET.get("unit", "")
        unit = selectors.unit_for_user(request.user, unit_code) if unit_code else focus
        as_of, _ = selectors.pick_as_of(focus, request.GET.get("as_of", ""))
        cached = selectors.status_of(target, unit, as_of)
        if unit.kind == UnitKind.CITY:
            return payloads.city_series_json(target, as_of, cached)
        return payloads.series_json(target, unit, as_of, cached)

    params = (code, request.GET.get("unit", ""), request.GET.get("as_of", ""))
    return _json(pagecache.cached(pagecache.fragment_key("series", request.user, params), build))


@login_required
def unit_history(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    """One unit's share of a target: chart, status history, the verdict's sentence, the values and sources."""
    target = selectors.target_for_user(request.user, code)
    unit = selectors.unit_for_user(request.user, unit_code)
    focus = selectors.focus_unit(request.user)
    as_of, dates = selectors.pick_as_of(focus, request.GET.get("as_of", ""))
    cached = selectors.status_of(target, unit, as_of)
    data = (
        payloads.city_series_json(target, as_of, cached)
        if unit.kind == UnitKind.CITY
        else payloads.series_json(target, unit, as_of, cached)
    )
    return render(
        request,
        "progress/unit.html",
        {
            "target": target,
            "unit": unit,
            "as_of": as_of,
            "dates": dates,
            "verdict": data["status"],
            "history": selectors.history(target, unit),
            "observations": selectors.observations(target, unit),
            "share": selectors.share_of(target, unit),
        },
    )


@login_required
def lagging(request: HttpRequest) -> HttpResponse:
    """Targets and units behind: what, who owns it, since when."""
    unit, as_of, lags = selectors.lagging(request.user, as_of=request.GET.get("as_of", ""))
    return render(request, "progress/lagging.html", {"unit": unit, "as_of": as_of, "lags": lags})


@login_required
def lagging_data(request: HttpRequest) -> JsonResponse:
    unit, as_of, lags = selectors.lagging(request.user, as_of=request.GET.get("as_of", ""))
    return _json(
        {
            "unit": unit.code,
            "as_of": as_of.isoformat() if as_of else None,
            "items": [
                {
                    "target": lag.status.target.code,
                    "indicator": lag.status.target.indicator,
                    "unit": lag.status.unit.code,
                    "unit_name": lag.status.unit.name,
                    "lead_unit": lag.status.target.lead_unit.name if lag.status.target.lead_unit else None,
                    "status": lag.status.status,
                    "label": payloads.status_label(lag.status.status),
                    "since": lag.since.isoformat(),
                }
                for lag in lags
            ],
        }
    )


def _map_target(request: HttpRequest) -> Target:
    code = request.GET.get("target", "")
    if code:
        return selectors.target_for_user(request.user, code)
    policy_targets = selectors.overview(request.user)
    if policy_targets is None or not policy_targets.systems:
        raise Http404("没有目标")
    return policy_targets.systems[0].tasks[0].cells[0].target


@login_required
def district_map(request: HttpRequest) -> HttpResponse:
    """The districts and zones as a schematic tile map, coloured by one target's status."""
    target = _map_target(request)
    _city, as_of, rows = selectors.map_rows(request.user, target, request.GET.get("as_of", ""))
    ov = selectors.overview(request.user)
    tiles = []
    by_code = {u.code: (u, s) for u, s in rows}
    for code, name, col, row in TILES:
        unit, status = by_code.get(code, (None, None))
        tiles.append(
            {
                "code": code,
                "name": unit.name if unit else name,
                "col": col,
                "row": row,
                "unit": unit,
                "status": status,
            }
        )
    return render(
        request,
        "progress/map.html",
        {
            "target": target,
            "as_of": as_of,
            "tiles": tiles,
            "ov": ov,
            "everything": unit_scope(request.user).everything,
        },
    )


@login_required
def map_data(request: HttpRequest) -> JsonResponse:
    target = _map_target(request)
    _city, as_of, rows = selectors.map_rows(request.user, target, request.GET.get("as_of", ""))
    return _json(
        {
            "target": target.code,
            "as_of": as_of.isoformat() if as_of else None,
            "schematic": True,
            "units": [{"code": u.code, "name": u.name, "status": payloads.status_json(s)} for u, s in rows],
        }
    )


BRIEFING_ROLES = frozenset({Role.LEADER, Role.OFFICE})
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def can_download_briefing(user: object) -> bool:
    return bool(roles_of(user) & BRIEFING_ROLES)


@login_required
def briefing(request: HttpRequest) -> HttpResponse:
    """The quarterly 通报 as of a date, .docx (default) or PDF, as an attachment. Leaders and the office only
    (everyone else: 404); every download is audited as an export."""
    if not can_download_briefing(request.user):
        raise Http404("页面不存在")
    fmt = request.GET.get("format", "docx")
    if fmt not in CONTENT_TYPES:
        raise Http404("格式不支持")
    city = selectors.city_unit()
    if city is None:
        raise Http404("没有市级单位")
    try:
        as_of = date.fromisoformat(request.GET["as_of"]) if request.GET.get("as_of") else None
    except ValueError as exc:
        raise Http404("日期格式不正确") from exc
    if as_of is None:
        as_of, _ = selectors.pick_as_of(city, "")
    if as_of is None:
        raise Http404("尚未计算进展状态")
    with tempfile.TemporaryDirectory(prefix="minsheng-briefing-") as tmp:
        try:
            path = briefing_file(actor=request.user, as_of=as_of, fmt=fmt, out=Path(tmp) / "briefing.docx")
        except BriefingUnavailableError as exc:
            raise Http404(str(exc)) from exc
        except (OfficeUnavailableError, ConversionError):
            return HttpResponse(
                "PDF 转换暂不可用，请下载 .docx。", status=503, content_type="text/plain; charset=utf-8"
            )
        body = path.read_bytes()
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="briefing-{as_of.isoformat()}.{fmt}"'
    return response
