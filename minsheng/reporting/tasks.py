"""Celery wrappers. Without a broker (the default) they run eagerly in-process."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from config.celery import app


@app.task(name="reporting.send_reminders")  # type: ignore[untyped-decorator]
def send_reminders(today: str | None = None) -> dict[str, int]:
    from .services.reminders import reminders_send

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    result = reminders_send(today=day)
    return {"reminders": result.reminders, "notices": result.notices, "emails": result.emails}


@app.task(name="reporting.ledger_import")  # type: ignore[untyped-decorator]
def ledger_import(job_id: int) -> str:
    """Apply an uploaded ledger workbook (all or nothing); the final status of the LedgerImport."""
    from .services.workbook import ledger_import_run

    return ledger_import_run(job_id)
