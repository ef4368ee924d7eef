"""Thin views: the office check first (everyone else gets 404 on every URL), then a service, then a template.

Decisions and corrections answer HTMX requests with the proposal's fragment (plus out-of-band counts and
highlight), and plain form posts with a redirect, so the screen works without JavaScript too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from minsheng.policy.domain.vocab import COMPARATOR_LABELS_ZH, KIND_LABELS_ZH

from . import services
from .access import (
    documents_visible_to,
    get_document_for_user_or_404,
    get_proposal_for_user_or_404,
    require_ingest,
)
from .domain import IngestError
from .domain.adoption import UNSORTED, task_choices
from .forms import FIRMNESS_LABELS_ZH, AdoptForm, CorrectionForm, UploadForm
from .highlight import Span, highlight_html
from .models import Decision, DocumentStatus, IngestDocument, Proposal


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def documents(request: HttpRequest) -> HttpResponse:
    """The office's uploaded documents, and the upload form (errors next to the field, nothing stored)."""
    require_ingest(request.user)
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                document = services.document_upload(
                    actor=request.user, name=upload.name, size=upload.size, stream=upload.file
                )
            except IngestError as exc:
                form.add_error("file", exc.message_zh)
                status = 422
            else:
                return redirect("ingest:document", pk=document.pk)
        else:
            status = 422
    else:
        form = UploadForm()
    rows = documents_visible_to(request.user).select_related("uploaded_by", "adopted_policy")[:200]
    return render(request, "ingest/documents.html", {"form": form, "rows": rows}, status=status)


