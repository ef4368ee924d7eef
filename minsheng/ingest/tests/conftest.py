"""Fixtures for the ingest screens: an office account, and an upload helper that runs the background job."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

DATA = Path(__file__).resolve().parent / "data"
SEED = DATA / "wuhan_2022_seed.txt"


@pytest.fixture
def office_user(org_tree: dict[str, Any], make_user: Any) -> Any:
    return make_user("office_ingest", "office", org_tree["420100"])


@pytest.fixture
def office(office_user: Any) -> Client:
    client = Client()
    client.force_login(office_user)
    return client


Upload = Callable[..., Any]


@pytest.fixture
def upload(django_capture_on_commit_callbacks: Any) -> Upload:
    """POST a file to the upload screen as `client`; on-commit work (the eager Celery job) runs too."""

    def _upload(client: Client, name: str, data: bytes, **headers: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/ingest/", {"file": SimpleUploadedFile(name, data)}, **headers)

    return _upload
