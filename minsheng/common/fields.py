"""Field-level encryption of personal data (docs/adr/0008-field-encryption.md).

`EncryptedTextField` stores a Fernet token (AES-128-CBC + HMAC-SHA256, random IV) made with the first key of
`settings.FIELD_ENCRYPTION_KEYS`; every key in the list decrypts, so a key is rotated by putting a new one
first and running `minsheng field_keys --rotate`. The database, its backups and its logs see only
ciphertext. An empty value is stored empty (that a field is blank is not secret).

Ciphertext cannot be searched: lookups other than `isnull` raise. Where rows must be found by a value (a phone
number, an ID number), a `BlindIndexField` beside it holds HMAC-SHA256(value) under a separate key
(`settings.FIELD_BLIND_INDEX_KEY`), filled on every save from the normalised value.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Lookup, Transform
from django.db.models.functions import Cast
from django.db.models.lookups import IsNull

from .domain.masking import normalise_phone


class Ciphertext(str):
    """A value already encrypted (a backup being restored): stored as it is, never encrypted twice."""

    __slots__ = ()


def _key_bytes(key: str) -> bytes:
    return key.encode("ascii") if isinstance(key, str) else bytes(key)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS 未配置：个人信息字段无法加密")
    return MultiFernet([Fernet(_key_bytes(k)) for k in keys])


def fernet() -> MultiFernet:
    """The MultiFernet for the configured keys (first encrypts, all decrypt)."""
    return _fernet(tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) or ()))


def encrypt(plain: str) -> str:
    return fernet().encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        # Never echo the stored value: it may be a token or, after a misconfiguration, something worse.
        raise ImproperlyConfigured("个人信息字段无法解密：FIELD_ENCRYPTION_KEYS 中没有加密它的密钥") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the first key (MultiFernet.rotate keeps the original timestamp)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


# How a value is normalised before its blind index is computed, by name (kept in migrations).
NORMALISERS: dict[str, Callable[[str], str]] = {
    "phone": normalise_phone,
    "id_number": lambda v: v.strip().upper(),
    "text": lambda v: v.strip(),
}


def blind_index(value: str, kind: str) -> str:
    """HMAC-SHA256 (hex) of the normalised value under FIELD_BLIND_INDEX_KEY; "" for an empty value.

    `kind` names the normaliser and is mixed in, so the same digits as a phone and as an ID never collide."""
    normalised = NORMALISERS[kind](value or "")
    if not normalised:
        return ""
    key = str(getattr(settings, "FIELD_BLIND_INDEX_KEY", "") or "")
    if not key:
        raise ImproperlyConfigured("FIELD_BLIND_INDEX_KEY 未配置：个人信息无法建立检索索引")
    message = f"{kind}\x00{normalised}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column holding a Fernet token; Python code sees the clear text. Not searchable (see module)."""

    description = "Text encrypted with Fernet (FIELD_ENCRYPTION_KEYS)"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value  # type: ignore[no-any-return]
        return decrypt(str(value))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or isinstance(value, Ciphertext):
            return value
        return encrypt(str(value))

    # Only `isnull`: Django then answers any other lookup (exact, contains, …) with FieldError "Unsupported
    # lookup", instead of comparing a random token with the clear value and silently matching nothing.
    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        return IsNull if lookup_name == "isnull" else None

    def get_transform(self, lookup_name: str) -> type[Transform] | None:
        return None


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """HMAC-SHA256 of another field's normalised value, recomputed on every save (not by QuerySet.update)."""

    description = "Blind index (HMAC-SHA256) of an encrypted field"

    def __init__(self, *args: Any, source: str = "", kind: str = "text", **kwargs: Any) -> None:
        if kind not in NORMALISERS:
            raise ValueError(f"unknown blind index kind {kind!r}")
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["kind"] = self.source, self.kind
        for key, default in (("max_length", 64), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key, None)
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = blind_index(str(getattr(model_instance, self.source) or ""), self.kind)
        setattr(model_instance, self.attname, value)
        return value


def stored_ciphertext(field_name: str) -> Any:
    """An expression reading the column as stored (the token, not decrypted): backups and key rotation."""
    return Cast(field_name, output_field=models.TextField())


def generate_key() -> str:
    """A new random Fernet key (url-safe base64 of 32 bytes), for FIELD_ENCRYPTION_KEYS."""
    return Fernet.generate_key().decode("ascii")
