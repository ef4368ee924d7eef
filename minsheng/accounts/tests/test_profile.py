"""我的账户: one's own 手机号/身份证号, entered on a screen, stored encrypted, shown masked, audited masked."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client

from minsheng.accounts.models import User
from minsheng.accounts.services import ContactInvalid, account_contact_update
from minsheng.audit.models import AuditEvent
from minsheng.common.domain.masking import id_check_character
from minsheng.org.models import Role, Unit

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"  # GB 11643's own worked example (valid check character)
MOBILE = "13812345678"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_owner_sets_phone_and_id_sees_them_masked_and_the_audit_holds_only_masks(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    user = make_user("zhang", Role.REPORTER, org_tree["420102"], display_name="张三")
    client = _signed_in(user)
    page = client.get("/accounts/me/").content.decode()
    assert "江岸区" in page
    assert "张三" in page
    response = client.post("/accounts/me/", {"phone": "138-1234-5678", "id_number": ID_NUMBER.lower()})
    assert response.status_code == 302
    page = client.get("/accounts/me/").content.decode()
    assert "138****5678" in page
    assert "110105********002X" in page
    assert MOBILE not in page
    assert ID_NUMBER not in page
    assert "1234-5678" not in page
    user.refresh_from_db()
    assert (user.phone, user.id_number) == ("138-1234-5678", ID_NUMBER)
    with connection.cursor() as cursor:  # the columns hold ciphertext
        cursor.execute("SELECT phone, id_number FROM accounts_user WHERE id = %s", [user.pk])
        stored = " ".join(cursor.fetchone())
    assert "5678" not in stored
    assert "002X" not in stored
    event = AuditEvent.objects.get(action="accounts.contact_update")
    assert event.detail["fields"] == ["phone", "id_number"]
    assert event.detail["phone_masked"] == "138****5678"
    assert event.detail["id_number_masked"] == "110105********002X"
    assert MOBILE not in str(event.detail)
    assert ID_NUMBER not in str(event.detail)


def test_bad_values_are_refused_in_chinese_and_never_echoed_back(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    user = make_user("li", Role.REPORTER, org_tree["420102"], phone=MOBILE)
    client = _signed_in(user)
    bad_id = "110105194912310021"  # wrong check character
    response = client.post("/accounts/me/", {"phone": "12345", "id_number": bad_id})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请输入正确的11位手机号码" in page
    assert "末位校验码" in page
    assert bad_id not in page
    assert 'value="12345"' not in page
    user.refresh_from_db()
    assert user.phone == MOBILE
    assert user.id_number == ""
    assert not AuditEvent.objects.filter(action="accounts.contact_update").exists()


def test_a_blank_field_keeps_the_stored_value_and_nothing_changed_writes_nothing(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    user = make_user("wang", Role.REPORTER, org_tree["420102"], phone=MOBILE, id_number=ID_NUMBER)
    assert account_contact_update(actor=user, user=user, phone="", id_number="") == []
    assert account_contact_update(actor=user, user=user, phone="+86 138 1234 5678") == []  # same number
    assert account_contact_update(actor=user, user=user, phone="027-87654321") == ["phone"]
    user.refresh_from_db()
    assert (user.phone, user.id_number) == ("027-87654321", ID_NUMBER)
    assert AuditEvent.objects.filter(action="accounts.contact_update").count() == 1


def test_an_id_number_already_registered_elsewhere_is_refused(make_user: Any) -> None:
    make_user("first", id_number=ID_NUMBER)
    second = make_user("second")
    with pytest.raises(ContactInvalid) as refused:
        account_contact_update(actor=second, user=second, id_number=ID_NUMBER.lower())
    assert "已登记在其他账户" in str(refused.value)
    second.refresh_from_db()
    assert second.id_number == ""
    denied = AuditEvent.objects.get(action="accounts.contact_update", outcome="denied")
    assert denied.detail["id_number_masked"] == "110105********002X"
    assert ID_NUMBER not in str(denied.detail)


def test_probing_which_id_numbers_are_registered_stops_after_three_refusals_an_hour(make_user: Any) -> None:
    make_user("first", id_number=ID_NUMBER)
    prober = make_user("prober")
    for _ in range(3):
        with pytest.raises(ContactInvalid, match="已登记在其他账户"):
            account_contact_update(actor=prober, user=prober, id_number=ID_NUMBER)
    # The fourth try gets no answer about the number, registered or not (this one is free and valid).
    free = "11010519491231003" + id_check_character("11010519491231003")
    with pytest.raises(ContactInvalid, match="核对次数过多"):
        account_contact_update(actor=prober, user=prober, id_number=free)
    assert AuditEvent.objects.filter(action="accounts.contact_update", outcome="denied").count() == 3
    prober.refresh_from_db()
    assert prober.id_number == ""


def test_only_the_owner_changes_their_contact_data(make_user: Any) -> None:
    owner, other = make_user("owner"), make_user("other")
    with pytest.raises(PermissionDenied):
        account_contact_update(actor=other, user=owner, phone=MOBILE)
    with pytest.raises(PermissionDenied):
        account_contact_update(actor=None, user=owner, phone=MOBILE)


def test_the_profile_needs_a_sign_in() -> None:
    response = Client().get("/accounts/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
