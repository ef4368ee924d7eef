"""Writes to the policy catalog. Loading is an idempotent upsert keyed by codes, audited."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from pydantic import ValidationError as PydanticValidationError

from minsheng.audit.services import audit_record
from minsheng.org.models import Body, BodyKind, Unit, UnitKind

from .domain.catalog_schema import Catalog
from .models import Commitment, Policy, PolicySystem, Target, Task

WUHAN_CATALOG = Path(__file__).resolve().parent / "data" / "wuhan_2022.yaml"


class CatalogError(ValueError):
    """A catalog file that cannot be loaded; the message is for people (Chinese first)."""


@dataclass(frozen=True)
class LoadResult:
    policy: Policy
    targets: int
    commitments: int
    created: bool


def catalog_parse(text: str) -> Catalog:
    """Parse and validate catalog YAML; raise CatalogError with every problem listed."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"目录文件不是有效的 YAML：{exc}") from exc
    try:
        return Catalog.model_validate(raw)
    except PydanticValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise CatalogError("目录文件校验失败：\n" + "\n".join(lines)) from exc


def _department_units(catalog: Catalog, city: Unit) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for order, dept in enumerate(catalog.departments):
        code = f"{city.code}-{dept.code}"
        unit, _ = Unit.objects.update_or_create(
            code=code,
            defaults={
                "name": dept.name,
                "full_name": dept.full_name,
                "name_en": dept.name_en,
                "kind": UnitKind.DEPARTMENT,
                "parent": city,
                "official_code": False,
                "sort_order": order,
            },
        )
        units[dept.name] = unit
    return units


def _bodies(catalog: Catalog, units: dict[str, Unit]) -> dict[str, Body]:
    prefix = catalog.policy.code
    group, _ = Body.objects.update_or_create(
        code=f"{prefix}-LG",
        defaults={
            "name": "市保障和改善民生工作领导小组",
            "name_en": "Leading group",
            "kind": BodyKind.LEADERSHIP_GROUP,
        },
    )
    out: dict[str, Body] = {}
    for system in catalog.systems:
        if not system.working_group:
            continue
        body, _ = Body.objects.update_or_create(
            code=f"{prefix}-{system.code}",
            defaults={
                "name": system.working_group,
                "name_en": f"{system.name_en} working group",
                "kind": BodyKind.WORKING_GROUP,
                "parent": group,
                "office_unit": units.get(system.office_unit or ""),
                "system_code": system.code,
            },
        )
        out[system.code] = body
    return out


def policy_load_catalog(*, actor: Any, catalog: Catalog, make_default: bool = True) -> LoadResult:
    """Create or update a policy, its systems, tasks, targets and commitments from a validated catalog."""
    city = Unit.objects.filter(code=catalog.policy.city_code).first()
    if city is None:
        raise CatalogError(f"城市 {catalog.policy.city_code} 尚未建立，请先导入组织机构")
    header = catalog.policy.model_dump(exclude={"city_code"})
    with transaction.atomic():
        units = _department_units(catalog, city)
        bodies = _bodies(catalog, units)
        if make_default:
            Policy.objects.exclude(code=header["code"]).update(is_default=False)
        policy, created = Policy.objects.update_or_create(
            code=header.pop("code"), defaults={**header, "is_default": make_default}
        )
        n_targets = n_commitments = 0
        for system_entry in catalog.systems:
            system, _ = PolicySystem.objects.update_or_create(
                policy=policy,
                code=system_entry.code,
                defaults={
                    "name": system_entry.name,
                    "name_en": system_entry.name_en,
                    "heading": system_entry.heading,
                    "working_group": bodies.get(system_entry.code),
                    "office_unit": units.get(system_entry.office_unit or ""),
                },
            )
            for task_entry in system_entry.tasks:
                task, _ = Task.objects.update_or_create(
                    policy=policy,
                    code=task_entry.code,
                    defaults={
                        "system": system,
                        "number": task_entry.number,
                        "title": task_entry.title,
                        "title_en": task_entry.title_en,
                        "lead_unit": units.get(task_entry.lead_unit or ""),
                    },
                )
                task.co_units.set([units[n] for n in task_entry.co_units])
                for t in task_entry.targets:
                    target, _ = Target.objects.update_or_create(
                        task=task,
                        code=t.code,
                        defaults={
                            **t.model_dump(exclude={"code", "lead_unit", "co_units", "notes"}),
                            "notes": t.notes or "",
                            "lead_unit": units.get(t.lead_unit or ""),
                        },
                    )
                    target.co_units.set([units[n] for n in t.co_units])
                    n_targets += 1
                for c in task_entry.commitments:
                    commitment, _ = Commitment.objects.update_or_create(
                        task=task,
                        code=c.code,
                        defaults={
                            **c.model_dump(exclude={"code", "lead_unit", "co_units"}),
                            "lead_unit": units.get(c.lead_unit or ""),
                        },
                    )
                    commitment.co_units.set([units[n] for n in c.co_units])
                    n_commitments += 1
        audit_record(
            actor=actor,
            action="policy.catalog_load",
            target=policy,
            detail={"targets": n_targets, "commitments": n_commitments, "created": created},
        )
    return LoadResult(policy=policy, targets=n_targets, commitments=n_commitments, created=created)


def policy_load_file(*, actor: Any, path: Path, make_default: bool = True) -> LoadResult:
    return policy_load_catalog(
        actor=actor, catalog=catalog_parse(path.read_text(encoding="utf-8")), make_default=make_default
    )
