"""The ledger workbook wired to the database: export the 台帐 the actor may see, import it back all or nothing.

Export: one row per ledger item in the actor's scope (`selectors.items_for_year` → `org.access.unit_scope`),
with progress, problems, next steps, value and status from the current report for the period chosen.

Import (what an imported row may change; docs/domain/ledger-workbook.md §9):
- 进展情况 / 存在问题 / 下步打算 / 完成值 → the actor's report for the row's period, saved as a **draft**
  (created, or updated when it is a draft or was returned). Only a reporter who reports on the item for
  exactly one unit may fill these; nothing is ever submitted or approved by an import.
- 任务内容 and 完成时限 → the item itself, only when the actor is the working-group office.
- 状态 → the office's judgement on the item (`LedgerItem.status_override`), only for the office; for everyone
  else the column is informational and ignored.
- 目标, 目标值, 计量单位, 牵头单位, 责任单位 → never (goals are split in the system; owners are set there).
Every row is checked first; the writes happen in ONE transaction that is rolled back on any error, so an
import is wholly applied or not at all. Rows whose item changed since the export (`_version`) are errors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from minsheng.audit.services import audit_record
from minsheng.org.access import unit_scope
from minsheng.org.models import Role, Unit

from ..access import is_office, ledger_years_visible_to, reporting_units, role_units, unit_in_district
from ..domain import approval as machine
from ..domain.approval import Status
from ..domain.ledger_status import ReportFacts, combined_status, unit_status
from ..domain.periods import (
    DEFAULT_DUE_RULE,
    Frequency,
    Period,
    parse_period,
    periods_of_year,
    reporting_period_for,
)
from ..domain.validation import ValueMeaning
from ..domain.workbook import (
    LEDGER_STATUSES,
    CellError,
    ImportResult,
    LedgerRow,
    Refusal,
    XlsxLimits,
    error_report_bytes,
    ledger_workbook_bytes,
    read_ledger_workbook,
)
from ..models import (
    LedgerImport,
    LedgerImportStatus,
    LedgerItem,
    LedgerYear,
    LedgerYearStatus,
    SourceKind,
    Submission,
)
from ..selectors import due_rules_of, items_for_year
from .errors import ConflictError, ReportingError

UPLOAD_MAX_BYTES = 20 * 1024 * 1024
PERIOD_CHOICES = ("", "Q1", "Q2", "Q3", "Q4")  # "": the period due now
ERRORS_SHOWN = 50
TITLE_MAX = 200  # LedgerItem.title
_SUBMISSION_BATCH = 500
_COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "approx": "约", "range": ""}
OFFICE_FIELDS = ("task_content", "deadline")
NARRATIVE_FIELDS = ("progress", "problems", "next_steps", "reported_value")
FIXED_FIELDS = ("goal_text", "goal_value", "unit", "lead_unit", "co_units")


class LedgerYearMissing(ReportingError):
    """No ledger of that year the actor may see (views answer 404)."""


def ledger_year_for(actor: Any, year: int) -> LedgerYear:
    found = ledger_years_visible_to(actor).filter(year=year).first()
    if found is None:
        raise LedgerYearMissing("年度台帐不存在")
    return found


def workbook_file_name(year: int) -> str:
    return f"{year}年度民生任务台帐.xlsx"


def period_for(year: int, frequency: str, choice: str, today: dt.date) -> Period:
    """The period an export shows for an item: the one due now (`choice` ""), or the chosen quarter's
    (a monthly item shows the quarter's last month, a yearly item the year)."""
    if choice not in PERIOD_CHOICES:
        raise ReportingError("报告期选择不正确")
    if not choice:
        return reporting_period_for(today, year, frequency)
    quarter = int(choice[1])
    freq = Frequency(frequency)
    if freq is Frequency.MONTHLY:
        return Period(year, freq, 3 * quarter)
    if freq is Frequency.QUARTERLY:
        return Period(year, freq, quarter)
    return Period(year, freq, 1)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _goal_text(item: LedgerItem) -> str:
    if item.is_commitment:
        return "；".join(m.title for m in item.milestones.all())
    if item.goal_value is None:
        return f"{item.title}（年度目标待分解）"
    sign = _COMPARATOR_SIGNS.get(item.comparator, item.comparator)
    if item.goal_value_max is not None:
        goal = f"{_number(item.goal_value)}—{_number(item.goal_value_max)}"
    else:
        goal = _number(item.goal_value)
    return f"{item.title} {sign} {goal}{item.unit_label}".replace("  ", " ")


@dataclass
class _RowState:
    """One item as the actor sees it for one period: the row, and what an import may write."""

    item: LedgerItem
    period: Period
    row_unit: Unit | None  # the one unit whose report the actor fills through this row
    submission: Submission | None  # row_unit's current report for the period
    row: LedgerRow


@dataclass
class _Ledger:
    """The actor's view of one ledger year: the items in scope, their owners, reports loaded per period."""

    actor: Any
    ledger_year: LedgerYear
    items: list[LedgerItem] = field(default_factory=list)
    by_code: dict[str, LedgerItem] = field(default_factory=dict)
    seq: dict[str, int] = field(default_factory=dict)
    _reports: dict[str, dict[tuple[int, int], Submission]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.items = list(items_for_year(self.actor, self.ledger_year))
        for n, item in enumerate(self.items, start=1):
            item.ledger_year = self.ledger_year  # one object: no query per item
            self.by_code[item.code] = item
            self.seq[item.code] = n
        self.scope = unit_scope(self.actor)
        self.reporter_units = role_units(self.actor, Role.REPORTER)
        self.published = self.ledger_year.status == LedgerYearStatus.PUBLISHED
        self.office = is_office(self.actor)

    def reports(self, period_key: str) -> dict[tuple[int, int], Submission]:
        """Current reports of the year for one period, by (item, unit): one query per period key."""
        found = self._reports.get(period_key)
        if found is None:
            found = {
                (s.item_id, s.unit_id): s
                # The workbook never shows the contact: skip decrypting it for thousands of rows.
                for s in Submission.objects.filter(
                    item__ledger_year=self.ledger_year, period_key=period_key, is_current=True
                ).defer(*Submission.PERSONAL_FIELDS)
            }
            self._reports[period_key] = found
        return found

    def row_unit(self, item: LedgerItem) -> Unit | None:
        if not self.published:
            return None
        mine = [
            u for u in reporting_units(item) if any(u.path.startswith(r.path) for r in self.reporter_units)
        ]
        return mine[0] if len(mine) == 1 else None

    def state(self, item: LedgerItem, period: Period) -> _RowState:
        reports = self.reports(period.key)
        row_unit = self.row_unit(item)
        units = (
            [row_unit]
            if row_unit is not None
            else [u for u in reporting_units(item) if self.scope.contains(u)]
        )
        shown = [(u, reports.get((item.pk, u.pk))) for u in units]
        own = shown[0][1] if row_unit is not None else None
        if len(shown) == 1:
            sub = shown[0][1]
            progress = sub.progress if sub else ""
            problems = sub.problems if sub else ""
            next_steps = sub.next_steps if sub else ""
            value = sub.value if sub else None
        else:  # several units: each one's text under its name, no single figure

            def joined(attr: str) -> str:
                return "\n".join(
                    f"【{u.name}】{getattr(s, attr)}" for u, s in shown if s and getattr(s, attr)
                )

            progress, problems, next_steps, value = (
                joined("progress"),
                joined("problems"),
                joined("next_steps"),
                None,
            )
        status = item.status_override or self._derived_status(item, period, shown)
        locked = own is not None and own.status in (Status.SUBMITTED, Status.APPROVED)
        row = LedgerRow(
            item_code=item.code,
            seq=self.seq[item.code],
            task_content=item.title,
            goal_text=_goal_text(item),
            goal_value=item.goal_value,
            unit=item.unit_label,
            lead_unit=item.lead_unit.name if item.lead_unit else "未指定",
            co_units=tuple(u.name for u in item.co_units.all()),
            deadline=item.deadline,
            progress=progress,
            problems=problems,
            next_steps=next_steps,
            status=status,
            reported_value=value,
            period=period.key,
            version=0,
            target_code=item.target.code if item.target_id and item.target else "",
            locked=locked,
        )
        fingerprint = _fingerprint(
            row, [(u.pk, s.pk if s else 0, s.lock_version if s else -1) for u, s in shown]
        )
        row = _replace_version(row, fingerprint)
        return _RowState(item=item, period=period, row_unit=row_unit, submission=own, row=row)

    def _derived_status(
        self, item: LedgerItem, period: Period, shown: list[tuple[Unit, Submission | None]]
    ) -> str:
        shares = {s.unit_id: s.value for s in item.shares.all()}
        milestones = list(item.milestones.all())
        done = bool(milestones) and all(m.done_on is not None for m in milestones)
        statuses = [
            unit_status(
                None
                if sub is None
                else ReportFacts(sub.value, bool(sub.progress or sub.problems or sub.next_steps)),
                goal=shares.get(unit.pk, item.goal_value),
                comparator=item.comparator,
                running_total=item.value_meaning == ValueMeaning.RUNNING_TOTAL,
                qualitative=item.is_commitment,
                milestones_done=done,
                last_month=period.last_month,
            )
            for unit, sub in shown
        ]
        return combined_status(statuses).value

    def export_state(self, item: LedgerItem, choice: str, today: dt.date) -> _RowState:
        return self.state(item, period_for(self.ledger_year.year, item.frequency, choice, today))


def _fingerprint(row: LedgerRow, reports: list[tuple[int, int, int]]) -> int:
    """The row's `_version`: changes whenever the item's row or a report it shows changes (47 bits, so it
    survives Excel's doubles exactly)."""
    text = repr((_replace_version(row, 0, seq=0), reports)).encode()  # not the position in the sheet
    return int.from_bytes(hashlib.blake2b(text, digest_size=6).digest(), "big") >> 1


def _replace_version(row: LedgerRow, version: int, **changes: Any) -> LedgerRow:
    return replace(row, version=version, **changes)


# ------------------------------------------------------------------------------------------------ export


def ledger_export_rows(
    *,
    actor: Any,
    ledger_year: LedgerYear,
    period: str = "",
    only_mine: bool = False,
    today: dt.date | None = None,
) -> list[LedgerRow]:
    """The workbook rows the actor may see (only the items it reports on when `only_mine`)."""
    day = today or timezone.localdate()
    ledger = _Ledger(actor, ledger_year)
    rows = []
    for item in ledger.items:
        state = ledger.export_state(item, period, day)
        if only_mine and state.row_unit is None:
            continue
        rows.append(state.row)
    return rows


def ledger_export(
    *, actor: Any, year: int, period: str = "", only_mine: bool = False, today: dt.date | None = None
) -> bytes:
    """The year's ledger as the 台帐 .xlsx, scoped to the actor, audited with the row count."""
    ledger_year = ledger_year_for(actor, year)
    rows = ledger_export_rows(
        actor=actor, ledger_year=ledger_year, period=period, only_mine=only_mine, today=today
    )
    data = ledger_workbook_bytes(rows, year=ledger_year.year)
    audit_record(
        actor=actor,
        action="reporting.ledger_export",
        target=ledger_year,
        detail={
            "year": ledger_year.year,
            "rows": len(rows),
            "period": period or "current",
            "only_mine": only_mine,
        },
    )
    return data


# ------------------------------------------------------------------------------------------------ import


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did. `error_report` (.xlsx bytes) is set whenever it was refused."""

    ok: bool
    rows_read: int
    rows_changed: int
    errors: tuple[CellError, ...]
    refusal: Refusal | None = None
    error_report: bytes | None = None
    errors_truncated: bool = False
    created: int = 0
    updated: int = 0
    items_updated: int = 0

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def refusal_code(self) -> str:
        if self.refusal is not None:
            return self.refusal.code
        return "" if self.ok else "invalid_rows"


class _Rollback(Exception):
    def __init__(self, result: ImportResult) -> None:
        super().__init__("import refused")
        self.result = result


class _Import:
    """One import: looks rows up in the actor's scope, checks who may change what, writes accepted rows."""

    def __init__(self, actor: Any, ledger_year: LedgerYear, progress: Callable[[int], None] | None) -> None:
        self.actor = actor
        self.ledger = _Ledger(actor, ledger_year)
        self.states: dict[str, _RowState] = {}
        self.rules = due_rules_of(ledger_year)
        self.progress = progress
        self.pending: list[Submission] = []
        self.applied = 0
        self.changed = 0
        self.created = 0
        self.updated = 0
        self.items_updated = 0
        self.changed_codes: list[str] = []

    # read_ledger_workbook(lookup_row=…)
    def lookup(self, row: LedgerRow) -> LedgerRow | None:
        item = self.ledger.by_code.get(row.item_code)
        if item is None:
            return None
        year = self.ledger.ledger_year.year
        try:
            period = parse_period(row.period)
        except ValueError:
            period = None
        if period is None or period.year != year or period not in periods_of_year(year, item.frequency):
            period = reporting_period_for(
                timezone.localdate(), year, item.frequency
            )  # the domain names the mismatch
        state = self.ledger.state(item, period)
        self.states[row.item_code] = state
        return state.row

    # read_ledger_workbook(check_row=…)
    def check(self, row: LedgerRow, current: LedgerRow) -> Iterable[tuple[str, str]]:
        state = self.states[row.item_code]
        office = self.ledger.office
        for name in FIXED_FIELDS:
            if getattr(row, name) != getattr(current, name):
                yield name, "该列由专班办公室在系统中维护（目标分解、牵头和责任单位），不能通过导入修改。"
        for name in OFFICE_FIELDS:
            if getattr(row, name) != getattr(current, name) and not office:
                yield name, "该列只有专班办公室可以修改；请恢复为导出时的内容。"
        if office and row.task_content != current.task_content and len(row.task_content) > TITLE_MAX:
            yield "task_content", f"任务内容不能超过 {TITLE_MAX} 字。"
        narrative = [n for n in NARRATIVE_FIELDS if getattr(row, n) != getattr(current, n)]
        if narrative and state.row_unit is None:
            message = "您不是该事项唯一的填报单位，不能通过导入填写进展和完成值；请由填报单位导入，或在系统中逐个单位填报。"
            for name in narrative:
                yield name, message
        elif (
            narrative
            and state.submission is not None
            and state.submission.status
            not in (
                Status.DRAFT,
                Status.RETURNED,
            )
        ):
            for name in narrative:
                yield name, "该报送已提交或已审定，不能通过导入修改；如需更正，请在系统中提交更正版本。"
        if state.item.is_commitment and row.reported_value is not None:
            yield "reported_value", "定性任务不填完成值，请以文字说明进展。"

    # read_ledger_workbook(on_row=…): provisional until the whole file is known to be valid
    def apply(self, row: LedgerRow) -> None:
        state = self.states[row.item_code]
        current = state.row
        changed = False
        item_fields: list[str] = []
        item = state.item
        if self.ledger.office:
            if row.task_content != current.task_content:
                item.title = row.task_content
                item_fields.append("title")
            if row.deadline != current.deadline:
                item.deadline = row.deadline
                item_fields.append("deadline")
            if row.status != current.status:
                item.status_override = row.status
                item_fields.append("status_override")
        if item_fields:
            item.save(update_fields=item_fields)
            self.items_updated += 1
            changed = True
        if state.row_unit is not None and any(
            getattr(row, n) != getattr(current, n) for n in NARRATIVE_FIELDS
        ):
            self._write_report(state, row)
            changed = True
        if changed:
            self.changed += 1
            if len(self.changed_codes) < 200:
                self.changed_codes.append(row.item_code)
        self.applied += 1
        if self.progress is not None:
            self.progress(self.applied)

    def _write_report(self, state: _RowState, row: LedgerRow) -> None:
        value = None if row.reported_value is None else row.reported_value.quantize(Decimal("0.0001"))
        sub = state.submission
        unit = state.row_unit
        assert unit is not None
        if sub is None:
            chain = machine.effective_chain(
                state.item.approval_chain, unit_is_district=unit_in_district(unit)
            )
            self.pending.append(
                Submission(
                    item=state.item,
                    unit=unit,
                    period_key=state.period.key,
                    due_on=state.period.due_on(
                        self.rules.get(state.item.pk) or self.rules.get(None) or DEFAULT_DUE_RULE
                    ),
                    value=value,
                    value_meaning=state.item.value_meaning,
                    progress=row.progress[:5000],
                    problems=row.problems[:5000],
                    next_steps=row.next_steps[:5000],
                    chain=[c.value for c in chain],
                    created_by=self.actor,
                    source_kind=SourceKind.REPORTED,
                )
            )
            self.created += 1
            if len(self.pending) >= _SUBMISSION_BATCH:
                self.flush()
            return
        # Only a draft or a returned report, and only if nobody saved it since it was read (lock_version).
        count = Submission.objects.filter(
            pk=sub.pk,
            lock_version=sub.lock_version,
            status__in=(Status.DRAFT, Status.RETURNED),
            is_current=True,
        ).update(
            value=value,
            progress=row.progress[:5000],
            problems=row.problems[:5000],
            next_steps=row.next_steps[:5000],
            lock_version=sub.lock_version + 1,
            updated_at=timezone.now(),
        )
        if count != 1:
            raise ConflictError(f"事项 {row.item_code} 的报送在导入期间被他人修改，请重新导出台帐后再导入。")
        self.updated += 1

    def flush(self) -> None:
        if self.pending:
            Submission.objects.bulk_create(self.pending)
            self.pending = []


def _outcome(result: ImportResult, source_name: str) -> ImportOutcome:
    return ImportOutcome(
        ok=False,
        rows_read=result.rows_read,
        rows_changed=0,
        errors=result.errors,
        refusal=result.refusal,
        error_report=error_report_bytes(result.errors, source_name=source_name),
        errors_truncated=result.errors_truncated,
    )


def ledger_import(
    *,
    actor: Any,
    year: int,
    upload: Any,
    file_name: str = "",
    progress: Callable[[int], None] | None = None,
    limits: XlsxLimits | None = None,
) -> ImportOutcome:
    """Validate the whole workbook and apply it in one transaction, or apply nothing.

    `upload`: a path, bytes or a binary file. Hostile files, rows outside the actor's scope, stale rows
    (`_version`), and changes the actor may not make are errors; any error → nothing saved and the
    row-by-row report comes back as .xlsx bytes. Audited either way (`reporting.ledger_import`).
    `progress(n)` is called after each row is written (n rows so far).
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    ledger_year = ledger_year_for(actor, year)
    name = (file_name or "")[:200]
    job: _Import | None = None
    try:
        with transaction.atomic():
            job = _Import(actor, ledger_year, progress)
            result = read_ledger_workbook(
                upload,
                lookup_row=job.lookup,
                check_row=job.check,
                on_row=job.apply,
                statuses=LEDGER_STATUSES,
                limits=limits,
            )
            if not result.ok:
                raise _Rollback(result)
            job.flush()
            audit_record(
                actor=actor,
                action="reporting.ledger_import",
                target=ledger_year,
                detail={
                    "file": name,
                    "rows_read": result.rows_read,
                    "rows_changed": job.changed,
                    "reports_created": job.created,
                    "reports_updated": job.updated,
                    "items_updated": job.items_updated,
                    "codes": job.changed_codes,
                },
            )
    except _Rollback as refused:
        outcome = _outcome(refused.result, name)
    except (ConflictError, IntegrityError) as exc:
        message = (
            str(exc) if isinstance(exc, ConflictError) else "导入期间他人修改了台帐，请重新导出后再导入。"
        )
        error = CellError(None, None, message)
        outcome = _outcome(
            ImportResult(
                rows=(),
                errors=(error,),
                rows_read=job.applied if job else 0,
                refusal=Refusal("conflict", message),
            ),
            name,
        )
    else:
        return ImportOutcome(
            ok=True,
            rows_read=result.rows_read,
            rows_changed=job.changed,
            errors=(),
            created=job.created,
            updated=job.updated,
            items_updated=job.items_updated,
        )
    audit_record(
        actor=actor,
        action="reporting.ledger_import",
        target=ledger_year,
        outcome="failure",
        detail={
            "file": name,
            "rows_read": outcome.rows_read,
            "errors": outcome.error_count,
            "refusal": outcome.refusal_code,
            "first_error": outcome.errors[0].message[:200] if outcome.errors else "",
        },
    )
    return outcome


# ------------------------------------------------------------------------------------ uploads as jobs


def import_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "ledger-imports"


def _progress_key(job_id: int) -> str:
    return f"reporting:ledger-import:{job_id}:rows"


def import_progress(job: LedgerImport) -> int | None:
    """Rows written so far by a running import, when the cache is shared with the worker (else None)."""
    value = cache.get(_progress_key(job.pk))
    return int(value) if value is not None else None


def ledger_import_start(*, actor: Any, year: int, name: str, size: int, stream: IO[bytes]) -> LedgerImport:
    """Accept an upload (≤ 20 MB, .xlsx), keep it under PRIVATE_MEDIA_ROOT, and record a queued import.

    The caller then runs `ledger_import_run(job.pk)` (the Celery task `reporting.ledger_import`).
    """
    ledger_year = ledger_year_for(actor, year)
    base = os.path.basename(name or "")[:200]
    if not base.lower().endswith(".xlsx"):
        audit_record(
            actor=actor,
            action="reporting.ledger_import",
            target=ledger_year,
            outcome="failure",
            detail={"file": base, "refusal": "not_xlsx_name"},
        )
        raise ReportingError(
            "只接受 .xlsx 格式的台帐（请用系统导出的表格填写；.xls、.xlsm、.csv 不能导入）。"
        )
    if size > UPLOAD_MAX_BYTES:
        audit_record(
            actor=actor,
            action="reporting.ledger_import",
            target=ledger_year,
            outcome="failure",
            detail={"file": base, "refusal": "too_large", "size": size},
        )
        raise ReportingError("文件超过 20 MB，不能导入。台帐通常不到 2 MB，请检查是否选错了文件。")
    storage_name = uuid.uuid4().hex
    target = import_root() / f"{storage_name}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(target, "xb") as out:
        stream.seek(0)
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            written += len(chunk)
            if written > UPLOAD_MAX_BYTES:
                out.close()
                target.unlink(missing_ok=True)
                raise ReportingError("文件超过 20 MB，不能导入。")
            out.write(chunk)
    try:
        return LedgerImport.objects.create(
            ledger_year=ledger_year,
            actor=actor,
            file_name=base,
            storage_name=storage_name,
            size_bytes=written,
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def ledger_import_run(job_id: int) -> str:
    """Run a queued import (in the Celery worker, or in-process without a broker); the final status."""
    job = LedgerImport.objects.select_related("actor", "ledger_year").get(pk=job_id)
    if job.status != LedgerImportStatus.QUEUED:
        return job.status
    LedgerImport.objects.filter(pk=job.pk).update(status=LedgerImportStatus.RUNNING)
    path = import_root() / f"{job.storage_name}.xlsx"
    key = _progress_key(job.pk)

    def progress(rows: int) -> None:
        if rows % 200 == 0:
            cache.set(key, rows, 3600)

    try:
        outcome = ledger_import(
            actor=job.actor,
            year=job.ledger_year.year,
            upload=path,
            file_name=job.file_name,
            progress=progress,
        )
    except BaseException:
        LedgerImport.objects.filter(pk=job.pk).update(
            status=LedgerImportStatus.FAILED, finished_at=timezone.now(), storage_name=""
        )
        path.unlink(missing_ok=True)
        raise
    finally:
        cache.delete(key)
    LedgerImport.objects.filter(pk=job.pk).update(
        status=LedgerImportStatus.ACCEPTED if outcome.ok else LedgerImportStatus.REFUSED,
        rows_read=outcome.rows_read,
        rows_changed=outcome.rows_changed,
        error_count=outcome.error_count,
        refusal_code=outcome.refusal_code,
        errors_preview=[
            {"row": e.row, "column": e.column or "", "message": e.message, "value": e.value}
            for e in outcome.errors[:ERRORS_SHOWN]
        ],
        error_report=outcome.error_report,
        finished_at=timezone.now(),
        storage_name="",
    )
    path.unlink(missing_ok=True)
    return LedgerImportStatus.ACCEPTED if outcome.ok else LedgerImportStatus.REFUSED
