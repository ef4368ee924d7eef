"""The page frame: navigation rendered once per language and role switches, with each user's own badge."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from minsheng.accounts.models import AdminRole, User
from minsheng.org.models import Role, Unit
from minsheng.reporting.models import Notice, NoticeKind

pytestmark = pytest.mark.django_db


def _nav(client: Client, path: str = "/") -> str:
    html = client.get(path).content.decode()
    found = re.search(r'<nav class="main">.*?</nav>', html, re.S)
    assert found, html[:500]
    return found.group(0)


def test_each_user_sees_their_own_unread_count(org_tree: dict[str, Unit], client_for: Any) -> None:
    first = client_for("bell_one", Role.REPORTER, org_tree["420102"])
    second = client_for("bell_two", Role.REPORTER, org_tree["420102"])
    assert 'class="badge"' not in _nav(first)
    for _ in range(3):
        Notice.objects.create(
            user=User.objects.get(username="bell_one"), kind=NoticeKind.DUE_SOON, message="x"
        )
    assert '<span class="badge">3</span>' in _nav(first)
    assert 'class="badge"' not in _nav(second)  # the same cached markup, without the other user's badge


def test_the_navigation_follows_language_and_role(
    org_tree: dict[str, Unit], client_for: Any, admin_client_for: Any
) -> None:
    leader = client_for("nav_leader", Role.LEADER, org_tree["420100"])
    zh, en = _nav(leader), _nav(leader, "/en/progress/")
    assert "目标进展" in zh
    assert 'href="/progress/"' in zh
    assert "目标进展" not in en
    assert 'href="/en/progress/"' in en
    assert "审计日志" not in zh
    auditor = admin_client_for("nav_auditor", AdminRole.AUDIT)
    assert "审计日志" in _nav(auditor)
    assert "审计日志" not in _nav(leader)  # after the auditor's variant was cached


def test_the_frame_links_follow_the_language(org_tree: dict[str, Unit], client_for: Any) -> None:
    leader = client_for("frame_leader", Role.LEADER, org_tree["420100"])
    zh = leader.get("/").content.decode()
    en = leader.get("/en/").content.decode()
    assert 'href="/accounts/me/"' in zh
    assert 'href="/en/accounts/me/"' in en
    assert "民生保障提效 公共服务提质" in zh
    assert "民生保障提效 公共服务提质" not in en
