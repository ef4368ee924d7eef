"""Fault tests reuse the reporting world (the Wuhan catalog, a published 2025 ledger, people in each role)."""

from __future__ import annotations

from minsheng.reporting.tests.conftest import world  # noqa: F401 — re-exported fixture
