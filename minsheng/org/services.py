"""Writes to the organisation: units, CSV import, role grants. Each takes `actor=` and is audited."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from minsheng.audit.services import audit_record

from .access import can_grant_role, forget_roles
from .models import Role, RoleAssignment, Unit, UnitKind

CHILD_KIND = {
    UnitKind.CITY: UnitKind.DISTRICT,
    UnitKind.DISTRICT: UnitKind.STREET,
    UnitKind.ZONE: UnitKind.STREET,
    UnitKind.STREET: UnitKind.COMMUNITY,
}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def units_import_csv(*, actor: Any, text: str, synthetic: bool = False) -> ImportReport:
    """Import streets and communities from CSV (code, name, parent code). All or nothing.

    Rows may come in any order; a row whose parent is neither in the database nor in the file is an error.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    required = {"code", "name", "parent_code"}
    if not reader.fieldnames or not required.issubset({f.strip() for f in reader.fieldnames}):
        raise ValidationError("CSV 必须包含列：code, name, parent_code")
    rows = [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    report = ImportReport()
    codes_in_file = {r["code"] for r in rows}
    existing = {
        u.code: u for u in Unit.objects.filter(code__in=codes_in_file | {r["parent_code"] for r in rows})
    }
    for n, row in enumerate(rows, start=2):
        if not row["code"] or not row["name"]:
            report.errors.append(f"第{n}行：代码和名称不能为空")
        elif row["parent_code"] not in existing and row["parent_code"] not in codes_in_file:
            report.errors.append(f"第{n}行：上级代码 {row['parent_code']} 不存在")
        elif len(row["code"]) > 32 or len(row["name"]) > 100:
            report.errors.append(f"第{n}行：代码或名称过长")
    if report.errors:
        return report
    pending = list(rows)
    with transaction.atomic():
        while pending:
            progressed = False
            for row in list(pending):
                parent = existing.get(row["parent_code"])
                if parent is None:
                    continue
                kind = CHILD_KIND.get(UnitKind(parent.kind))
                if kind is None:
                    raise ValidationError(f"{parent.name} 下不能再设下级单位")
                unit = existing.get(row["code"])
                if unit is None:
                    unit = Unit(code=row["code"])
                    report.created += 1
                else:
                    report.updated += 1
                unit.name, unit.parent, unit.kind, unit.synthetic = row["name"], parent, kind, synthetic
                unit.official_code = not synthetic and len(row["code"]) in (9, 12) and row["code"].isdigit()
                unit.save()
                existing[unit.code] = unit
                pending.remove(row)
                progressed = True
            if not progressed:
                raise ValidationError("CSV 中的上下级关系有环")
        audit_record(
            actor=actor,
            action="org.units_import",
            detail={"created": report.created, "updated": report.updated},
        )
    return report


def role_grant(*, actor: Any, user: Any, unit: Unit, role: str, body: Any = None) -> RoleAssignment:
    """Grant a business role in a unit. Administrators hold no business roles (三权分立)."""
    if role not in Role.values:
        raise ValidationError("未知角色")
    if getattr(user, "admin_role", ""):
        raise ValidationError("管理员账户不能同时担任业务角色")
    if actor is not None and not can_grant_role(actor, unit=unit, role=role):
        audit_record(
            actor=actor, action="org.role_grant", outcome="denied", detail={"unit": unit.code, "role": role}
        )
        raise PermissionDenied("无权授予该角色")
    with transaction.atomic():
        assignment, _created = RoleAssignment.objects.get_or_create(
            user=user, unit=unit, role=role, defaults={"body": body}
        )
        audit_record(
            actor=actor,
            action="org.role_grant",
            target=assignment,
            detail={"user": user.username, "unit": unit.code, "role": role},
        )
    forget_roles(user)
    return assignment


def admin_role_set(*, actor: Any, user: Any, admin_role: str) -> None:
    """Make an account one of the three administrators. An account holds at most one of them."""
    from minsheng.accounts.models import AdminRole

    if admin_role not in AdminRole.values:
        raise ValidationError("未知管理员角色")
    if user.admin_role and admin_role and user.admin_role != admin_role:
        raise ValidationError("系统管理员、安全管理员、审计管理员三种角色互斥，不能由同一账户兼任")
    if admin_role and user.role_assignments.exists():
        raise ValidationError("已担任业务角色的账户不能设为管理员")
    if actor is not None and getattr(actor, "admin_role", "") != "security_admin":
        raise PermissionDenied("只有安全管理员可以设置管理员角色")
    with transaction.atomic():
        user.admin_role = admin_role
        # Only the system administrator uses Django admin for maintenance; nobody is an everyday superuser.
        user.is_staff = admin_role in ("system_admin", "security_admin", "audit_admin")
        user.is_superuser = False
        user.save(update_fields=["admin_role", "is_staff", "is_superuser"])
        audit_record(
            actor=actor, action="accounts.admin_role_set", target=user, detail={"admin_role": admin_role}
        )


REFERENCE_UNITS = __import__("pathlib").Path(__file__).resolve().parent / "data" / "wuhan_units.csv"


def units_load_reference(*, actor: Any, text: str) -> int:
    """Load the city, districts and zones (code, name, name_en, kind, area_type, parent_code). Idempotent."""
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    by_code: dict[str, Unit] = {}
    with transaction.atomic():
        for order, row in enumerate(rows):
            parent = by_code.get(row["parent_code"]) or Unit.objects.filter(code=row["parent_code"]).first()
            unit, _ = Unit.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "name_en": row["name_en"],
                    "kind": row["kind"],
                    "area_type": row["area_type"],
                    "parent": parent,
                    "official_code": row["code"].isdigit(),
                    "sort_order": order,
                },
            )
            by_code[unit.code] = unit
        audit_record(actor=actor, action="org.units_load_reference", detail={"units": len(rows)})
    return len(rows)
