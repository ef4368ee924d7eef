"""A full disk during an evidence upload: a Chinese message, no Evidence row, no partial file.

Two ways to fill the disk: a real 1 MiB tmpfs mounted as PRIVATE_MEDIA_ROOT (needs root and `mount`; skipped
otherwise), and a storage write patched to raise ENOSPC after writing part of the file (runs anywhere).
A third case fails the *row* after the file is written: the file must go too.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from minsheng.audit.models import AuditEvent
from minsheng.reporting.models import Evidence, Submission
from minsheng.reporting.services import evidence as evidence_service
from minsheng.reporting.tests.conftest import World

pytestmark = [pytest.mark.faults, pytest.mark.django_db]
PDF_HEAD = b"%PDF-1.4\n1 0 obj<<>>endobj\n"
FULL = "服务器存储空间已满，文件未保存"


def _pdf(size: int) -> bytes:
    return PDF_HEAD + b"0" * (size - len(PDF_HEAD) - 6) + b"%%EOF\n"


def _upload(world: World, content: bytes, name: str = "佐证.pdf") -> Any:
    client = world.client(world.jiangan_reporter)
    url = f"/reporting/items/{world.jobs.pk}/report/420102/2025Q1/"
    lock = re.search(r'name="lock_version" value="(\d+)"', client.get(url).content.decode())
    assert lock is not None
    form = {"value": "2", "lock_version": lock.group(1), "file": SimpleUploadedFile(name, content)}
    return client.post(url + "evidence/", form, follow=True)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@contextlib.contextmanager
def _tiny_filesystem(where: Path) -> Iterator[Path]:
    where.mkdir(parents=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        timeout=10,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {done.stderr.decode(errors='replace')[:200]}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=10)


def _assert_refused_cleanly(response: Any, root: Path) -> None:
    assert response.status_code == 200  # back on the report form
    page = response.content.decode()
    assert FULL in page
    assert "Traceback" not in page
    assert "Errno" not in page
    assert not Evidence.objects.exists()
    assert _files(root) == []
    # What was typed is kept as a draft (the form saves it before the file), so nothing is lost.
    assert Submission.objects.get(unit__code="420102", period_key="2025Q1").status == "draft"
    assert AuditEvent.objects.filter(action="reporting.evidence_add", outcome="failed").exists()


def test_upload_onto_a_full_tmpfs_leaves_no_row_and_no_file(
    world: World, settings: Any, tmp_path: Path
) -> None:
    with _tiny_filesystem(tmp_path / "tiny") as root:
        settings.PRIVATE_MEDIA_ROOT = root
        response = _upload(world, _pdf(1536 * 1024))  # 1.5 MiB into 1 MiB: ENOSPC part-way through
        _assert_refused_cleanly(response, root)
        # The space is free again: a small file fits and is stored.
        assert _upload(world, _pdf(64 * 1024), "小.pdf").status_code == 200
        assert Evidence.objects.count() == 1
        assert len(_files(root)) == 1


class _FillsUp:
    """A file object that accepts `budget` bytes, writes them, then fails like a full disk."""

    def __init__(self, real: IO[bytes], budget: int) -> None:
        self.real, self.budget = real, budget

    def write(self, data: bytes) -> int:
        if len(data) > self.budget:
            self.real.write(data[: self.budget])
            self.real.flush()
            self.budget = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.budget -= len(data)
        return self.real.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __enter__(self) -> _FillsUp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


def test_enospc_part_way_through_the_write_leaves_no_row_and_no_file(
    world: World, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    partial: list[Path] = []

    def filling_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        real = builtins.open(file, mode, *args, **kwargs)  # noqa: SIM115 — closed by the caller's `with`
        if "w" in mode or "x" in mode:
            partial.append(Path(file))
            return _FillsUp(real, budget=1024 * 1024)
        return real

    monkeypatch.setattr(evidence_service, "open", filling_open, raising=False)
    response = _upload(world, _pdf(3 * 1024 * 1024 // 2))
    assert partial, "the storage write was not reached"
    _assert_refused_cleanly(response, root)


def test_a_failed_row_removes_the_file_already_written(
    world: World, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root

    def no_row(*args: Any, **kwargs: Any) -> Evidence:
        assert _files(root), "the file is written before the row"
        # PostgreSQL's own disk filling up (SQLSTATE 53100) reaches Django as an OperationalError.
        raise OperationalError("could not extend file: No space left on device")

    monkeypatch.setattr(Evidence.objects, "create", no_row)
    client = world.client(world.jiangan_reporter)
    client.raise_request_exception = False
    url = f"/reporting/items/{world.jobs.pk}/report/420102/2025Q1/evidence/"
    response = client.post(
        url, {"value": "2", "lock_version": "0", "file": SimpleUploadedFile("a.pdf", _pdf(4096))}
    )
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
    assert "No space" not in response.content.decode()
    assert not Evidence.objects.exists()
    assert _files(root) == []
