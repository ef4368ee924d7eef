"""A Wuhan-sized world for the deadline surge, built in bulk on a fresh, migrated database.

The reference tree (city, 13 districts, 4 zones, the departments) plus ~200 synthetic streets and ~3,300
synthetic communities; one reporter per community and per street, two reviewers per district or zone,
one machine client (API token) per district or zone; the Wuhan catalog and a published ledger for the year
of the period due now, with `SHARED_ITEMS` level items shared down to every community (so every community
reports), each with a district → department → office chain. Signed-in sessions are created directly (people
signed in before the last hour); all accounts share one password hash (computed once; hashing 3,500
passwords with Argon2 would take minutes and is not what the surge measures).

Usage (run by loadtest.run): DATABASE_URL=postgres://…/ms_load python -m loadtest.seed OUT.json
Prints a one-line summary; writes identities and write targets to OUT.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import django

STREETS = 200
COMMUNITIES = 3300
SHARED_ITEMS = 3
SESSION_HOURS = 12


def _spread(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def build(out: Path) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from minsheng.accounts.models import Session, User
    from minsheng.accounts.services import api_token_create
    from minsheng.accounts.sessions import SessionStore
    from minsheng.org.models import Role, RoleAssignment, Unit, UnitKind
    from minsheng.org.services import REFERENCE_UNITS, units_load_reference
    from minsheng.policy.services import WUHAN_CATALOG, policy_load_file
    from minsheng.reporting.domain.approval import Level
    from minsheng.reporting.domain.periods import periods_of_year, reporting_period_for
    from minsheng.reporting.models import GoalShare, LedgerItem
    from minsheng.reporting.services import ledger_year_create, ledger_year_publish

    rng = random.Random(20260420)  # noqa: S311 — fixture data
    today = timezone.localdate()
    due = reporting_period_for(today, today.year, "quarterly")
    year = due.year

    units_load_reference(actor=None, text=REFERENCE_UNITS.read_text(encoding="utf-8"))
    policy = policy_load_file(actor=None, path=WUHAN_CATALOG).policy
    districts = list(Unit.objects.filter(kind__in=(UnitKind.DISTRICT, UnitKind.ZONE)).order_by("code"))
    city = Unit.objects.get(kind=UnitKind.CITY)

    # Streets and communities, bulk (Unit.save computes path/depth; bulk_create does not, so set them).
    def unit(code: str, name: str, kind: str, parent: Unit, n: int) -> Unit:
        path = f"{parent.path}{code}/"
        return Unit(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            path=path,
            depth=path.count("/") - 2,
            official_code=False,
            synthetic=True,
            sort_order=n,
        )

    streets: list[Unit] = []
    for d, count in zip(districts, _spread(STREETS, len(districts)), strict=True):
        streets += [
            unit(f"{d.code}S{i:02d}", f"{d.name}压测街道{i:02d}", UnitKind.STREET, d, i)
            for i in range(1, count + 1)
        ]
    streets = Unit.objects.bulk_create(streets, batch_size=1000)
    communities: list[Unit] = []
    for s, count in zip(streets, _spread(COMMUNITIES, len(streets)), strict=True):
        communities += [
            unit(f"{s.code}C{i:02d}", f"{s.name}压测社区{i:02d}", UnitKind.COMMUNITY, s, i)
            for i in range(1, count + 1)
        ]
    communities = Unit.objects.bulk_create(communities, batch_size=2000)

    # Accounts: one hash for all (see module docstring), roles in bulk.
    password = "Load#2026surge"  # noqa: S105 — a throw-away database on loopback
    hashed = make_password(password)
    people: list[tuple[str, Unit, str]] = [(f"c_{c.code}", c, Role.REPORTER) for c in communities]
    people += [(f"s_{s.code}", s, Role.REPORTER) for s in streets]
    people += [(f"rev{n}_{d.code}", d, Role.REVIEWER) for d in districts for n in (1, 2)]
    people += [(f"api_{d.code}", d, Role.REPORTER) for d in districts]
    rsj = Unit.objects.get(kind=UnitKind.DEPARTMENT, name="市人社局")
    people += [("load_office", rsj, Role.OFFICE), ("load_dept_reviewer", rsj, Role.REVIEWER)]
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(username=name, password=hashed, display_name=name, password_changed_at=now)
            for name, _u, _r in people
        ],
        batch_size=2000,
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, unit=p[1], role=p[2]) for u, p in zip(users, people, strict=True)],
        batch_size=2000,
    )
    by_name = {u.username: u for u in users}

    # The ledger of the year due now; SHARED_ITEMS level items shared down to every community.
    office = by_name["load_office"]
    ledger = ledger_year_create(actor=office, policy=policy, year=year)
    candidates = list(
        LedgerItem.objects.filter(
            ledger_year=ledger, target__isnull=False, value_meaning="level", frequency="quarterly"
        )
        .exclude(unit_label="%")
        .order_by("sort_order", "code")[:SHARED_ITEMS]
    )
    shares = []
    for item in candidates:
        item.goal_value = item.goal_value or Decimal(100)
        item.approval_chain = [Level.DISTRICT.value, Level.DEPARTMENT.value, Level.OFFICE.value]
        item.lead_unit = rsj
        item.save(update_fields=["goal_value", "approval_chain", "lead_unit"])
        shares += [GoalShare(item=item, unit=c, value=item.goal_value) for c in communities]
    GoalShare.objects.bulk_create(shares, batch_size=5000)
    ledger_year_publish(actor=office, ledger_year=ledger)

    # Sessions signed in "earlier": the Session rows directly, SESSION_HOURS long.
    expire = timezone.now() + dt.timedelta(hours=SESSION_HOURS)
    store = SessionStore()
    session_rows, keys = [], {}
    backend = "minsheng.accounts.backends.ModelBackend"
    for user in users:
        if user.username.startswith(("c_", "rev")):
            key = secrets.token_hex(16)
            session_data = {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: backend,
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
            session_rows.append(
                Session(
                    session_key=key, session_data=store.encode(session_data), expire_date=expire, user=user
                )
            )
            keys[user.username] = key
    Session.objects.bulk_create(session_rows, batch_size=2000)

    tokens = {}
    with transaction.atomic():
        for d in districts:
            _t, secret = api_token_create(
                actor=None, user=by_name[f"api_{d.code}"], name="12345热线对接（压测）"
            )
            tokens[d.code] = secret

    periods = [p.key for p in periods_of_year(year, "quarterly")]
    order = [due.key] + [p for p in periods if p != due.key]  # the period due now first, then the rest
    reporters = []
    for c in communities:
        district = c.path.split("/")[2]
        reporters.append(
            {
                "unit": c.code,
                "district": district,
                "session": keys[f"c_{c.code}"],
                "values": {str(i.pk): str(i.goal_value) for i in candidates},
            }
        )
    rng.shuffle(reporters)
    data: dict[str, Any] = {
        "year": year,
        "due_period": due.key,
        "periods": order,
        "items": [i.pk for i in candidates],
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "reporters": reporters,
        "reviewers": [
            {"district": d.code, "session": keys[f"rev{n}_{d.code}"]} for d in districts for n in (1, 2)
        ],
        "machines": [{"district": code, "token": t} for code, t in tokens.items()],
    }
    out.write_text(json.dumps(data), encoding="utf-8")
    return {
        "districts_and_zones": len(districts),
        "streets": len(streets),
        "communities": len(communities),
        "accounts": len(users),
        "ledger_items": LedgerItem.objects.filter(ledger_year=ledger).count(),
        "shared_items": len(candidates),
        "year": year,
        "due_period": due.key,
        "city": city.code,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()
    summary = build(Path(sys.argv[1]))
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
