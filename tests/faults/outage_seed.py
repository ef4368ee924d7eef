"""Run by the database-outage test in a fresh process against the private PostgreSQL: migrate, load the
reference units, the Wuhan catalog and a published 2025 ledger, then print (as the last line, JSON) a
reporter's session cookie, an API token and a pool of (item, unit, period, value) reports that validate.

Usage: DATABASE_URL=postgres://…/db python -m tests.faults.outage_seed
"""

from __future__ import annotations

import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command

    from minsheng.accounts.models import User
    from minsheng.accounts.services import api_token_create
    from minsheng.accounts.sessions import SessionStore
    from minsheng.org.models import Role, Unit
    from minsheng.org.services import REFERENCE_UNITS, role_grant, units_load_reference
    from minsheng.policy.services import WUHAN_CATALOG, policy_load_file
    from minsheng.reporting.access import reporting_units
    from minsheng.reporting.domain.periods import periods_of_year
    from minsheng.reporting.domain.validation import validate
    from minsheng.reporting.models import LedgerItem
    from minsheng.reporting.selectors import value_context
    from minsheng.reporting.services import ledger_year_create, ledger_year_publish

    call_command("migrate", verbosity=0, interactive=False)
    units_load_reference(actor=None, text=REFERENCE_UNITS.read_text(encoding="utf-8"))
    policy = policy_load_file(actor=None, path=WUHAN_CATALOG).policy
    rsj = Unit.objects.get(kind="department", name="市人社局")

    def user(name: str, role: str) -> User:
        u = User.objects.create(username=name)
        u.set_password("Outage#2026test")
        u.save()
        role_grant(actor=None, user=u, unit=rsj, role=role)
        return u

    office = user("outage_office", Role.OFFICE)
    year = ledger_year_create(actor=office, policy=policy, year=2025)
    ledger_year_publish(actor=office, ledger_year=year)
    reporter = user("outage_reporter", Role.REPORTER)
    _token, secret = api_token_create(actor=reporter, user=reporter, name="outage")

    session = SessionStore()
    session[SESSION_KEY] = str(reporter.pk)
    session[BACKEND_SESSION_KEY] = "minsheng.accounts.backends.ModelBackend"
    session[HASH_SESSION_KEY] = reporter.get_session_auth_hash()
    session.create()

    pool: list[dict[str, object]] = []
    for item in LedgerItem.objects.filter(ledger_year=year).select_related("ledger_year", "target"):
        if [u.pk for u in reporting_units(item)] != [rsj.pk]:
            continue
        for period in periods_of_year(year.year, item.frequency):
            ctx = value_context(item, rsj, period.key)
            value = next((v for v in ("1", "3", "50", "0.5") if validate(v, ctx).ok), None)
            if value is not None:
                pool.append({"item_id": item.pk, "unit_code": rsj.code, "period": period.key, "value": value})
    print(
        json.dumps(
            {
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "session_key": session.session_key,
                "token": secret,
                "pool": pool,
            }
        )
    )


if __name__ == "__main__":
    main()
    sys.exit(0)