def _progress_context(document: IngestDocument) -> dict[str, Any]:
    return {"document": document, "percent": document.progress_percent}


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled every second while processing; when done, tells HTMX to reload the page (HX-Refresh)."""
    document = services.document_recover_stalled(document=get_document_for_user_or_404(request.user, pk))
    response = render(request, "ingest/_progress.html", _progress_context(document))
    if document.status != DocumentStatus.PROCESSING and _htmx(request):
        response["HX-Refresh"] = "true"
    return response


def _outline(document: IngestDocument) -> list[dict[str, Any]]:
    return list((document.meta or {}).get("outline", []))


def _choices(document: IngestDocument) -> list[tuple[str, str]]:
    return task_choices(services.outline_entries(document))


def _counts(document: IngestDocument) -> dict[str, int]:
    tally = Counter(document.proposals.values_list("decision", flat=True))
    return {
        "total": sum(tally.values()),
        "pending": tally[Decision.PENDING],
        "accepted": tally[Decision.ACCEPTED] + tally[Decision.CORRECTED],
        "corrected": tally[Decision.CORRECTED],
        "rejected": tally[Decision.REJECTED],
    }


def _groups(document: IngestDocument, proposals: list[Proposal]) -> list[dict[str, Any]]:
    """Proposals grouped by outline node (the deepest node on their path), in outline order; 未归类 last."""
    titles = {"/".join(n["path"]): " ".join(n["path"]) + " " + n["title"] for n in _outline(document)}
    order = {"/".join(n["path"]): i for i, n in enumerate(_outline(document))}
    groups: dict[str, dict[str, Any]] = {}
    for p in proposals:
        key = p.proposed_task_path
        if key not in titles:
            key = ""
        group = groups.setdefault(key, {"key": key, "title": titles.get(key, UNSORTED), "items": []})
        group["items"].append(p)
    return sorted(groups.values(), key=lambda g: order.get(g["key"], 1 << 30))


def _labels() -> dict[str, Any]:
    return {
        "comparator_labels": COMPARATOR_LABELS_ZH,
        "kind_labels": KIND_LABELS_ZH,
        "firmness_labels": FIRMNESS_LABELS_ZH,
    }


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """The review screen: the text with every proposal highlighted, proposals by task, decisions, counts."""
    doc = get_document_for_user_or_404(request.user, pk)
    if doc.status in (DocumentStatus.PROCESSING, DocumentStatus.FAILED):
        return render(request, "ingest/review.html", {"document": doc, **_progress_context(doc)})
    proposals = list(doc.proposals.select_related("decided_by").order_by("seq"))
    spans = [Span(p.span_start, p.span_end, f"{p.kind} {p.decision}", p.pk) for p in proposals] + [
        Span(int(f["start"]), int(f["end"]), "flag") for f in (doc.meta or {}).get("flags", [])
    ]
    context = {
        "document": doc,
        "text_html": highlight_html(doc.normalised_text, spans),
        "groups": _groups(doc, proposals),
        "counts": _counts(doc),
        "flags": (doc.meta or {}).get("flags", []),
        "meta": doc.meta or {},
        "editable": doc.status == DocumentStatus.READY,
        "adopt_form": _adopt_form(doc),
        **_labels(),
    }
    return render(request, "ingest/review.html", context)


def _proposal_fragment(request: HttpRequest, proposal: Proposal, **extra: Any) -> HttpResponse:
    doc = proposal.document
    context = {
        "p": proposal,
        "document": doc,
        "editable": doc.status == DocumentStatus.READY,
        "counts": _counts(doc),
        "oob": True,
        **_labels(),
        **extra,
    }
    return render(request, "ingest/_proposal_response.html", context)


@login_required
def decide(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """Accept, reject or reset one proposal (POST)."""
    proposal = get_proposal_for_user_or_404(request.user, pk, proposal_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    decision = request.POST.get("decision", "")
    if decision not in (Decision.ACCEPTED, Decision.REJECTED, Decision.PENDING):
        return _back(request, proposal, "请选择接受或不采用", error=True)
    try:
        proposal = services.proposal_decide(actor=request.user, proposal=proposal, decision=decision)
    except services.IngestRefused as exc:
        return _back(request, proposal, str(exc), error=True)
    return _back(request, proposal, "")


def _back(request: HttpRequest, proposal: Proposal, message: str, *, error: bool = False) -> HttpResponse:
    if _htmx(request):
        proposal.refresh_from_db()
        return _proposal_fragment(request, proposal, message=message, error=error)
    if message:
        (messages.error if error else messages.success)(request, message)
    return redirect(reverse("ingest:document", kwargs={"pk": proposal.document_id}) + f"#p-{proposal.pk}")


def _correction_initial(proposal: Proposal) -> dict[str, Any]:
    values = proposal.effective()
    value = values.get("value")
    value_max = values.get("value_max")
    return {
        "indicator": values.get("indicator", ""),
        "comparator": values.get("comparator", ""),
        "value": None if value is None else format(value.normalize(), "f"),
        "value_max": None if value_max is None else format(value_max.normalize(), "f"),
        "unit": values.get("unit", ""),
        "kind": values.get("kind", ""),
        "deadline": values.get("deadline"),
        "firmness": values.get("firmness", "none"),
        "task": values.get("task", ""),
    }


@login_required
def correct(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """GET: the inline correction form; POST: validate (Chinese field errors) and record the correction."""
    proposal = get_proposal_for_user_or_404(request.user, pk, proposal_pk)
    is_target, choices = proposal.is_target, _choices(proposal.document)
    auto_id = f"id_%s_{proposal.pk}"  # several proposals' forms may be open on one page
    if request.method == "POST":
        form = CorrectionForm(request.POST, auto_id=auto_id, is_target=is_target, task_choices=choices)
        if form.is_valid():
            try:
                proposal = services.proposal_decide(
                    actor=request.user,
                    proposal=proposal,
                    decision=Decision.CORRECTED,
                    correction=form.to_correction(),
                )
            except services.IngestRefused as exc:
                return _back(request, proposal, str(exc), error=True)
            return _back(request, proposal, "")
        status = 200 if _htmx(request) else 422  # HTMX swaps only 2xx answers: errors come back as 200
    elif request.method == "GET":
        form = CorrectionForm(
            initial=_correction_initial(proposal), auto_id=auto_id, is_target=is_target, task_choices=choices
        )
        status = 200
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    template = "ingest/_correct_form.html" if _htmx(request) else "ingest/correct.html"
    return render(
        request,
        template,
        {"p": proposal, "document": proposal.document, "form": form, **_labels()},
        status=status,
    )


def _adopt_form(doc: IngestDocument, data: Any = None) -> AdoptForm:
    meta = doc.meta or {}
    issued = meta.get("issued_on")
    return AdoptForm(
        data,
        initial={
            "title": meta.get("title") or doc.original_name.rsplit(".", 1)[0],
            "issuer": meta.get("issuer") or "",
            "document_number": meta.get("document_number") or "",
            "issued_on": dt.date.fromisoformat(issued) if issued else None,
            "plan_end_year": meta.get("plan_end_year") or 2025,
        },
    )


@login_required
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the header form and what will be adopted; POST: adopt once (a second time is refused)."""
    doc = get_document_for_user_or_404(request.user, pk)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = _adopt_form(doc, request.POST if request.method == "POST" else None)
    status = 200
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.document_adopt(actor=request.user, document=doc, header=form.to_input())
            except services.IngestRefused as exc:
                error, status = str(exc), 409 if doc.status == DocumentStatus.ADOPTED else 422
            else:
                messages.success(
                    request,
                    f"已采用为政策目录“{result.policy.title}”：{result.targets}个目标、{result.commitments}项定性任务。"
                    "下一步是依据该目录建立年度任务台帐。",
                )
                return redirect("ingest:adopt", pk=doc.pk)
        else:
            status = 422
    doc.refresh_from_db()
    context = {
        "document": doc,
        "form": form,
        "error": error,
        "counts": _counts(doc),
        "items": services.adoption_items(doc) if doc.status == DocumentStatus.READY else [],
        "policy_code": services.policy_code_for(doc),
        "task_titles": dict(_choices(doc)),
        "adopted_targets": (
            doc.adopted_policy.tasks.prefetch_related("targets").order_by("code")
            if doc.adopted_policy is not None
            else []
        ),
    }
    return render(request, "ingest/adopt.html", context, status=status)
