"""Who may use ingestion: the working-group office (专班办公室) only, city-wide.

Turning a policy document into a catalog is business work, and under 三权分立 business work belongs to the
offices: the system, security and audit administrators maintain the platform and see no business data, so
they are refused like every other role. Documents are not owned by a unit: every office account sees every
uploaded document (the office role is city-wide). Anyone else gets 404 on every ingest URL, exactly as if
the document did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from minsheng.org.models import Role

from .models import IngestDocument, Proposal


def can_ingest(user: Any, roles: Iterable[str] | None = None) -> bool:
    """True for an active account holding the office role in some unit (never for administrators).

    `roles` are the user's role names when the caller has them loaded already (saves a query).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "admin_role", ""):
        return False
    cached: bool | None = getattr(user, "_minsheng_can_ingest", None)
    if cached is None:
        if roles is None:
            cached = user.role_assignments.filter(role=Role.OFFICE).exists()
        else:
            cached = Role.OFFICE in set(roles)
        user._minsheng_can_ingest = cached
    return cached


def require_ingest(user: Any) -> None:
    if not can_ingest(user):
        raise Http404("页面不存在")


def documents_visible_to(user: Any) -> QuerySet[IngestDocument]:
    if not can_ingest(user):
        return IngestDocument.objects.none()
    return IngestDocument.objects.all()


def get_document_for_user_or_404(user: Any, pk: int) -> IngestDocument:
    document = (
        documents_visible_to(user).select_related("uploaded_by", "adopted_policy").filter(pk=pk).first()
    )
    if document is None:
        raise Http404("文件不存在")
    return document


def get_proposal_for_user_or_404(user: Any, document_pk: int, pk: int) -> Proposal:
    proposal = (
        Proposal.objects.filter(document__in=documents_visible_to(user), document_id=document_pk, pk=pk)
        .select_related("document", "decided_by")
        .first()
    )
    if proposal is None:
        raise Http404("建议不存在")
    return proposal
