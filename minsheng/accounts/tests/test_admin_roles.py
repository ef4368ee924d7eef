"""The three administrator roles (系统/安全/审计管理员) cannot be combined in one account."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minsheng.accounts.passwords import CharacterClassValidator
from minsheng.org.models import Role, Unit
from minsheng.org.services import admin_role_set, role_grant

pytestmark = pytest.mark.django_db


def test_admin_roles_are_mutually_exclusive(make_user: Any) -> None:
    user = make_user("admin1")
    admin_role_set(actor=None, user=user, admin_role="system_admin")
    for other in ("security_admin", "audit_admin"):
        with pytest.raises(ValidationError):
            admin_role_set(actor=None, user=user, admin_role=other)
    user.refresh_from_db()
    assert user.admin_role == "system_admin"
    assert not user.is_superuser


def test_administrator_cannot_hold_business_role(org_tree: dict[str, Unit], make_user: Any) -> None:
    user = make_user("admin2")
    admin_role_set(actor=None, user=user, admin_role="audit_admin")
    with pytest.raises(ValidationError):
        role_grant(actor=None, user=user, unit=org_tree["420100"], role=Role.LEADER)


def test_business_user_cannot_become_administrator(org_tree: dict[str, Unit], make_user: Any) -> None:
    user = make_user("rep", Role.REPORTER, org_tree["420102"])
    with pytest.raises(ValidationError):
        admin_role_set(actor=None, user=user, admin_role="system_admin")


def test_only_security_admin_sets_admin_roles(make_user: Any) -> None:
    sysadmin = make_user("sys")
    admin_role_set(actor=None, user=sysadmin, admin_role="system_admin")
    target = make_user("t")
    with pytest.raises(PermissionDenied):
        admin_role_set(actor=sysadmin, user=target, admin_role="audit_admin")


def test_delegated_admin_grants_only_roles_held_inside_subtree(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    delegate = make_user("delegate", Role.UNIT_ADMIN, org_tree["420102"])
    role_grant(actor=None, user=delegate, unit=org_tree["420102"], role=Role.REPORTER)
    newcomer = make_user("newcomer")
    role_grant(actor=delegate, user=newcomer, unit=org_tree["420102S01"], role=Role.REPORTER)
    with pytest.raises(PermissionDenied):  # a role the delegate does not hold
        role_grant(actor=delegate, user=newcomer, unit=org_tree["420102S01"], role=Role.REVIEWER)
    with pytest.raises(PermissionDenied):  # outside the delegate's subtree
        role_grant(actor=delegate, user=newcomer, unit=org_tree["420106"], role=Role.REPORTER)


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("abcdefgh", False),
        ("Abcdefg1", True),
        ("abcdef1!", True),
        ("Wuhan#2026x", False),
        ("ABCD1234", False),
    ],
)
def test_password_needs_three_character_classes(password: str, ok: bool) -> None:
    validator = CharacterClassValidator()
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)
