"""Thin views: fetch-and-authorise through access helpers, call a service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from minsheng.accounts.personal_data import UnmaskRefused, may_unmask, personal_data_unmask
from minsheng.org.access import unit_scope, units_visible_to
from minsheng.policy.selectors import default_policy

from . import selectors, services
from .access import (
    approval_levels,
    can_report,
    get_evidence_for_user_or_404,
    get_import_for_user_or_404,
    get_item_for_user_or_404,
    get_submission_for_user_or_404,
    is_office,
    ledger_years_visible_to,
    reporting_units,
)
from .domain.approval import Status
from .domain.periods import parse_period
from .forms import CorrectionForm, DecisionForm, EvidenceForm, LedgerExportForm, LedgerImportForm, ReportForm
from .models import LedgerItem, LedgerYear, Notice
from .services import ConflictError, LedgerYearMissing, ReportingError, SubmissionInvalid
from .services.workbook import import_progress, workbook_file_name

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year_or_latest(user: Any, year: int | None) -> LedgerYear | None:
    years = ledger_years_visible_to(user)
    if year is not None:
        found = years.filter(year=year).first()
        if found is None:
            raise Http404("年度台帐不存在")
        return found
    today = timezone.localdate()
    return years.filter(year__lte=today.year).first() or years.first()


@login_required
def ledger(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """The year's ledger (台帐): every item the user may see, with goals, owners and shares."""
    ledger_year = _year_or_latest(request.user, year)
    items = selectors.items_for_year(request.user, ledger_year, with_shares=False) if ledger_year else []
    return render(
        request,
        "reporting/ledger.html",
        {
            "ledger_year": ledger_year,
            "years": ledger_years_visible_to(request.user),
            "items": items,
            "office": is_office(request.user),
            "policy": default_policy(),
            "export_form": LedgerExportForm(),
            "import_form": LedgerImportForm(),
            "back": "ledger",
        },
    )


@login_required
@require_POST
def ledger_create(request: HttpRequest) -> HttpResponse:
    policy = default_policy()
    year = request.POST.get("year", "")
    if policy is None or not year.isdigit():
        raise Http404
    try:
        services.ledger_year_create(actor=request.user, policy=policy, year=int(year))
    except ReportingError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:ledger")
    messages.success(request, f"已建立{year}年度台帐（草稿）")
    return redirect("reporting:ledger_year", year=int(year))


@login_required
@require_POST
def ledger_publish(request: HttpRequest, year: int) -> HttpResponse:
    ledger_year = _year_or_latest(request.user, year)
    assert ledger_year is not None
    services.ledger_year_publish(actor=request.user, ledger_year=ledger_year)
    messages.success(request, f"{year}年度台帐已发布")
    return redirect("reporting:ledger_year", year=year)


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """A reporter's to-do: each item and unit with the period due now and its status."""
    ledger_year = _year_or_latest(request.user, _int(request.GET.get("year")))
    rows = selectors.my_report_rows(request.user, ledger_year, timezone.localdate()) if ledger_year else []
    return render(
        request,
        "reporting/mine.html",
        {
            "ledger_year": ledger_year,
            "rows": rows,
            "years": ledger_years_visible_to(request.user),
            "export_form": LedgerExportForm(initial={"mine": True}),
            "import_form": LedgerImportForm(),
            "back": "mine",
            "mine": True,
        },
    )


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user_or_404(request.user, pk)
    scope = unit_scope(request.user)
    # Shares and reporting units inside the caller's scope only: an item shared down to every community
    # has thousands, and a community needs its own row, not the whole city's.
    shares = list(item.shares.filter(scope.q_in("unit")).select_related("unit"))
    if shares or item.shares.exists():
        units = [s.unit for s in shares]
    else:
        units = [u for u in reporting_units(item) if scope.contains(u)]
    return render(
        request,
        "reporting/item.html",
        {
            "item": item,
            "submissions": selectors.submissions_for_item(request.user, item),
            "shares": shares,
            "milestones": item.milestones.all(),
            "figures": selectors.figures_for_target(item.target_id),
            "units": units,
            "office": is_office(request.user),
        },
    )


