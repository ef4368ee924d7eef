"""Load the Wuhan policy and the demo data into an empty database; do nothing to one that has them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from minsheng.accounts.models import User
from minsheng.org.models import Body, Role, Unit
from minsheng.org.services import (
    REFERENCE_UNITS,
    admin_role_set,
    role_grant,
    units_import_csv,
    units_load_reference,
)
from minsheng.policy.models import Policy
from minsheng.policy.services import WUHAN_CATALOG, policy_load_file

from .progress_data import progress_demo_load
from .reporting_history import reporting_demo_load

SAMPLE_UNITS = Path(__file__).resolve().parent / "data" / "sample_streets_communities.csv"
# Demo passwords satisfy the password policy; they are printed by `make run` and must be changed in production.
DEMO_PASSWORD = "Demo#2026pass"  # noqa: S105
DEMO_ADMIN_PASSWORD = "Demo#2026admin!"  # noqa: S105


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str  # a Role value, or an AdminRole value for administrators
    unit: str  # a unit code or a department's short name; "" for administrators and offices
    body_suffix: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("leader", "市领导（演示）", Role.LEADER, "420100"),
    DemoUser("office_s1", "民生保障专班办公室（演示）", Role.OFFICE, "", "S1"),
    DemoUser("office_s2", "民生服务专班办公室（演示）", Role.OFFICE, "", "S2"),
    DemoUser("office_s3", "民生安全专班办公室（演示）", Role.OFFICE, "", "S3"),
    DemoUser("dept_rsj", "市人社局填报员（演示）", Role.REPORTER, "市人社局"),
    DemoUser("dept_rsj_review", "市人社局审核员（演示）", Role.REVIEWER, "市人社局"),
    DemoUser("jiangan_reporter", "江岸区填报员（演示）", Role.REPORTER, "420102"),
    DemoUser("jiangan_reviewer", "江岸区审核员（演示）", Role.REVIEWER, "420102"),
    DemoUser("wuchang_reporter", "武昌区填报员（演示）", Role.REPORTER, "420106"),
    DemoUser("street_reporter", "大智街道填报员（演示）", Role.REPORTER, "420102S01"),
    DemoUser("supervisor", "督查员（演示）", Role.SUPERVISOR, "420100"),
    DemoUser("evaluator", "第三方评估机构（演示）", Role.EVALUATOR, "420100"),
    DemoUser("sysadmin", "系统管理员（演示）", "system_admin", ""),
    DemoUser("secadmin", "安全管理员（演示）", "security_admin", ""),
    DemoUser("auditor", "审计管理员（演示）", "audit_admin", ""),
)


def demo_is_loaded() -> bool:
    return Policy.objects.exists() and User.objects.filter(username="leader").exists()


def _office_unit(system_code: str) -> Unit:
    body = Body.objects.get(system_code=system_code)
    assert body.office_unit is not None
    return body.office_unit


def _create_users() -> list[tuple[str, str, str]]:
    created: list[tuple[str, str, str]] = []
    for spec in DEMO_USERS:
        is_admin = spec.role in ("system_admin", "security_admin", "audit_admin")
        password = DEMO_ADMIN_PASSWORD if is_admin else DEMO_PASSWORD
        user = User.objects.create(username=spec.username, display_name=spec.display_name)
        user.set_password(password)
        user.save()
        if is_admin:
            admin_role_set(actor=None, user=user, admin_role=spec.role)
            created.append((spec.username, password, spec.display_name))
            continue
        if spec.body_suffix:
            unit = _office_unit(spec.body_suffix)
            body = Body.objects.get(system_code=spec.body_suffix)
        else:
            unit = Unit.objects.filter(code=spec.unit).first() or Unit.objects.get(
                kind="department", name=spec.unit
            )
            body = None
        role_grant(actor=None, user=user, unit=unit, role=spec.role, body=body)
        created.append((spec.username, password, spec.display_name))
    return created


def demo_load() -> list[tuple[str, str, str]] | None:
    """Load everything the demo needs. Returns the demo logins, or None when they were already loaded.

    Each step does nothing when its data is there: the units, catalog, users and reporting ledgers (with the
    real published figures, which become approved observations); then the synthetic progress history and
    its statuses (`progress_data.progress_demo_load`), which skips series that hold real values.
    """
    logins = None
    if not demo_is_loaded():
        with transaction.atomic():
            units_load_reference(actor=None, text=REFERENCE_UNITS.read_text(encoding="utf-8"))
            units_import_csv(actor=None, text=SAMPLE_UNITS.read_text(encoding="utf-8"), synthetic=True)
            policy = policy_load_file(actor=None, path=WUHAN_CATALOG).policy
            logins = _create_users()
            reporting_demo_load(policy)
    progress_demo_load()
    return logins
