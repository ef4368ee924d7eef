"""The 通报 from the database: counts match TargetStatus, the view is for leaders and the office, audited."""

from __future__ import annotations

import io
import re
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import call_command

from minsheng.audit.models import AuditEvent
from minsheng.org.models import Unit
from minsheng.policy.models import Target
from minsheng.progress.briefing_service import SYNTHETIC_NOTE, briefing_data_for
from minsheng.progress.domain import Status
from minsheng.progress.models import TargetStatus

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def _docx_text(body: bytes) -> str:
    document = docx.Document(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_counts_match_the_city_status_rows(statuses: dict[str, Unit]) -> None:
    city = statuses["420100"]
    data = briefing_data_for(as_of=AS_OF, period_label="2024年第四季度", doc_number="武民生办〔2024〕4号")
    stored = Counter(TargetStatus.objects.filter(unit=city, as_of=AS_OF).values_list("status", flat=True))
    without_row = Target.objects.count() - sum(stored.values())
    for status in Status:
        expected = stored.get(str(status), 0) + (without_row if status == Status.NOT_ASSESSABLE else 0)
        assert data.count(status) == expected, status
    assert data.total_targets == Target.objects.count()
    assert len(data.targets) == Target.objects.count()
    # every table row carries its stored status
    by_code = dict(TargetStatus.objects.filter(unit=city, as_of=AS_OF).values_list("target__code", "status"))
    for row in data.targets:
        assert str(row.status) == by_code.get(row.code, "not_assessable")
    # system sentences add up to the totals
    totals = [re.match(rf"{re.escape(h.system)}(\d+)项指标中", h.sentences[0]) for h in data.highlights]
    assert sum(int(m.group(1)) for m in totals if m) == data.total_targets
    assert all(h.sentences[0].startswith(h.system) for h in data.highlights)
    assert len(data.charts) == 2
    assert data.period_label == "2024年第四季度"
    assert data.doc_number == "武民生办〔2024〕4号"


def test_synthetic_data_is_labelled(statuses: dict[str, Unit]) -> None:
    data = briefing_data_for(as_of=AS_OF)
    assert SYNTHETIC_NOTE in data.note
    assert any("（模拟）" in r.latest for r in data.targets)
    assert data.period_label == "2024年第四季度"


def test_named_units_are_districts_and_never_both(statuses: dict[str, Unit]) -> None:
    data = briefing_data_for(as_of=AS_OF)
    names = set(Unit.objects.filter(parent=statuses["420100"]).values_list("name", flat=True))
    praised = {n.unit for n in data.praised}
    lagging = {n.unit for n in data.lagging}
    assert praised <= names
    assert lagging <= names
    assert not praised & lagging
    assert data.lagging, "the synthetic history has districts behind"


def test_leader_downloads_docx_and_it_is_audited(statuses: dict[str, Unit], leader: Any) -> None:
    response = leader.get(f"/progress/briefing/?as_of={AS_OF.isoformat()}&format=docx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = _docx_text(response.content)
    assert "全市保障和改善" in text
    assert SYNTHETIC_NOTE in text
    event = AuditEvent.objects.filter(action="progress.briefing_export").get()
    assert event.detail["format"] == "docx"


def test_overview_shows_the_button_to_leaders_only(
    statuses: dict[str, Unit], leader: Any, jiangan: Any
) -> None:
    assert "briefing-docx" in leader.get("/progress/").content.decode()
    assert "briefing-docx" not in jiangan.get("/progress/").content.decode()


@pytest.mark.parametrize("role", ["reporter", "reviewer", "supervisor", "evaluator", "unit_admin"])
def test_other_roles_get_404(statuses: dict[str, Unit], client_for: Any, role: str) -> None:
    unit = statuses["420100"] if role in ("supervisor", "evaluator") else statuses["420102"]
    client = client_for(f"u_{role}", role, unit)
    assert client.get(f"/progress/briefing/?as_of={AS_OF.isoformat()}").status_code == 404
    assert not AuditEvent.objects.filter(action="progress.briefing_export").exists()


def test_unknown_date_or_format_is_404(statuses: dict[str, Unit], leader: Any) -> None:
    assert leader.get("/progress/briefing/?as_of=1999-12-31").status_code == 404
    assert leader.get("/progress/briefing/?as_of=nonsense").status_code == 404
    assert leader.get(f"/progress/briefing/?as_of={AS_OF.isoformat()}&format=exe").status_code == 404


def test_command_writes_the_docx(statuses: dict[str, Unit], tmp_path: Path) -> None:
    out = tmp_path / "通报.docx"
    call_command("progress", "briefing", "--as-of", AS_OF.isoformat(), "--out", str(out), stdout=StringIO())
    assert SYNTHETIC_NOTE in _docx_text(out.read_bytes())


@pytest.mark.office
def test_office_downloads_pdf(statuses: dict[str, Unit], client_for: Any) -> None:
    office = client_for("office1", "office", statuses["420100"])
    response = office.get(f"/progress/briefing/?as_of={AS_OF.isoformat()}&format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.office
def test_command_writes_the_pdf(statuses: dict[str, Unit], tmp_path: Path) -> None:
    out = tmp_path / "briefing.docx"
    call_command(
        "progress", "briefing", "--as-of", AS_OF.isoformat(), "--out", str(out), "--pdf", stdout=StringIO()
    )
    assert (tmp_path / "briefing.pdf").read_bytes().startswith(b"%PDF")
