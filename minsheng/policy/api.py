from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from . import selectors
from .models import Policy, Target, Task

router = Router(tags=["catalog"])


class PolicyOut(Schema):
    code: str
    title: str
    title_en: str
    issuer: str
    document_number: str
    issued_on: dt.date | None
    plan_start_year: int
    plan_end_year: int
    is_default: bool


class TaskOut(Schema):
    code: str
    number: int
    title: str
    system: str
    lead_unit: str | None

    @staticmethod
    def resolve_system(obj: Task) -> str:
        return obj.system.code

    @staticmethod
    def resolve_lead_unit(obj: Task) -> str | None:
        return obj.lead_unit.name if obj.lead_unit else None


class TargetOut(Schema):
    code: str
    indicator: str
    comparator: str
    value: float
    value_max: float | None
    unit: str
    higher_is_better: bool
    kind: str
    firmness: str
    baseline_value: float | None
    baseline_year: int | None
    deadline: dt.date
    lead_unit: str | None
    task: str
    source_sentence: str

    @staticmethod
    def resolve_lead_unit(obj: Target) -> str | None:
        return obj.lead_unit.name if obj.lead_unit else None

    @staticmethod
    def resolve_task(obj: Target) -> str:
        return obj.task.code


@router.get("/policies", response=list[PolicyOut], summary="Policies")
def list_policies(request: HttpRequest) -> object:
    return selectors.policies_visible_to(request.user)


@router.get("/policies/{code}", response=PolicyOut, summary="One policy")
def get_policy(request: HttpRequest, code: str) -> Policy:
    policy = selectors.policies_visible_to(request.user).filter(code=code).first()
    if policy is None:
        raise Http404("政策不存在")
    return policy


@router.get("/tasks", response=list[TaskOut], summary="Tasks of a policy")
@paginate(LimitOffsetPagination)
def list_tasks(request: HttpRequest, policy: str | None = None) -> object:
    qs = selectors.tasks_visible_to(request.user)
    return qs.filter(policy__code=policy) if policy else qs


@router.get("/targets", response=list[TargetOut], summary="Targets, filterable by system, task and lead unit")
@paginate(LimitOffsetPagination)
def list_targets(
    request: HttpRequest,
    policy: str | None = None,
    system: str | None = None,
    task: str | None = None,
    lead_unit: str | None = None,
) -> object:
    qs = selectors.targets_visible_to(request.user)
    if policy:
        qs = qs.filter(task__policy__code=policy)
    if system:
        qs = qs.filter(task__system__code=system)
    if task:
        qs = qs.filter(task__code=task)
    if lead_unit:
        qs = qs.filter(lead_unit__code=lead_unit)
    return qs


@router.get("/targets/{policy_code}/{code}", response=TargetOut, summary="One target")
def get_target(request: HttpRequest, policy_code: str, code: str) -> Target:
    return selectors.get_target_for_user_or_404(request.user, policy_code, code)
