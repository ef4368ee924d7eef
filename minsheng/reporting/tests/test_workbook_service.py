"""The ledger workbook through the services, the screens and the API: export → edit → import, all or nothing,
hostile files, formulas and numbers in the export, scoping, version conflicts, who may change what."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from minsheng.accounts.services import api_token_create
from minsheng.audit.models import AuditEvent
from minsheng.reporting.access import items_visible_to
from minsheng.reporting.domain.workbook import COLUMNS
from minsheng.reporting.domain.xlsx_safety import FORMULA_GUARD, MiB
from minsheng.reporting.models import LedgerImport, LedgerItem, Submission
from minsheng.reporting.services import (
    SubmissionInput,
    ledger_export,
    ledger_import,
    ledger_split_districts,
    submission_save_draft,
    submission_submit,
)
from minsheng.reporting.tests.conftest import JOBS, UNEMPLOYMENT, World
from minsheng.reporting.tests.workbook_samples import (
    billion_laughs_workbook,
    html_as_xlsx,
    macro_workbook,
    zip_bomb,
    zip_slip_workbook,
)

pytestmark = pytest.mark.django_db
YEAR = 2025
FILE_NAME = f"{YEAR}年度民生任务台帐.xlsx"
HEADERS = {c.header: i for i, c in enumerate(COLUMNS, start=1)}


# ------------------------------------------------------------------------------------------------ helpers


def export_via_view(client: Client, **params: Any) -> bytes:
    response = client.get(reverse("reporting:ledger_export", args=[YEAR]), params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return bytes(response.content)


def sheet_rows(data: bytes) -> dict[str, dict[str, Any]]:
    """{item code: {header: value}} of a workbook's ledger sheet."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    out: dict[str, dict[str, Any]] = {}
    for values in book["台帐"].iter_rows(min_row=3, values_only=True):
        code = values[HEADERS["_item_code"] - 1]
        if code:
            out[str(code)] = {h: values[i - 1] for h, i in HEADERS.items()}
    book.close()
    return out


