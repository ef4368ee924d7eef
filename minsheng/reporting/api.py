"""Machine clients (social-assistance platform, 12345 hotline, elderly-care platforms, operations centre).

Same scoping, validation and approval path as people: a token acts as its user, so a unit's token sees
and submits only for its own subtree. Bulk submission is idempotent on each entry's client-supplied key.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from minsheng.org.access import units_visible_to

from . import selectors
from .access import get_item_for_user_or_404, get_submission_for_user_or_404
from .models import GoalShare, LedgerItem, Submission
from .selectors import SHARES_PER_LISTED_ITEM
from .services import (
    ConflictError,
    LedgerYearMissing,
    ReportingError,
    SubmissionInput,
    SubmissionInvalid,
    ledger_export,
    ledger_import,
    submission_submit,
)
from .services.workbook import PERIOD_CHOICES, UPLOAD_MAX_BYTES, workbook_file_name

router = Router(tags=["reporting"])
ITEMS_PER_PAGE, ITEMS_MAX_PAGE = 20, 100
SHARES_PER_PAGE, SHARES_MAX_PAGE = 100, 500


class ShareOut(Schema):
    unit_code: str
    value: Decimal = Field(description="the unit's share of the item's yearly goal")

    @staticmethod
    def resolve_unit_code(obj: GoalShare) -> str:
        return obj.unit.code


class ItemOut(Schema):
    id: int
    year: int
    code: str
    title: str
    goal_value: Decimal | None
    comparator: str
    unit_label: str
    value_meaning: str
    frequency: str
    lead_unit: str | None = Field(description="reports itself when the item has no shares")
    share_count: int = Field(description="how many units hold a share of the goal (all of them report)")
    shares_in_scope: int = Field(description="how many of those shares lie in the caller's scope")
    shares: list[ShareOut] = Field(
        description=f"the first {SHARES_PER_LISTED_ITEM} shares in the caller's scope; all of them, paged, "
        "from /reporting/items/{item_id}/shares"
    )

    @staticmethod
    def resolve_year(obj: LedgerItem) -> int:
        return obj.ledger_year.year

    @staticmethod
    def resolve_lead_unit(obj: LedgerItem) -> str | None:
        return obj.lead_unit.code if obj.lead_unit else None

    @staticmethod
    def resolve_shares(obj: LedgerItem) -> list[GoalShare]:
        shares: list[GoalShare] = getattr(obj, "scoped_shares", [])
        return shares


class SubmitIn(Schema):
    item_id: int
    unit_code: str = Field(max_length=32)
    period: str = Field(max_length=8, description="2025Q1, 2025M03 or 2025")
    value: Decimal | None = None
    progress: str = Field("", max_length=5000)
    problems: str = Field("", max_length=5000)
    next_steps: str = Field("", max_length=5000)
    outlier_reason: str = Field("", max_length=2000)
    contact_name: str = Field("", max_length=50, description="填报人 (stored encrypted; answered masked)")
    contact_phone: str = Field(
        "", max_length=30, description="联系电话: mobile or landline with area code (stored encrypted)"
    )
    idempotency_key: str = Field(..., min_length=1, max_length=100)


class SubmitOut(Schema):
    key: str
    outcome: str  # created | duplicate | invalid | conflict | refused
    submission_id: int | None = None
    status: str | None = None
    errors: dict[str, list[str]] = {}
    message: str = ""


class BulkIn(Schema):
    entries: list[SubmitIn] = Field(..., min_length=1, max_length=1000)


class BulkOut(Schema):
    created: int
    duplicates: int
    failed: int
    results: list[SubmitOut]


class SubmissionOut(Schema):
    id: int
    item_id: int
    unit_code: str
    period: str
    value: Decimal | None
    status: str
    version: int
    current_level: str
    source_kind: str
    # Personal data leaves the API masked only (138****5678, 张*); there is no clear-value endpoint here:
    # unmasking is a screen action with TOTP and a reason (reporting:unmask).
    contact_name_masked: str
    contact_phone_masked: str

    @staticmethod
    def resolve_unit_code(obj: Submission) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_period(obj: Submission) -> str:
        return obj.period_key


class ErrorOut(Schema):
    detail: str


class ItemPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(ITEMS_PER_PAGE, ge=1, le=ITEMS_MAX_PAGE)
        offset: int = Field(0, ge=0)


class SharePagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(SHARES_PER_PAGE, ge=1, le=SHARES_MAX_PAGE)
        offset: int = Field(0, ge=0)


@router.get(
    "/items",
    response=list[ItemOut],
    summary=f"Ledger items visible to the caller (paged: limit ≤ {ITEMS_MAX_PAGE}); each with its share "
    f"count and at most {SHARES_PER_LISTED_ITEM} of its shares in the caller's scope",
)
@paginate(ItemPagination, max_limit=ITEMS_MAX_PAGE)
def list_items(request: HttpRequest, year: int | None = None) -> QuerySet[LedgerItem]:
    return selectors.items_for_api(request.user, year=year)


@router.get("/items/{int:item_id}", response=ItemOut, summary="One ledger item (404 outside scope)")
def get_item(request: HttpRequest, item_id: int) -> LedgerItem:
    item = selectors.items_for_api(request.user).filter(pk=item_id).first()  # scoped: 404 outside
    if item is None:
        raise Http404("台帐事项不存在")
    return item


@router.get(
    "/items/{int:item_id}/shares",
    response=list[ShareOut],
    summary=f"An item's goal shares held by units in the caller's scope (paged: limit ≤ {SHARES_MAX_PAGE}; "
    "404 outside scope)",
)
@paginate(SharePagination, max_limit=SHARES_MAX_PAGE)
def list_item_shares(request: HttpRequest, item_id: int) -> QuerySet[GoalShare]:
    item = get_item_for_user_or_404(request.user, item_id)
    return selectors.shares_in_scope_of(request.user, item)


def _submit_one(request: HttpRequest, entry: SubmitIn) -> SubmitOut:
    key = entry.idempotency_key
    try:
        item = get_item_for_user_or_404(request.user, entry.item_id)
    except (
        Http404
    ):  # only "not there / not yours": a lost database must stay an error (503), not "no such item"
        return SubmitOut(key=key, outcome="refused", message="台帐事项不存在")
    unit = units_visible_to(request.user).filter(code=entry.unit_code).first()
    if unit is None:
        return SubmitOut(key=key, outcome="refused", message="单位不存在")
    data = SubmissionInput(
        value=None if entry.value is None else str(entry.value),
        progress=entry.progress,
        problems=entry.problems,
        next_steps=entry.next_steps,
        outlier_reason=entry.outlier_reason,
        contact_name=entry.contact_name,
        contact_phone=entry.contact_phone,
    )
    try:
        result = submission_submit(
            actor=request.user, item=item, unit=unit, period_key=entry.period, data=data, idempotency_key=key
        )
    except SubmissionInvalid as exc:
        return SubmitOut(key=key, outcome="invalid", errors=exc.errors, message=str(exc))
    except ConflictError as exc:
        return SubmitOut(key=key, outcome="conflict", message=str(exc))
    except (ReportingError, PermissionDenied) as exc:
        return SubmitOut(key=key, outcome="refused", message=str(exc))
    sub = result.submission
    return SubmitOut(
        key=key,
        outcome="duplicate" if result.duplicate else "created",
        submission_id=sub.pk,
        status=sub.status,
        message="该幂等键已处理过，未重复创建" if result.duplicate else "已提交",
    )


_STATUS = {"created": 201, "duplicate": 200, "invalid": 422, "conflict": 409, "refused": 404}


@router.post(
    "/submissions",
    response={200: SubmitOut, 201: SubmitOut, 404: SubmitOut, 409: SubmitOut, 422: SubmitOut},
    summary="Submit one value (validated, enters the approval chain); idempotent on idempotency_key",
)
def submit(request: HttpRequest, payload: SubmitIn) -> Status[SubmitOut]:
    out = _submit_one(request, payload)
    return Status(_STATUS[out.outcome], out)


@router.post(
    "/submissions/bulk", response=BulkOut, summary="Submit many values; each entry idempotent on its key"
)
def submit_bulk(request: HttpRequest, payload: BulkIn) -> BulkOut:
    keys = [e.idempotency_key for e in payload.entries]
    results: list[SubmitOut] = []
    seen: set[str] = set()
    for entry in payload.entries:
        if entry.idempotency_key in seen:
            results.append(
                SubmitOut(key=entry.idempotency_key, outcome="duplicate", message="同一请求中幂等键重复")
            )
            continue
        seen.add(entry.idempotency_key)
        results.append(_submit_one(request, entry))
    assert len(results) == len(keys)
    return BulkOut(
        created=sum(r.outcome == "created" for r in results),
        duplicates=sum(r.outcome == "duplicate" for r in results),
        failed=sum(r.outcome not in ("created", "duplicate") for r in results),
        results=results,
    )


@router.get(
    "/submissions/{int:submission_id}", response=SubmissionOut, summary="One submission (404 outside scope)"
)
def get_submission(request: HttpRequest, submission_id: int) -> Submission:
    return get_submission_for_user_or_404(request.user, submission_id)


# ------------------------------------------------------------------------------------------ the workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportErrorOut(Schema):
    row: int | None
    column: str | None
    message: str
    value: str


class LedgerImportOut(Schema):
    ok: bool
    rows_read: int
    rows_changed: int
    refusal_code: str = ""
    errors: list[ImportErrorOut] = []
    errors_truncated: bool = False


@router.get(
    "/ledger/{int:year}/export",
    response={200: None, 404: ErrorOut, 422: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "the ledger workbook",
                "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    summary="The year's ledger as the 台帐 .xlsx, scoped to the caller (period: '', Q1–Q4; mine: only "
    "the items the caller reports on)",
)
def export_ledger(
    request: HttpRequest, year: int, period: str = "", mine: bool = False
) -> HttpResponse | Status[ErrorOut]:
    if period not in PERIOD_CHOICES:
        return Status(422, ErrorOut(detail="period must be one of '', Q1, Q2, Q3, Q4"))
    try:
        data = ledger_export(actor=request.user, year=year, period=period, only_mine=mine)
    except LedgerYearMissing as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"ledger-{year}.xlsx\"; filename*=UTF-8''{quote(workbook_file_name(year))}"
    )
    return response


@router.post(
    "/ledger/{int:year}/import",
    response={200: LedgerImportOut, 404: ErrorOut, 413: ErrorOut, 422: LedgerImportOut},
    summary="Import an edited ledger workbook (multipart field `file`, .xlsx ≤ 20 MB): all rows or none; "
    "422 lists every error by row and column",
)
def import_ledger(request: HttpRequest, year: int, file: File[UploadedFile]) -> Status[Any]:
    if (file.size or 0) > UPLOAD_MAX_BYTES:
        return Status(413, ErrorOut(detail="文件超过 20 MB，不能导入"))
    try:
        outcome = ledger_import(actor=request.user, year=year, upload=file.file, file_name=file.name or "")
    except LedgerYearMissing as exc:
        raise Http404(str(exc)) from exc
    out = LedgerImportOut(
        ok=outcome.ok,
        rows_read=outcome.rows_read,
        rows_changed=outcome.rows_changed,
        refusal_code=outcome.refusal_code,
        errors=[
            ImportErrorOut(row=e.row, column=e.column, message=e.message, value=e.value)
            for e in outcome.errors
        ],
        errors_truncated=outcome.errors_truncated,
    )
    return Status(200 if outcome.ok else 422, out)
