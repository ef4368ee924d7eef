"""Approval history rows are written once: the database refuses UPDATE on them (SQLite and PostgreSQL).

Deletion is already refused by the model and by PROTECT from the submission; the test flush may delete.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS reporting_approvalstep_no_update BEFORE UPDATE ON reporting_approvalstep
       BEGIN SELECT RAISE(ABORT, 'approval history is append-only'); END;"""
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS reporting_approvalstep_no_update;"]
PG_UP = [
    """CREATE OR REPLACE FUNCTION reporting_approvalstep_no_update() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'approval history is append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER reporting_approvalstep_no_update BEFORE UPDATE ON reporting_approvalstep
       FOR EACH ROW EXECUTE FUNCTION reporting_approvalstep_no_update();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS reporting_approvalstep_no_update ON reporting_approvalstep;",
    "DROP FUNCTION IF EXISTS reporting_approvalstep_no_update();",
]


def _run(statements_by_vendor: dict[str, list[str]]) -> Any:
    def apply(apps: Any, schema_editor: Any) -> None:
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