def edit(data: bytes, changes: dict[tuple[str, str], object], *, literal: bool = True) -> bytes:
    """Set {(item code, header): value} as a person would in Excel, and save."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["台帐"]
    rows = {
        str(sheet.cell(row=r, column=HEADERS["_item_code"]).value): r
        for r in range(3, sheet.max_row + 1)
        if sheet.cell(row=r, column=HEADERS["_item_code"]).value
    }
    for (code, header), value in changes.items():
        cell = sheet.cell(row=rows[code], column=HEADERS[header])
        cell.value = value
        if literal and isinstance(value, str):
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: Client, data: bytes, name: str = "台帐.xlsx", **extra: Any) -> Any:
    return client.post(
        reverse("reporting:ledger_import", args=[YEAR]),
        {"file": SimpleUploadedFile(name, data), "back": "ledger"},
        **extra,
    )


def job_of(response: Any) -> LedgerImport:
    assert response.status_code == 302, response.content[:500]
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    return LedgerImport.objects.get(pk=pk)


def rsj_items(world: World) -> list[LedgerItem]:
    """Items 市人社局 reports on itself (led by it, not split to districts)."""
    return [
        i
        for i in LedgerItem.objects.filter(ledger_year=world.year, lead_unit=world.rsj)
        if not i.shares.exists()
    ]


def snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        Submission.objects.values_list(
            "item_id", "unit_id", "period_key", "progress", "value", "lock_version"
        )
    )


def items_snapshot() -> list[tuple[Any, ...]]:
    return sorted(LedgerItem.objects.values_list("pk", "title", "deadline", "status_override"))


# ------------------------------------------------------------------------------------------------ round trip


def test_export_edit_import_round_trip_through_the_screens(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    response = client.get(reverse("reporting:ledger_export", args=[YEAR]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"filename*=UTF-8''{quote(FILE_NAME)}" in response["Content-Disposition"]
    data = bytes(response.content)
    rows = sheet_rows(data)
    assert set(rows) == {JOBS}
    edited = edit(
        data, {(JOBS, "进展情况"): "一季度新增就业3.2万人", (JOBS, "存在问题"): "无", (JOBS, "完成值"): 3.2}
    )

    job = job_of(upload(client, edited))
    assert job.status == "accepted"
    assert job.rows_read == 1
    assert job.rows_changed == 1
    page = client.get(reverse("reporting:ledger_import_status", args=[job.pk]))
    assert "已导入 1 行" in page.content.decode()

    sub = Submission.objects.get(item=world.jobs, unit=world.units["420102"])
    assert (sub.progress, sub.problems, sub.value, sub.status) == (
        "一季度新增就业3.2万人",
        "无",
        Decimal("3.2"),
        "draft",
    )
    assert sub.period_key == rows[JOBS]["_period"]
    events = list(
        AuditEvent.objects.filter(action__in=("reporting.ledger_export", "reporting.ledger_import"))
    )
    export_event = next(e for e in events if e.action == "reporting.ledger_export")
    import_event = next(e for e in events if e.action == "reporting.ledger_import")
    assert export_event.detail["rows"] == 1
    assert import_event.outcome == "success"
    assert import_event.detail["rows_changed"] == 1

    # The next export shows what was imported, and importing it unchanged changes nothing.
    again = export_via_view(client)
    assert sheet_rows(again)[JOBS]["进展情况"] == "一季度新增就业3.2万人"
    before = snapshot()
    assert job_of(upload(client, again)).rows_changed == 0
    assert snapshot() == before


def test_the_import_form_and_export_button_are_on_both_pages(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    for url in (reverse("reporting:ledger_year", args=[YEAR]), f"{reverse('reporting:mine')}?year={YEAR}"):
        html = client.get(url).content.decode()
        assert "导出台帐" in html
        assert "导入台帐" in html
        assert reverse("reporting:ledger_export", args=[YEAR]) in html
        assert 'enctype="multipart/form-data"' in html


def test_import_over_htmx_answers_with_the_status_fragment(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    data = edit(export_via_view(client), {(JOBS, "进展情况"): "HTMX"})
    response = upload(client, data, HTTP_HX_REQUEST="true", follow=True)
    html = response.content.decode()
    assert 'id="import-status"' in html
    assert "已导入 1 行" in html
    rejected = upload(client, b"x", name="台帐.xls", HTTP_HX_REQUEST="true")
    assert rejected.status_code == 200
    assert "只接受 .xlsx" in rejected.content.decode()


def test_my_items_export_holds_only_what_i_report_on(world: World) -> None:
    client = world.client(world.rsj_reporter)
    everything = sheet_rows(export_via_view(client))
    mine = sheet_rows(export_via_view(client, mine="on"))
    assert set(mine) == {i.code for i in rsj_items(world)}
    assert set(mine) < set(everything)  # 市人社局 also sees the items split to districts
    assert JOBS in everything
    assert JOBS not in mine


# ------------------------------------------------------------------------------------------- all or nothing


def test_one_bad_row_saves_nothing_and_the_report_lists_it(world: World) -> None:
    client = world.client(world.rsj_reporter)
    codes = [i.code for i in rsj_items(world)][:3]
    assert len(codes) == 3
    data = export_via_view(client, mine="on")
    changes: dict[tuple[str, str], object] = {(code, "进展情况"): f"进展 {code}" for code in codes}
    changes[(codes[1], "完成值")] = "十二点五"
    before, items_before = snapshot(), items_snapshot()

    job = job_of(upload(client, edit(data, changes)))
    assert job.status == "refused"
    assert job.error_count == 1
    assert snapshot() == before
    assert items_snapshot() == items_before
    [error] = job.errors_preview
    assert error["column"] == "完成值"
    assert error["value"] == "十二点五"
    page = client.get(reverse("reporting:ledger_import_status", args=[job.pk])).content.decode()
    assert "系统没有保存任何内容" in page
    assert "完成值" in page
    assert str(error["row"]) in page

    report = client.get(reverse("reporting:ledger_import_errors", args=[job.pk]))
    assert report.status_code == 200
    assert report["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(report.content))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert error["row"] in cells
    assert "完成值" in cells
    event = AuditEvent.objects.filter(action="reporting.ledger_import").latest("id")
    assert event.outcome == "failure"
    assert event.detail["errors"] == 1
    assert event.detail["refusal"] == "invalid_rows"


def test_a_duplicate_row_found_at_the_end_rolls_back_rows_already_written(world: World) -> None:
    """Rows are written while the file is read; a problem found only after the pass still undoes them."""
    client = world.client(world.rsj_reporter)
    codes = [i.code for i in rsj_items(world)][:2]
    data = export_via_view(client, mine="on")
    edited = edit(data, {(codes[0], "进展情况"): "写入", (codes[1], "_item_code"): codes[0]})
    before = snapshot()
    outcome = ledger_import(actor=world.rsj_reporter, year=YEAR, upload=edited)
    assert not outcome.ok
    assert any("同一条目" in e.message for e in outcome.errors)
    assert snapshot() == before
    assert outcome.error_report is not None


# --------------------------------------------------------------------------------------------- hostile files


def _own_export(world: World) -> bytes:
    return ledger_export(actor=world.jiangan_reporter, year=YEAR)


HOSTILE: dict[str, tuple[Callable[[World], bytes], str, tuple[str, ...]]] = {
    "zip_bomb": (lambda w: zip_bomb(64 * MiB), "压缩炸弹", ("zip_bomb_ratio", "zip_bomb_size")),
    "billion_laughs": (lambda w: billion_laughs_workbook(), "十亿笑声", ("xml_dtd",)),
    "zip_slip": (lambda w: zip_slip_workbook(_own_export(w)), "路径", ("zip_slip",)),
    "html_renamed": (lambda w: html_as_xlsx(), "网页", ("html_not_xlsx",)),
    "macros": (lambda w: macro_workbook(_own_export(w)), "宏", ("macro",)),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_workbook_is_refused_with_a_clear_message(world: World, kind: str) -> None:
    make, words, codes = HOSTILE[kind]
    data = make(world)
    client = world.client(world.jiangan_reporter)
    before, items_before = snapshot(), items_snapshot()
    job = job_of(upload(client, data))
    assert job.status == "refused"
    assert job.refusal_code in codes
    message = job.errors_preview[0]["message"]
    assert words in message
    page = client.get(reverse("reporting:ledger_import_status", args=[job.pk])).content.decode()
    assert words in page
    assert snapshot() == before
    assert items_snapshot() == items_before
    event = AuditEvent.objects.filter(action="reporting.ledger_import").latest("id")
    assert event.outcome == "failure"
    assert event.detail["refusal"] in codes
    assert not any(p for p in (LedgerImport.objects.get(pk=job.pk).storage_name,) if p)  # upload removed


def test_macro_workbook_named_xlsm_is_refused_before_it_is_kept(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    response = upload(client, macro_workbook(_own_export(world)), name="台帐.xlsm")
    assert response.status_code == 302
    assert not LedgerImport.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "只接受 .xlsx" in page
    assert AuditEvent.objects.filter(action="reporting.ledger_import", outcome="failure").exists()


def test_formula_in_a_text_cell_is_refused(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    data = edit(
        export_via_view(client),
        {(JOBS, "进展情况"): '=HYPERLINK("http://evil.example","点击")'},
        literal=False,
    )
    before = snapshot()
    job = job_of(upload(client, data))
    assert job.status == "refused"
    assert "公式" in job.errors_preview[0]["message"]
    assert job.errors_preview[0]["column"] == "进展情况"
    assert snapshot() == before


def test_upload_over_20_mb_is_refused(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    response = upload(client, b"PK\x03\x04" + bytes(20 * MiB))
    assert response.status_code == 302
    assert not LedgerImport.objects.exists()
    assert "20 MB" in client.get(response["Location"]).content.decode()


# ----------------------------------------------------------------------------------- formulas and numbers out


def test_export_never_writes_a_formula_and_keeps_numbers_numeric(world: World) -> None:
    rate = world.rate
    rate.allow_negative = True
    rate.save(update_fields=["allow_negative"])
    sub, _ = submission_save_draft(
        actor=world.rsj_reporter,
        item=rate,
        unit=world.rsj,
        period_key=sheet_rows(ledger_export(actor=world.rsj_reporter, year=YEAR))[UNEMPLOYMENT]["_period"],
        data=SubmissionInput(
            value="-0.3", progress="=cmd|' /C calc'!A0", problems="@SUM(1+1)", next_steps="-2"
        ),
        lock_version=None,
    )
    assert sub.value == Decimal("-0.3")
    data = ledger_export(actor=world.rsj_reporter, year=YEAR)
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    sheet = book["台帐"]
    row = next(
        r for r in range(3, sheet.max_row + 1) if sheet.cell(r, HEADERS["_item_code"]).value == UNEMPLOYMENT
    )
    progress = sheet.cell(row, HEADERS["进展情况"])
    assert progress.data_type == "s"
    assert progress.value == FORMULA_GUARD + "=cmd|' /C calc'!A0"
    assert sheet.cell(row, HEADERS["存在问题"]).value.startswith(FORMULA_GUARD)
    value = sheet.cell(row, HEADERS["完成值"])
    assert value.data_type == "n"
    assert isinstance(value.value, float | int)
    assert value.value < 0
    goal = sheet.cell(row, HEADERS["目标值"])
    assert goal.data_type == "n"
    # …and the guarded texts come back exactly, so an unchanged re-import changes nothing.
    before = snapshot()
    assert ledger_import(actor=world.rsj_reporter, year=YEAR, upload=data).ok
    assert snapshot() == before


# ------------------------------------------------------------------------------------------------- scoping


def test_a_district_exports_only_its_items_and_cannot_import_a_siblings(world: World) -> None:
    wuchang_only = LedgerItem.objects.filter(ledger_year=world.year, lead_unit=world.rsj).exclude(
        pk=world.jobs.pk
    )[0]
    wuchang_only.goal_value = wuchang_only.goal_value or Decimal("10")
    wuchang_only.save(update_fields=["goal_value"])
    ledger_split_districts(actor=world.office, item=wuchang_only, shares={"420106": Decimal("10")})

    jiangan = sheet_rows(ledger_export(actor=world.jiangan_reporter, year=YEAR))
    assert set(jiangan) == set(items_visible_to(world.jiangan_reporter).values_list("code", flat=True))
    assert wuchang_only.code not in jiangan
    wuchang = sheet_rows(ledger_export(actor=world.wuchang_reporter, year=YEAR))
    assert wuchang_only.code in wuchang

    client = world.client(world.jiangan_reporter)
    data = edit(
        export_via_view(client), {(JOBS, "_item_code"): wuchang_only.code, (JOBS, "进展情况"): "越权"}
    )
    before = snapshot()
    job = job_of(upload(client, data))
    assert job.status == "refused"
    assert "未知或无权限的事项" in job.errors_preview[0]["message"]
    assert snapshot() == before


def test_import_results_are_only_for_the_uploader(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    job = job_of(upload(client, html_as_xlsx()))
    other = world.client(world.wuchang_reporter)
    office = world.client(world.office)
    for url in (
        reverse("reporting:ledger_import_status", args=[job.pk]),
        reverse("reporting:ledger_import_errors", args=[job.pk]),
    ):
        assert client.get(url).status_code == 200
        assert other.get(url).status_code == 404
        assert office.get(url).status_code == 404


def test_unknown_year_is_404(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    assert client.get(reverse("reporting:ledger_export", args=[1999])).status_code == 404
    response = client.post(
        reverse("reporting:ledger_import", args=[1999]), {"file": SimpleUploadedFile("a.xlsx", b"x")}
    )
    assert response.status_code == 404


# ------------------------------------------------------------------------------------ conflicts and rights


def test_a_row_changed_since_the_export_is_a_conflict_not_an_overwrite(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    data = export_via_view(client)
    period = sheet_rows(data)[JOBS]["_period"]
    submission_save_draft(
        actor=world.jiangan_reporter,
        item=world.jobs,
        unit=world.units["420102"],
        period_key=period,
        data=SubmissionInput(value="4", progress="在系统中填写的"),
        lock_version=None,
    )
    before = snapshot()
    job = job_of(upload(client, edit(data, {(JOBS, "进展情况"): "表格里的旧内容"})))
    assert job.status == "refused"
    assert "导出后已在系统中更新" in job.errors_preview[0]["message"]
    assert snapshot() == before
    assert Submission.objects.get(item=world.jobs).progress == "在系统中填写的"


def test_submitted_reports_cannot_be_changed_by_import(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    period = sheet_rows(export_via_view(client))[JOBS]["_period"]
    submission_submit(
        actor=world.jiangan_reporter,
        item=world.jobs,
        unit=world.units["420102"],
        period_key=period,
        data=SubmissionInput(value="4", progress="已提交"),
    )
    data = export_via_view(client)
    assert sheet_rows(data)[JOBS]["_locked"] in (1, True)
    job = job_of(upload(client, edit(data, {(JOBS, "进展情况"): "改一下"})))
    assert job.status == "refused"
    assert "锁定" in job.errors_preview[0]["message"]
    assert Submission.objects.get(item=world.jobs).status == "submitted"


def test_reporters_cannot_change_office_columns_and_status_is_informational(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    data = export_via_view(client)
    before = snapshot()
    refused = job_of(upload(client, edit(data, {(JOBS, "任务内容"): "改名", (JOBS, "牵头单位"): "江岸区"})))
    assert refused.status == "refused"
    assert {e["column"] for e in refused.errors_preview} == {"任务内容", "牵头单位"}
    status_only = job_of(upload(client, edit(data, {(JOBS, "状态"): "已完成"})))
    assert status_only.status == "accepted"
    assert status_only.rows_changed == 0
    assert snapshot() == before
    assert LedgerItem.objects.get(pk=world.jobs.pk).status_override == ""


def test_the_office_sets_title_deadline_and_status_but_not_reports(world: World) -> None:
    client = world.client(world.office)
    data = export_via_view(client)
    rows = sheet_rows(data)
    other = next(c for c in rows if c != JOBS)
    edited = edit(
        data,
        {
            (JOBS, "任务内容"): "城镇新增就业（含返乡创业）",
            (JOBS, "完成时限"): "2025年11月底",
            (other, "状态"): "滞后推进",
        },
    )
    job = job_of(upload(client, edited))
    assert job.status == "accepted"
    assert job.rows_changed == 2
    jobs = LedgerItem.objects.get(pk=world.jobs.pk)
    assert jobs.title == "城镇新增就业（含返乡创业）"
    assert jobs.deadline.isoformat() == "2025-11-30"
    assert LedgerItem.objects.get(ledger_year=world.year, code=other).status_override == "滞后推进"
    assert sheet_rows(export_via_view(client))[other]["状态"] == "滞后推进"
    # Progress of an item reported by two districts cannot be filled from the office's sheet.
    refused = job_of(upload(client, edit(export_via_view(client), {(JOBS, "进展情况"): "办公室代填"})))
    assert refused.status == "refused"
    assert "不是该事项唯一的填报单位" in refused.errors_preview[0]["message"]


# ------------------------------------------------------------------------------------------ API and command


def _token_client(user: Any) -> Client:
    _t, secret = api_token_create(actor=user, user=user, name="wb")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_api_export_and_import_use_the_same_services(world: World) -> None:
    api = _token_client(world.jiangan_reporter)
    response = api.get(f"/api/v1/reporting/ledger/{YEAR}/export")
    assert response.status_code == 200
    assert f"filename*=UTF-8''{quote(FILE_NAME)}" in response["Content-Disposition"]
    data = bytes(response.content)
    assert set(sheet_rows(data)) == {JOBS}

    ok = api.post(
        f"/api/v1/reporting/ledger/{YEAR}/import",
        {"file": SimpleUploadedFile("a.xlsx", edit(data, {(JOBS, "进展情况"): "接口导入"}))},
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["ok"] is True
    assert ok.json()["rows_changed"] == 1
    assert Submission.objects.get(item=world.jobs).progress == "接口导入"

    bad = api.post(
        f"/api/v1/reporting/ledger/{YEAR}/import", {"file": SimpleUploadedFile("b.xlsx", html_as_xlsx())}
    )
    assert bad.status_code == 422
    assert bad.json()["refusal_code"] == "html_not_xlsx"
    assert "网页" in bad.json()["errors"][0]["message"]
    assert api.get("/api/v1/reporting/ledger/1999/export").status_code == 404
    assert api.get(f"/api/v1/reporting/ledger/{YEAR}/export?period=Q9").status_code == 422
    assert Client().get(f"/api/v1/reporting/ledger/{YEAR}/export").status_code == 401


def test_management_command_imports_as_the_user(world: World, tmp_path: Any) -> None:
    data = edit(ledger_export(actor=world.jiangan_reporter, year=YEAR), {(JOBS, "进展情况"): "命令行导入"})
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("ledger_import", str(path), year=YEAR, user=world.jiangan_reporter.username, stdout=out)
    assert "已导入 1 行" in out.getvalue()
    assert Submission.objects.get(item=world.jobs).progress == "命令行导入"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(html_as_xlsx())
    with pytest.raises(SystemExit):
        call_command(
            "ledger_import",
            str(bad),
            year=YEAR,
            user=world.jiangan_reporter.username,
            errors_out=str(tmp_path / "errors.xlsx"),
            stderr=io.StringIO(),
        )
    assert (tmp_path / "errors.xlsx").stat().st_size > 0
