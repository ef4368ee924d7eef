"""Root conftest: pytest-django reads settings from pyproject; shared fixtures live in minsheng/conftest.py.

`postgres_only` tests are skipped unless DATABASE_URL is PostgreSQL, `sqlite_only` tests unless it is SQLite
(the default), so `make test-sqlite` and `make test-postgres` each run what is meaningful for them.
"""

from __future__ import annotations

import os

import pytest


def database_vendor() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return "postgresql"
    return "sqlite" if not url or url.startswith("sqlite:") else "other"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    vendor = database_vendor()
    for item in items:
        if "postgres_only" in item.keywords and vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="PostgreSQL only: set DATABASE_URL=postgres://…"))
        if "sqlite_only" in item.keywords and vendor != "sqlite":
            item.add_marker(pytest.mark.skip(reason="SQLite only"))


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with empty caches: rendered fragments and pages are keyed by row ids and the data
    version, and ids come round again after a rolled-back test that left the version as it was."""
    from django.core.cache import cache

    from minsheng.progress import pagecache

    cache.clear()
    pagecache.forget_pages()
