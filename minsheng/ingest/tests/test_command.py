"""`minsheng ingest extract FILE --format json|table`: the management command over the pure engine."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import SEED

REQUIRED = {
    "indicator",
    "comparator",
    "value",
    "value_max",
    "unit",
    "deadline",
    "kind",
    "firmness",
    "sentence",
}


def test_extract_json_prints_the_66_seed_targets() -> None:
    out = StringIO()
    call_command("ingest", "extract", str(SEED), "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert isinstance(rows, list)
    assert len(rows) == 66
    assert all(set(row) >= REQUIRED for row in rows)
    employment = next(r for r in rows if r["indicator"] == "城镇新增就业")
    assert (employment["comparator"], employment["value"], employment["unit"]) == (">=", 110, "万人")


def test_extract_table_has_a_header_and_a_line_per_target() -> None:
    out = StringIO()
    call_command("ingest", "extract", str(SEED), "--format", "table", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:3] == ["indicator", "comparator", "value"]
    assert len(lines) == 67


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "文件为空"), (bytes(range(256)) * 16, "二进制"), (b"PK\x03\x04broken", "Word文件（.docx）已损坏")],
    ids=["empty", "binary", "broken-docx"],
)
def test_unreadable_file_is_a_command_error_with_the_chinese_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / ("x.docx" if content.startswith(b"PK") else "x.txt")
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("ingest", "extract", str(path), stdout=StringIO())


def test_command_line_exits_non_zero_with_the_message_on_stderr(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "minsheng", "ingest", "extract", str(empty)],
        capture_output=True,
        text=True,
        check=False,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode != 0
    assert "文件为空" in result.stderr
    assert result.stdout == ""
