"""Portable backup and restore of the whole database and the private media files.

A backup folder holds `tables/<db_table>.jsonl` (one JSON object per row, columns by attribute name, sorted keys,
rows in primary-key order), `media/` (a copy of PRIVATE_MEDIA_ROOT) and `manifest.json` with the row count and
sha256 of every table file and the sha256 of every media file. The format is the same on SQLite and PostgreSQL,
so a backup of one restores into the other.

Restore checks every checksum first, then, in one transaction and inside `audit_maintenance()` (the only way
past the audit table's append-only triggers), empties every table, inserts every row with its original key,
resets the sequences and re-dumps each table to check it hashes exactly as in the manifest. The audit trail is
restored row for row, so its hash chain verifies afterwards.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction

from .fields import Ciphertext, EncryptedTextField, stored_ciphertext

FORMAT = 1
BATCH = 1000


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete table Django manages (auto-created many-to-many tables included), in a stable order."""
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    return sorted(found, key=lambda m: m._meta.db_table)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def table_lines(model: type[models.Model]) -> Iterator[str]:
    """The table's rows as canonical JSON lines, in primary-key order."""
    fields = _columns(model)
    names = [f.attname for f in fields]
    # Encrypted columns are copied as stored (the Fernet token): a backup never holds personal data in clear.
    raw = {
        f"_raw_{f.attname}": stored_ciphertext(f.attname) for f in fields if isinstance(f, EncryptedTextField)
    }
    columns = [f"_raw_{n}" if f"_raw_{n}" in raw else n for n in names]
    rows = model._base_manager.order_by("pk").annotate(**raw).values_list(*columns)
    for row in rows.iterator(chunk_size=BATCH):
        obj = {name: _plain(v) for name, v in zip(names, row, strict=True)}
        yield json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def table_digest(model: type[models.Model]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for line in table_lines(model):
        digest.update(line.encode("utf-8") + b"\n")
        count += 1
    return count, digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_root() -> Path:
    return Path(getattr(settings, "PRIVATE_MEDIA_ROOT", Path(settings.VAR_DIR) / "private"))


def media_checksums(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): file_sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def backup(target: Path) -> dict[str, Any]:
    """Write a backup into `target` (created; must be empty). Returns the manifest."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise ValueError(f"备份目录必须为空: {target}")
    (target / "tables").mkdir()
    tables: dict[str, dict[str, Any]] = {}
    with (
        transaction.atomic()
    ):  # one consistent snapshot (REPEATABLE READ on PostgreSQL is not needed: one tx)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for model in backed_up_models():
            path = target / "tables" / f"{model._meta.db_table}.jsonl"
            count = 0
            with path.open("w", encoding="utf-8") as handle:
                for line in table_lines(model):
                    handle.write(line + "\n")
                    count += 1
            tables[model._meta.label_lower] = {
                "table": model._meta.db_table,
                "rows": count,
                "sha256": file_sha256(path),
            }
    source = media_root()
    if source.exists():
        shutil.copytree(source, target / "media")
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "vendor": connection.vendor,
        "tables": tables,
        "files": media_checksums(target / "media"),
    }
    (target / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def _value(field: models.Field[Any, Any], value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$b64"}:
        return base64.b64decode(value["$b64"])
    if value is None or isinstance(field, models.JSONField):
        return value
    if isinstance(field, EncryptedTextField):
        return Ciphertext(value)  # restored as stored, never encrypted a second time
    return field.to_python(value)


@contextmanager
def _keep_stored_timestamps(model_list: list[type[models.Model]]) -> Iterator[None]:
    """auto_now / auto_now_add would stamp restored rows with the current time; switch them off meanwhile."""
    switched: list[tuple[Any, bool, bool]] = []
    for model in model_list:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                switched.append((field, field.auto_now, field.auto_now_add))  # type: ignore[attr-defined]
                field.auto_now = field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def verify_folder(source: Path) -> dict[str, Any]:
    """The manifest, after checking every table file and media file against it."""
    manifest: dict[str, Any] = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError("未知的备份格式")
    for label, info in manifest["tables"].items():
        if file_sha256(source / "tables" / f"{info['table']}.jsonl") != info["sha256"]:
            raise ValueError(f"备份文件校验失败: {label}")
    if media_checksums(source / "media") != manifest["files"]:
        raise ValueError("备份中的附件校验失败")
    return manifest


def restore(source: Path) -> dict[str, Any]:
    """Replace the database's content and the private media files with the backup in `source`."""
    from minsheng.audit.maintenance import audit_maintenance

    manifest = verify_folder(source)
    by_label = {m._meta.label_lower: m for m in backed_up_models()}
    unknown = set(manifest["tables"]) - set(by_label)
    if unknown:
        raise ValueError(f"备份包含本系统没有的表: {sorted(unknown)}")
    with transaction.atomic(), audit_maintenance(), _keep_stored_timestamps(list(by_label.values())):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        with connection.cursor() as cursor:
            for model in reversed(list(by_label.values())):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608  # nosec B608 — table name from model metadata, quoted; no input
        for label, info in manifest["tables"].items():
            model = by_label[label]
            fields = {f.attname: f for f in _columns(model)}
            batch: list[models.Model] = []
            with (source / "tables" / f"{info['table']}.jsonl").open(encoding="utf-8") as handle:
                for line in handle:
                    row = json.loads(line)
                    batch.append(model(**{k: _value(fields[k], v) for k, v in row.items() if k in fields}))
                    if len(batch) >= BATCH:
                        model._base_manager.bulk_create(batch)
                        batch = []
            if batch:
                model._base_manager.bulk_create(batch)
        sequence_sql = connection.ops.sequence_reset_sql(no_style(), list(by_label.values()))
        with connection.cursor() as cursor:
            for sql in sequence_sql:
                cursor.execute(sql)
        for label, info in manifest["tables"].items():
            rows, digest = table_digest(by_label[label])
            if rows != info["rows"] or digest != info["sha256"]:
                raise ValueError(f"恢复后校验失败: {label} ({rows} 行)")
    target = media_root()
    if target.exists():
        shutil.rmtree(target)
    if (source / "media").exists():
        shutil.copytree(source / "media", target)
    else:
        target.mkdir(parents=True, exist_ok=True)
    if media_checksums(target) != manifest["files"]:
        raise ValueError("恢复后的附件校验失败")
    return manifest
