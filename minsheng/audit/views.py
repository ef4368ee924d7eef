"""The auditor's screen: search the trail, page through it, export it. Only the audit administrator.

Anyone else gets 404, as for any object outside their scope. Searching is read-only; each export is itself
recorded in the trail (`audit.export`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from minsheng.common.exports import to_csv, to_xlsx

from .models import AuditEvent
from .selectors import search
from .services import audit_record

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
COLUMNS = (
    ("occurred_at", "时间(UTC)"),
    ("actor_username", "操作人"),
    ("actor_role", "角色"),
    ("actor_unit", "单位"),
    ("source_ip", "来源地址"),
    ("action", "操作"),
    ("object_type", "对象类型"),
    ("object_id", "对象"),
    ("outcome", "结果"),
    ("request_id", "请求编号"),
    ("hash", "哈希"),
)
OUTCOMES = [("", _("全部")), ("success", _("成功")), ("failure", _("失败")), ("denied", _("拒绝"))]


class SearchForm(forms.Form):
    since = forms.DateTimeField(label=_("起（UTC）"), required=False)
    until = forms.DateTimeField(label=_("止（UTC）"), required=False)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.CharField(label=_("操作"), required=False, max_length=64)
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=OUTCOMES)
    obj = forms.CharField(label=_("对象"), required=False, max_length=64)


def _require_auditor(request: HttpRequest) -> None:
    if getattr(request.user, "admin_role", "") != "audit_admin":
        raise Http404


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _filtered(form: SearchForm) -> QuerySet[AuditEvent]:
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    return search(
        since=_utc(data.get("since")),
        until=_utc(data.get("until")),
        actor=data.get("actor", ""),
        action=data.get("action", ""),
        outcome=data.get("outcome", ""),
        obj=data.get("obj", ""),
    )


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form = SearchForm(request.GET or None)
    page = Paginator(_filtered(form), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/event_list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
def event_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_auditor(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = SearchForm(request.GET or None)
    events = _filtered(form)[:EXPORT_LIMIT]
    header = [label for _, label in COLUMNS]
    rows = [
        [ev.occurred_at.isoformat() if f == "occurred_at" else getattr(ev, f) for f, _ in COLUMNS]
        for ev in events
    ]
    audit_record(
        actor=request.user,
        action="audit.export",
        request=request,
        detail={"format": fmt, "rows": len(rows), "filters": {k: v for k, v in request.GET.items() if v}},
    )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if fmt == "csv":
        body, ctype = to_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body = to_xlsx(header, rows, sheet="audit")
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    return response
