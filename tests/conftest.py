"""Cross-app tests use the org and user fixtures of `minsheng/conftest.py` (all of them, re-exported)."""

from __future__ import annotations

from minsheng.conftest import *  # noqa: F403
