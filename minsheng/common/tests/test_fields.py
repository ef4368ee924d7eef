"""Field-level encryption: what the database holds is ciphertext, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from minsheng.accounts.models import User
from minsheng.common.checks import field_encryption_keys
from minsheng.common.fields import blind_index

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
PHONE = "13812345678"
ID_NUMBER = "42010219800108123X"


def _raw(user: User) -> tuple[str, str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, phone_index, id_number, id_number_index FROM accounts_user WHERE id = %s",
            [user.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return row[0], row[1], row[2], row[3]


def test_the_column_holds_ciphertext_not_the_phone_or_id_number(make_user: Any) -> None:
    user = make_user("real_name", phone=PHONE, id_number=ID_NUMBER)
    phone, phone_index, id_number, _id_index = _raw(user)
    assert PHONE not in phone
    assert "5678" not in phone
    assert ID_NUMBER not in id_number
    assert "19800108" not in id_number
    assert phone.startswith("gAAAAA")
    assert id_number.startswith("gAAAAA")
    assert len(phone_index) == 64
    assert PHONE not in phone_index
    # Read back through the model, the clear values return.
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.phone, fresh.id_number) == (PHONE, ID_NUMBER)
    assert (fresh.phone_masked, fresh.id_number_masked) == ("138****5678", "420102********123X")


def test_the_same_value_encrypts_differently_each_time(make_user: Any) -> None:
    a = make_user("twin_a", phone=PHONE)
    b = make_user("twin_b", phone=PHONE)
    assert _raw(a)[0] != _raw(b)[0]
    assert _raw(a)[1] == _raw(b)[1]  # the blind index is deterministic: that is what makes it searchable


def test_a_blind_index_finds_the_row_whatever_the_phone_formatting(make_user: Any) -> None:
    user = make_user("findme", phone="138-1234-5678")
    assert User.objects.get(phone_index=blind_index("+86 138 1234 5678", "phone")) == user
    assert not User.objects.filter(phone_index=blind_index("13812345679", "phone")).exists()
    assert blind_index(PHONE, "phone") != blind_index(PHONE, "id_number")


def test_querying_the_ciphertext_is_refused_rather_than_silently_empty(make_user: Any) -> None:
    make_user("someone", phone=PHONE)
    with pytest.raises(FieldError):
        User.objects.filter(phone=PHONE).exists()
    with pytest.raises(FieldError):
        User.objects.filter(phone__contains="1234").exists()
    assert User.objects.filter(phone__isnull=False).exists()


def test_one_id_number_registers_one_account(make_user: Any) -> None:
    make_user("first", id_number=ID_NUMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("second", id_number=ID_NUMBER.lower())
    make_user("no_id_a")
    make_user("no_id_b")  # empty values do not collide


def test_empty_values_stay_empty(make_user: Any) -> None:
    user = make_user("blank")
    assert _raw(user) == ("", "", "", "")


def test_keys_rotate_old_rows_still_read_and_the_command_re_encrypts(make_user: Any, settings: Any) -> None:
    user = make_user("rotating", phone=PHONE)
    old_token = _raw(user)[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    assert User.objects.get(pk=user.pk).phone == PHONE  # the old key still decrypts
    call_command("field_keys", "--rotate", stdout=open(os.devnull, "w"))  # noqa: SIM115
    new_token = _raw(user)[0]
    assert new_token != old_token
    assert Fernet(new_key.encode()).decrypt(new_token.encode()).decode() == PHONE
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key retired
    assert User.objects.get(pk=user.pk).phone == PHONE


def test_a_wrong_key_refuses_to_read_without_showing_the_token(make_user: Any, settings: Any) -> None:
    user = make_user("lost_key", phone=PHONE)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured) as caught:
        User.objects.get(pk=user.pk)
    assert "gAAAAA" not in str(caught.value)
    assert PHONE not in str(caught.value)


def test_the_system_check_fails_without_keys(settings: Any) -> None:
    assert field_encryption_keys() == []
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_BLIND_INDEX_KEY = ""
    assert {e.id for e in field_encryption_keys()} == {"minsheng.E001", "minsheng.E003"}
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    settings.FIELD_BLIND_INDEX_KEY = "x" * 40
    assert {e.id for e in field_encryption_keys()} == {"minsheng.E002"}
    key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [key]
    settings.FIELD_BLIND_INDEX_KEY = key
    assert {e.id for e in field_encryption_keys()} == {"minsheng.E004"}


def test_production_settings_without_the_keys_fail_the_check() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "FIELD_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production", DJANGO_SECRET_KEY=secrets.token_urlsafe(64)
    )
    result = subprocess.run(
        [sys.executable, "-m", "minsheng", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "minsheng.E001" in result.stderr
    assert "minsheng.E003" in result.stderr


def test_the_user_admin_shows_real_name_data_masked_and_never_as_a_field(
    make_user: Any, admin_client_for: Any
) -> None:
    from django.contrib.auth.models import Permission

    person = make_user("real_person", phone=PHONE, id_number=ID_NUMBER)
    client = admin_client_for("sec", "security_admin")
    admin = User.objects.get(username="sec")
    admin.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    page = client.get(f"/admin/accounts/user/{person.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "138****5678" in html
    assert "420102********123X" in html
    assert PHONE not in html
    assert ID_NUMBER not in html
    assert 'name="phone"' not in html
    assert 'name="id_number"' not in html


def test_a_backup_holds_the_ciphertext_and_restore_writes_it_back_unchanged(make_user: Any) -> None:
    from minsheng.common.backup import _value, table_lines

    user = make_user("backed_up", phone=PHONE, id_number=ID_NUMBER)
    dumped = "\n".join(table_lines(User))  # the lines `minsheng backup` writes for the table
    assert PHONE not in dumped
    assert ID_NUMBER not in dumped
    token = _raw(user)[0]
    assert token in dumped
    # Restoring hands the token back as Ciphertext: stored as it is, not encrypted a second time.
    restored = _value(User._meta.get_field("phone"), token)
    assert User._meta.get_field("phone").get_prep_value(restored) == token
