"""Celery wrappers. Without a broker (the default) they run eagerly in-process."""

from __future__ import annotations

from config.celery import app


@app.task(name="ingest.process_document")  # type: ignore[untyped-decorator]
def process_document(document_id: int) -> str:
    """Extract proposals from an uploaded document, updating its progress; returns the final status."""
    from .services import document_process

    document = document_process(document_id=document_id)
    return document.status if document is not None else "skipped"