def _report_target(request: HttpRequest, pk: int, unit_code: str, period_key: str) -> tuple[LedgerItem, Any]:
    item = get_item_for_user_or_404(request.user, pk)
    unit = units_visible_to(request.user).filter(code=unit_code).first()
    if unit is None or not can_report(request.user, item, unit):
        raise Http404("无此填报任务")
    try:
        period = parse_period(period_key)
    except ValueError as exc:
        raise Http404("期间不存在") from exc
    if period.year != item.ledger_year.year or period.frequency != item.frequency:
        raise Http404("期间不存在")
    return item, unit


@login_required
def report_form(request: HttpRequest, pk: int, unit_code: str, period_key: str) -> HttpResponse:
    """The report form: value, narrative, evidence; field-level errors in Chinese."""
    item, unit = _report_target(request, pk, unit_code, period_key)
    current = selectors.current_submission(item, unit, period_key)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                result = services.submission_submit(
                    actor=request.user,
                    item=item,
                    unit=unit,
                    period_key=period_key,
                    data=form.to_input(),
                    lock_version=form.cleaned_data.get("lock_version"),
                )
            except SubmissionInvalid as exc:
                errors, status = exc.errors, 422
            except ConflictError as exc:
                messages.error(request, str(exc))
                status = 409
            except (ReportingError, PermissionDenied) as exc:
                messages.error(request, str(exc))
                status = 400
            else:
                messages.success(request, "已提交，等待审核")
                return redirect("reporting:submission", pk=result.submission.pk)
    else:
        initial: dict[str, Any] = {"lock_version": current.lock_version if current else 0}
        if current is not None:
            initial.update(
                value="" if current.value is None else format(current.value.normalize(), "f"),
                progress=current.progress,
                problems=current.problems,
                next_steps=current.next_steps,
                outlier_reason=current.outlier_reason,
            )
            if current.created_by_id == request.user.pk:
                # Whoever typed the contact sees it again on their own form; a colleague gets empty fields
                # with the masked value as placeholder, and leaving them empty keeps the stored contact.
                initial.update(contact_name=current.contact_name, contact_phone=current.contact_phone)
        form = ReportForm(initial=initial)
    period = parse_period(period_key)
    context = {
        "item": item,
        "unit": unit,
        "period": period,
        "form": form,
        "errors": errors,
        "current": current,
        "editable": current is None or current.status in (Status.DRAFT, Status.RETURNED),
        "goal": selectors.goal_for(item, unit),
        "evidence_form": EvidenceForm(),
        "last_steps": list(current.steps.order_by("-id")[:3]) if current else [],
        # Someone else's contact on this report: shown masked, kept when the fields are left empty.
        "contact_kept": current is not None
        and current.created_by_id != request.user.pk
        and bool(current.contact_name or current.contact_phone),
    }
    return render(request, "reporting/report.html", context, status=status)


