"""`minsheng backup` and `minsheng restore`: a backup restored into a fresh database compares equal, table by
table (row counts and content hashes) and file by file; the audit chain verifies after the restore."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from minsheng.accounts.models import User
from minsheng.audit.models import AuditEvent
from minsheng.audit.services import audit_record
from minsheng.common.backup import backed_up_models, media_checksums, table_digest
from minsheng.org.models import Role, Unit
from tests.route_matrix import World

ROOT = Path(__file__).resolve().parent.parent


def _populate(org_tree: dict[str, Unit], make_user: Any, media: Path) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    reporter = make_user("bk_rep", Role.REPORTER, org_tree["420102"])
    make_user("bk_lead", Role.LEADER, org_tree["420100"])
    TOTPDevice.objects.create(user=reporter, name="t", confirmed=True)
    World(units=org_tree, make_user=make_user).target_led_by(org_tree["420106"])
    audit_record(actor=reporter, action="bk.event", detail={"中文": "值", "n": [1, 2.5, None]})
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "a1b2.pdf").write_bytes(b"%PDF-1.4 test\x00\xff")
    (media / "readme.txt").write_text("附件", encoding="utf-8")


def test_restore_replaces_changed_data_exactly(
    transactional_db: Any, org_tree: dict[str, Unit], make_user: Any, settings: Any, tmp_path: Path
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    _populate(org_tree, make_user, settings.PRIVATE_MEDIA_ROOT)
    call_command("backup", str(tmp_path / "bk"))
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["audit.auditevent"]["rows"] == AuditEvent.objects.count()
    assert set(manifest["files"]) == {"evidence/2026/a1b2.pdf", "readme.txt"}
    # Change things after the backup: they must be gone after the restore.
    make_user("after_backup")
    audit_record(actor=None, action="after.backup")
    (settings.PRIVATE_MEDIA_ROOT / "readme.txt").unlink()
    (settings.PRIVATE_MEDIA_ROOT / "stray.bin").write_bytes(b"x")
    call_command("restore", str(tmp_path / "bk"))
    assert not User.objects.filter(username="after_backup").exists()
    for model in backed_up_models():
        info = manifest["tables"][model._meta.label_lower]
        assert table_digest(model) == (info["rows"], info["sha256"]), model._meta.label_lower
    assert media_checksums(settings.PRIVATE_MEDIA_ROOT) == manifest["files"]
    call_command("audit_verify")
    make_user("after_restore")  # sequences were reset: new rows get fresh keys


def test_backup_restores_into_a_fresh_sqlite_database(
    transactional_db: Any, org_tree: dict[str, Unit], make_user: Any, settings: Any, tmp_path: Path
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    _populate(org_tree, make_user, settings.PRIVATE_MEDIA_ROOT)
    call_command("backup", str(tmp_path / "bk"))
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=f"sqlite:///{fresh / 'fresh.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings.test",
        MINSHENG_VAR_DIR=str(fresh),
    )

    def minsheng(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "minsheng", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
        return result.stdout

    minsheng("migrate", "-v", "0")
    minsheng("restore", str(tmp_path / "bk"))
    minsheng("audit_verify")
    minsheng("backup", str(tmp_path / "bk2"))
    first = json.loads((tmp_path / "bk" / "manifest.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "bk2" / "manifest.json").read_text(encoding="utf-8"))
    assert second["tables"] == first["tables"]
    assert second["files"] == first["files"]


def test_restore_refuses_a_tampered_backup(
    transactional_db: Any, org_tree: dict[str, Unit], make_user: Any, settings: Any, tmp_path: Path
) -> None:
    from django.core.management import CommandError

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    _populate(org_tree, make_user, settings.PRIVATE_MEDIA_ROOT)
    call_command("backup", str(tmp_path / "bk"))
    path = tmp_path / "bk" / "tables" / "accounts_user.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("bk_rep", "bk_rex"), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "bk"))
    assert User.objects.filter(username="bk_rep").exists()
