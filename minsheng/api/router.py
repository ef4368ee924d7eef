"""The versioned JSON API under /api/v1/. Each bounded context contributes its own router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from minsheng.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """Machine clients: `Authorization: Bearer ms_…`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Minsheng API",
    version="1",
    description="民生保障提效公共服务提质 — 单位、政策、任务与目标。所有读取均按调用者的组织范围过滤。",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _register() -> None:
    from minsheng.org.api import router as org_router
    from minsheng.policy.api import router as policy_router
    from minsheng.reporting.api import router as reporting_router

    api.add_router("/units", org_router)
    api.add_router("/", policy_router)
    api.add_router("/reporting", reporting_router)


_register()