@login_required
@require_POST
def report_draft(request: HttpRequest, pk: int, unit_code: str, period_key: str) -> HttpResponse:
    """Autosave (HTMX): store the draft, answer with the save status and the new lock version."""
    item, unit = _report_target(request, pk, unit_code, period_key)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "reporting/_draft_status.html", {"error": "输入有误"}, status=422)
    try:
        sub, hints = services.submission_save_draft(
            actor=request.user,
            item=item,
            unit=unit,
            period_key=period_key,
            data=form.to_input(),
            lock_version=form.cleaned_data.get("lock_version"),
        )
    except ConflictError as exc:
        return render(request, "reporting/_draft_status.html", {"error": str(exc)}, status=409)
    except ReportingError as exc:
        return render(request, "reporting/_draft_status.html", {"error": str(exc)}, status=400)
    return render(
        request,
        "reporting/_draft_status.html",
        {"submission": sub, "hints": hints, "saved_at": timezone.localtime()},
    )


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report with every version, its evidence and its full approval history."""
    sub = get_submission_for_user_or_404(request.user, pk)
    levels = approval_levels(request.user, sub)
    may_decide = (
        sub.status == Status.SUBMITTED
        and sub.is_current
        and sub.current_level in levels
        and sub.submitted_by_id != request.user.pk
    )
    may_correct = (
        sub.status == Status.APPROVED and sub.is_current and can_report(request.user, sub.item, sub.unit)
    )
    return render(
        request,
        "reporting/submission.html",
        {
            "sub": sub,
            "versions": selectors.submission_versions(sub),
            "may_decide": may_decide,
            "may_correct": may_correct,
            "decision_form": DecisionForm(initial={"lock_version": sub.lock_version}),
            "correction_form": CorrectionForm(
                initial={
                    "value": "" if sub.value is None else format(sub.value.normalize(), "f"),
                    "progress": sub.progress,
                    "problems": sub.problems,
                    "next_steps": sub.next_steps,
                }
            ),
            "may_unmask": may_unmask(request.user),
            "figures": selectors.figures_for_target(sub.item.target_id) if sub.unit.kind == "city" else [],
        },
    )


# The personal-data fields of a report and the masking rule of each.
UNMASKABLE = {"contact_name": "name", "contact_phone": "phone"}


@login_required
@require_POST
def submission_unmask(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """查看完整信息 (HTMX): one field's clear value, for a holder of the unmask permission (TOTP-verified by
    the middleware) within scope, with a reason; audited with the value masked. Anyone else: 404."""
    if field not in UNMASKABLE or not may_unmask(request.user):
        raise Http404("报送不存在")
    sub = get_submission_for_user_or_404(request.user, pk)
    context: dict[str, Any] = {"sub": sub, "field": field}
    try:
        context["value"] = personal_data_unmask(
            actor=request.user,
            target=sub,
            field=field,
            kind=UNMASKABLE[field],
            reason=request.POST.get("reason", ""),
        )
    except UnmaskRefused as exc:
        context.update(error=str(exc), masked=getattr(sub, f"{field}_masked"))
        # HTMX swaps only 2xx answers: the refusal reaches the page as 200 there, as 400/429 otherwise.
        status = 200 if request.headers.get("HX-Request") else exc.status
        return render(request, "reporting/_unmask.html", context, status=status)
    response = render(request, "reporting/_unmask.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def submission_decide(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_submission_for_user_or_404(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise Http404
    decision = request.POST.get("decision")
    comment = form.cleaned_data.get("comment") or ""
    lock = form.cleaned_data.get("lock_version")
    try:
        if decision == "approve":
            services.submission_approve(
                actor=request.user, submission=sub, comment=comment, lock_version=lock
            )
            messages.success(request, "已审核通过")
        elif decision == "return":
            services.submission_return(actor=request.user, submission=sub, comment=comment, lock_version=lock)
            messages.success(request, "已退回")
        else:
            raise Http404
    except ConflictError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:submission", pk=pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("reporting:submission", pk=pk)
    return redirect("reporting:submission", pk=pk)


@login_required
@require_POST
def submission_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_submission_for_user_or_404(request.user, pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写更正原因")
        return redirect("reporting:submission", pk=pk)
    try:
        new = services.submission_correct(
            actor=request.user,
            submission=sub,
            data=form.to_input(),
            reason=form.cleaned_data["correction_reason"],
        )
    except (ReportingError, PermissionDenied) as exc:
        messages.error(request, str(exc))
        return redirect("reporting:submission", pk=pk)
    messages.success(request, "更正版本已提交审核")
    return redirect("reporting:submission", pk=new.pk)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int, unit_code: str, period_key: str) -> HttpResponse:
    """Save what is typed as a draft, then attach the file (one form, so nothing typed is lost)."""
    item, unit = _report_target(request, pk, unit_code, period_key)
    back = redirect("reporting:report", pk=item.pk, unit_code=unit.code, period_key=period_key)
    form = ReportForm(request.POST)
    files = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid() or not files.is_valid():
        messages.error(request, "请选择要上传的文件")
        return back
    try:
        sub, _hints = services.submission_save_draft(
            actor=request.user,
            item=item,
            unit=unit,
            period_key=period_key,
            data=form.to_input(),
            lock_version=form.cleaned_data.get("lock_version"),
        )
        upload = files.cleaned_data["file"]
        services.evidence_add(
            actor=request.user, submission=sub, name=upload.name, size=upload.size, stream=upload.file
        )
    except (ReportingError, PermissionDenied) as exc:
        messages.error(request, f"上传失败：{exc}")
        return back
    messages.success(request, f"已上传：{upload.name}")
    return back


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Only through this view, only for those who may see the report, always as an attachment."""
    evidence = get_evidence_for_user_or_404(request.user, pk)
    path = services.evidence_path(evidence)
    if not path.exists():
        raise Http404("文件不存在")
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 — FileResponse closes it
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


