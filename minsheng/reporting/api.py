"""Machine clients (social-assistance platform, 12345 hotline, elderly-care platforms, operations centre).

Same scoping, validation and approval path as people: a token acts as its user, so a unit's token sees
and submits only for its own subtree. Bulk submission is idempotent on each entry's client-supplied key.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from minsheng.org.access import units_visible_to

from .access import get_item_for_user_or_404, get_submission_for_user_or_404, items_visible_to
from .models import LedgerItem, Submission
from .services import ConflictError, ReportingError, SubmissionInput, SubmissionInvalid, submission_submit

router = Router(tags=["reporting"])


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
    lead_unit: str | None
    reporting_units: list[str]

    @staticmethod
    def resolve_year(obj: LedgerItem) -> int:
        return obj.ledger_year.year

    @staticmethod
    def resolve_lead_unit(obj: LedgerItem) -> str | None:
        return obj.lead_unit.code if obj.lead_unit else None

    @staticmethod
    def resolve_reporting_units(obj: LedgerItem) -> list[str]:
        shares = [s.unit.code for s in obj.shares.all()]
        return shares or ([obj.lead_unit.code] if obj.lead_unit else [])


class SubmitIn(Schema):
    item_id: int
    unit_code: str = Field(max_length=32)
    period: str = Field(max_length=8, description="2025Q1, 2025M03 or 2025")
    value: Decimal | None = None
    progress: str = Field("", max_length=5000)
    problems: str = Field("", max_length=5000)
    next_steps: str = Field("", max_length=5000)
    outlier_reason: str = Field("", max_length=2000)
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

    @staticmethod
    def resolve_unit_code(obj: Submission) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_period(obj: Submission) -> str:
        return obj.period_key


class ErrorOut(Schema):
    detail: str


@router.get("/items", response=list[ItemOut], summary="Ledger items visible to the caller")
@paginate(LimitOffsetPagination)
def list_items(request: HttpRequest, year: int | None = None) -> QuerySet[LedgerItem]:
    qs = (
        items_visible_to(request.user)
        .select_related("ledger_year", "lead_unit")
        .prefetch_related("shares__unit")
        .order_by("ledger_year__year", "sort_order", "code")
    )
    return qs.filter(ledger_year__year=year) if year else qs


def _submit_one(request: HttpRequest, entry: SubmitIn) -> SubmitOut:
    key = entry.idempotency_key
    try:
        item = get_item_for_user_or_404(request.user, entry.item_id)
    except Exception:
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
