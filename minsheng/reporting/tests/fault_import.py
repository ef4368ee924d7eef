"""Helper process for the kill -9 test: `python -m minsheng.reporting.tests.fault_import seed|count …`.

Runs against whatever DATABASE_URL says (a file SQLite database or a scratch PostgreSQL database).

    seed OUT.xlsx   load units, the catalog and a published 2025 ledger; a reporter of 市人社局 (`fault_rep`)
                    with a draft on every other item; write that reporter's export with every row's progress
                    edited to "故障测试 …" to OUT.xlsx; print {"rows": n}
    count           print {"marked": reports whose progress starts with the marker, "reports": all reports}
"""

from __future__ import annotations

import io
import json
import os
import sys

import django

MARKER = "故障测试"
USER = "fault_rep"
YEAR = 2025


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()


def seed(out: str) -> None:
    import openpyxl

    from minsheng.accounts.models import User
    from minsheng.org.models import Role, Unit
    from minsheng.org.services import REFERENCE_UNITS, role_grant, units_load_reference
    from minsheng.policy.models import Target
    from minsheng.policy.services import WUHAN_CATALOG, policy_load_file
    from minsheng.reporting.domain.workbook import COLUMNS
    from minsheng.reporting.models import LedgerItem
    from minsheng.reporting.services import (
        SubmissionInput,
        ledger_export,
        ledger_split_plan_target,
        ledger_year_create,
        ledger_year_publish,
        submission_save_draft,
    )

    units_load_reference(actor=None, text=REFERENCE_UNITS.read_text(encoding="utf-8"))
    policy = policy_load_file(actor=None, path=WUHAN_CATALOG).policy
    rsj = Unit.objects.get(kind="department", name="市人社局")
    office = User.objects.create(username="fault_office")
    role_grant(actor=None, user=office, unit=rsj, role=Role.OFFICE)
    reporter = User.objects.create(username=USER)
    role_grant(actor=None, user=reporter, unit=rsj, role=Role.REPORTER)
    ledger_year = ledger_year_create(actor=office, policy=policy, year=YEAR)
    for target in Target.objects.filter(task__policy=policy, kind="cumulative", lead_unit=rsj):
        ledger_split_plan_target(actor=office, target=target, mode="even")
    ledger_year_publish(actor=office, ledger_year=ledger_year)

    data = ledger_export(actor=reporter, year=YEAR, only_mine=True)
    headers = {c.header: i for i, c in enumerate(COLUMNS, start=1)}
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["台帐"]
    rows = 0
    for r in range(3, sheet.max_row + 1):
        code = sheet.cell(r, headers["_item_code"]).value
        if not code:
            continue
        rows += 1
        if rows % 2:  # every other item already has a draft: the import updates it in place
            item = LedgerItem.objects.get(ledger_year=ledger_year, code=code)
            submission_save_draft(
                actor=reporter,
                item=item,
                unit=rsj,
                period_key=str(sheet.cell(r, headers["_period"]).value),
                data=SubmissionInput(progress="导出前的草稿"),
                lock_version=None,
            )
    # Export again (the drafts changed the rows' versions), then edit every row.
    book = openpyxl.load_workbook(io.BytesIO(ledger_export(actor=reporter, year=YEAR, only_mine=True)))
    sheet = book["台帐"]
    for r in range(3, sheet.max_row + 1):
        code = sheet.cell(r, headers["_item_code"]).value
        if code:
            sheet.cell(r, headers["进展情况"]).value = f"{MARKER} {code}"
    book.save(out)
    print(json.dumps({"rows": rows}))


def count() -> None:
    from minsheng.reporting.models import Submission

    print(
        json.dumps(
            {
                "marked": Submission.objects.filter(progress__startswith=MARKER).count(),
                "reports": Submission.objects.count(),
            }
        )
    )


def main(argv: list[str]) -> None:
    _setup()
    if argv[:1] == ["seed"]:
        seed(argv[1])
    elif argv[:1] == ["count"]:
        count()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
