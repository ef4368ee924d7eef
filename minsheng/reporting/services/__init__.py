"""Writes of the reporting cycle. Each takes `actor=` first, runs in one transaction and is audited."""

from .approval import submission_approve, submission_return
from .errors import ConflictError, ReportingError, SubmissionInvalid
from .evidence import evidence_add, evidence_path
from .ledger import (
    ledger_item_update,
    ledger_split_districts,
    ledger_split_plan_target,
    ledger_year_create,
    ledger_year_publish,
    milestone_add,
)
from .reminders import reminders_send
from .submissions import SubmissionInput, submission_correct, submission_save_draft, submission_submit
from .workbook import (
    ImportOutcome,
    LedgerYearMissing,
    ledger_export,
    ledger_import,
    ledger_import_run,
    ledger_import_start,
)

__all__ = [
    "ConflictError",
    "ImportOutcome",
    "LedgerYearMissing",
    "ReportingError",
    "SubmissionInput",
    "SubmissionInvalid",
    "evidence_add",
    "evidence_path",
    "ledger_export",
    "ledger_import",
    "ledger_import_run",
    "ledger_import_start",
    "ledger_item_update",
    "ledger_split_districts",
    "ledger_split_plan_target",
    "ledger_year_create",
    "ledger_year_publish",
    "milestone_add",
    "reminders_send",
    "submission_approve",
    "submission_correct",
    "submission_return",
    "submission_save_draft",
    "submission_submit",
]
