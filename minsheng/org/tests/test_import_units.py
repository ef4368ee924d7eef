from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from minsheng.org.models import Unit

pytestmark = pytest.mark.django_db


def test_import_creates_streets_and_communities_in_any_order(
    org_tree: dict[str, Unit], tmp_path: Path
) -> None:
    csv_file = tmp_path / "units.csv"
    csv_file.write_text(
        "code,name,parent_code\n420103S09C01,新社区,420103S09\n420103S09,新街道,420103\n", encoding="utf-8"
    )
    call_command("import_units", str(csv_file))
    community = Unit.objects.get(code="420103S09C01")
    assert community.kind == "community"
    assert community.path == "/420100/420103/420103S09/420103S09C01/"


def test_import_with_unknown_parent_changes_nothing(org_tree: dict[str, Unit], tmp_path: Path) -> None:
    before = Unit.objects.count()
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(
        "code,name,parent_code\n420103S09,新街道,420103\nX1,孤儿社区,NOPE\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="上级代码 NOPE 不存在"):
        call_command("import_units", str(csv_file))
    assert Unit.objects.count() == before


def test_import_refuses_missing_columns(org_tree: dict[str, Unit], tmp_path: Path) -> None:
    csv_file = tmp_path / "cols.csv"
    csv_file.write_text("code,name\n1,a\n", encoding="utf-8")
    with pytest.raises(CommandError, match="parent_code"):
        call_command("import_units", str(csv_file))