QUEUE_PAGE_SIZE = 50


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Reports waiting at a level the user decides, oldest first, 50 to a page (in the last hour before a
    deadline a district's queue holds hundreds)."""
    page = Paginator(selectors.review_queue(request.user), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reporting/queue.html", {"rows": page.object_list, "page": page})


@login_required
def missing(request: HttpRequest) -> HttpResponse:
    """Not yet reported, for the period due now (office: city-wide; others: their scope)."""
    ledger_year = _year_or_latest(request.user, _int(request.GET.get("year")))
    rows = selectors.missing_reports(request.user, ledger_year, timezone.localdate()) if ledger_year else []
    return render(
        request,
        "reporting/missing.html",
        {"ledger_year": ledger_year, "rows": rows, "years": ledger_years_visible_to(request.user)},
    )


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    rows = Notice.objects.filter(user=user).order_by("-created_at", "-id")[:200]
    if request.method == "POST":
        Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("reporting:notices")
    return render(request, "reporting/notices.html", {"rows": rows})


# ---------------------------------------------------------------------------------- the ledger workbook


def _attachment(file_name: str, fallback: str) -> str:
    """`attachment` with an ASCII fallback name and the real (Chinese) name per RFC 6266 / 5987."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name)}"


@login_required
def ledger_export(request: HttpRequest, year: int) -> HttpResponse:
    """Download the year's ledger (台帐 layout) with the items the user may see."""
    form = LedgerExportForm(request.GET)
    if not form.is_valid():
        raise Http404("报告期不存在")
    try:
        data = services.ledger_export(
            actor=request.user,
            year=year,
            period=form.cleaned_data.get("period") or "",
            only_mine=bool(form.cleaned_data.get("mine")),
        )
    except LedgerYearMissing as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = _attachment(workbook_file_name(year), f"ledger-{year}.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def ledger_import(request: HttpRequest, year: int) -> HttpResponse:
    """Upload an edited ledger: kept privately, applied all or nothing by the task `reporting.ledger_import`
    (in-process without a broker), then the result page (which polls while the import runs)."""
    form = LedgerImportForm(request.POST, request.FILES)
    back = "mine" if request.POST.get("back") == "mine" else "ledger"
    if not form.is_valid():
        return _import_rejected(request, back, year, "请选择要导入的台帐文件（.xlsx）")
    upload = form.cleaned_data["file"]
    try:
        job = services.ledger_import_start(
            actor=request.user, year=year, name=upload.name, size=upload.size, stream=upload.file
        )
    except LedgerYearMissing as exc:
        raise Http404(str(exc)) from exc
    except ReportingError as exc:
        return _import_rejected(request, back, year, str(exc))
    from .tasks import ledger_import as task

    task.delay(job.pk)
    return redirect("reporting:ledger_import_status", pk=job.pk)


def _import_rejected(request: HttpRequest, back: str, year: int, message: str) -> HttpResponse:
    """An upload refused before it was kept (no file, wrong type, too big): the message where it was asked."""
    if request.headers.get("HX-Request"):
        return render(request, "reporting/_import_error.html", {"message": message})
    messages.error(request, message)
    return _back(back, year)


def _back(back: str, year: int) -> HttpResponse:
    if back == "mine":
        return redirect(f"{reverse('reporting:mine')}?year={year}")
    return redirect("reporting:ledger_year", year=year)


@login_required
def ledger_import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcome of one import: rows imported, or the errors (first 50) and the full report's link.
    While the import runs, the status fragment polls itself (HTMX)."""
    job = get_import_for_user_or_404(request.user, pk)
    context = {"job": job, "progress": None if job.finished else import_progress(job)}
    if request.headers.get("HX-Request"):
        return render(request, "reporting/_import_status.html", context)
    return render(request, "reporting/import.html", context)


@login_required
def ledger_import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The full row-by-row error report of a refused import, as .xlsx."""
    job = get_import_for_user_or_404(request.user, pk)
    if not job.error_report:
        raise Http404("没有错误报告")
    response = HttpResponse(bytes(job.error_report), content_type=XLSX_TYPE)
    name = f"{job.ledger_year.year}年度台帐导入错误报告.xlsx"
    response["Content-Disposition"] = _attachment(name, f"ledger-import-{job.pk}-errors.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
