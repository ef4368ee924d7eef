"""Review screen and adoption: highlights in place, decisions with history and audit, adopting once."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minsheng.audit.models import AuditEvent
from minsheng.ingest.models import Decision, DocumentStatus, IngestDecision, IngestDocument, Proposal
from minsheng.policy.models import Commitment, Policy, Target

from .conftest import SEED, Upload

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def seed_doc(office: Client, upload: Upload) -> IngestDocument:
    upload(office, "wuhan_2022_seed.txt", SEED.read_bytes())
    return IngestDocument.objects.get()


def _target(doc: IngestDocument, indicator: str) -> Proposal:
    return next(p for p in doc.proposals.filter(kind="target") if p.data["indicator"] == indicator)


def test_review_highlights_every_proposal_in_place_grouped_by_task(
    office: Client, seed_doc: IngestDocument
) -> None:
    response = office.get(f"/ingest/{seed_doc.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    proposals = list(seed_doc.proposals.all())
    text = seed_doc.normalised_text
    for p in proposals:
        # one value stating two targets ("A、B均达到98%以上") gives two nested marks around the same text
        mark = re.search(rf'<mark id="m-{p.pk}" class="([^"]+)"[^>]*>(?:<mark [^>]*>)*([^<]*)</mark>', html)
        assert mark is not None, p.data
        assert mark.group(1) == f"{p.kind} pending"
        assert mark.group(2) == text[p.span_start : p.span_end]
        assert f'id="p-{p.pk}"' in html
    employment = _target(seed_doc, "城镇新增就业")
    assert text[employment.span_start : employment.span_end] == "110万人以上"
    # grouped by task: the employment target is listed under its task heading
    group = html.index("1. 构建稳定充分的就业创业格局")
    assert group < html.index(f'id="p-{employment.pk}"')
    # mojibake flags are shown and marked in the text
    assert 'id="flags"' in html
    assert '<mark class="flag"' in html
    counts = re.search(r'data-count="pending">(\d+)<', html)
    assert counts is not None
    assert int(counts.group(1)) == len(proposals)
    assert "js/ingest.js" in html
    assert "<script>" not in html


def test_document_text_is_escaped_never_trusted(office: Client, upload: Upload) -> None:
    hostile = (
        "三、重点任务\n（一）民生保障\n1. 就业<script>alert(1)</script>。"
        '到2025年,城镇新增就业110万人<b onmouseover="x()">以上</b>。\n'
    )
    upload(office, "x.txt", hostile.encode())
    doc = IngestDocument.objects.get()
    html = office.get(f"/ingest/{doc.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "<b onmouseover" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_accept_reject_reset_are_recorded_with_history_and_audit(
    office: Client, office_user: Any, seed_doc: IngestDocument
) -> None:
    p = _target(seed_doc, "城镇新增就业")
    url = f"/ingest/{seed_doc.pk}/proposals/{p.pk}/decide/"
    response = office.post(url, {"decision": "accepted"}, headers=HX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert f'<li id="p-{p.pk}" class="proposal target accepted"' in fragment
    assert 'id="counts" class="counts" hx-swap-oob="true"' in fragment
    assert re.search(r'data-count="accepted">1<', fragment)
    p.refresh_from_db()
    assert (p.decision, p.decided_by_id) == (Decision.ACCEPTED, office_user.pk)
    assert p.decided_at is not None

    office.post(url, {"decision": "rejected"}, headers=HX)
    office.post(url, {"decision": "pending"})  # without HTMX: a redirect back to the proposal
    p.refresh_from_db()
    assert p.decision == Decision.PENDING
    history = list(p.history.values_list("decision", "actor_id"))
    assert history == [
        ("accepted", office_user.pk),
        ("rejected", office_user.pk),
        ("pending", office_user.pk),
    ]
    audit = AuditEvent.objects.filter(action="ingest.decide", object_id=str(p.pk))
    assert [e.detail["decision"] for e in audit.order_by("id")] == ["accepted", "rejected", "pending"]
    assert office.post(url, {"decision": "bogus"}).status_code == 302
    assert p.history.count() == 3


def test_decision_history_rows_are_immutable(office: Client, seed_doc: IngestDocument) -> None:
    p = _target(seed_doc, "城镇新增就业")
    office.post(f"/ingest/{seed_doc.pk}/proposals/{p.pk}/decide/", {"decision": "accepted"})
    row = IngestDecision.objects.get()
    row.decision = "rejected"
    with pytest.raises(ValueError, match="不可修改"):
        row.save()
    with pytest.raises(ValueError, match="不可删除"):
        row.delete()


def _correction(p: Proposal, **changes: Any) -> dict[str, Any]:
    data = {
        "indicator": p.data["indicator"],
        "comparator": p.data["comparator"],
        "value": str(p.data["value"]),
        "value_max": "",
        "unit": p.data["unit"],
        "kind": p.data["kind"],
        "deadline": "2025-12-31",
        "firmness": p.data["firmness"],
        "task": "/".join(p.data["outline"]),
    }
    data.update(changes)
    return data


def test_correct_form_validates_fields_in_chinese(office: Client, seed_doc: IngestDocument) -> None:
    p = _target(seed_doc, "城镇新增就业")
    url = f"/ingest/{seed_doc.pk}/proposals/{p.pk}/correct/"
    form = office.get(url, headers=HX)
    assert form.status_code == 200
    html = form.content.decode()
    assert f'hx-post="{url}"' in html
    assert 'value="城镇新增就业"' in html
    assert 'value="110"' in html
    bad = office.post(
        url, _correction(p, value="一百", comparator="range", unit="", deadline="2025/13/01"), headers=HX
    ).content.decode()
    assert "请输入数字" in bad
    assert "请填写单位" in bad
    assert "日期格式应为 2025-12-31" in bad
    bad_range = office.post(
        url, _correction(p, comparator="range", value="3", value_max="2"), headers=HX
    ).content.decode()
    assert "上限须大于目标值（下限）" in bad_range
    bad_max = office.post(url, _correction(p, value_max="200"), headers=HX).content.decode()
    assert "只有区间目标可以填写上限" in bad_max
    page = office.post(url, _correction(p, value="abc"))  # without HTMX: the full page, 422
    assert page.status_code == 422
    assert "请输入数字" in page.content.decode()
    p.refresh_from_db()
    assert p.decision == Decision.PENDING
    assert not p.history.exists()


def test_correction_is_recorded_with_its_values(
    office: Client, office_user: Any, seed_doc: IngestDocument
) -> None:
    p = _target(seed_doc, "城镇新增就业")
    url = f"/ingest/{seed_doc.pk}/proposals/{p.pk}/correct/"
    response = office.post(
        url, _correction(p, value="120", firmness="ensure", deadline="2024-06-30"), headers=HX
    )
    assert response.status_code == 200
    assert "原建议" in response.content.decode()
    p.refresh_from_db()
    assert p.decision == Decision.CORRECTED
    assert (p.value, p.firmness, p.deadline) == (Decimal("120"), "ensure", dt.date(2024, 6, 30))
    assert p.data["value"] == 110, "the proposal as extracted is kept unchanged"
    row = p.history.get()
    assert row.decision == "corrected"
    assert row.values["value"] == "120"
    assert row.actor_id == office_user.pk
    event = AuditEvent.objects.get(action="ingest.decide", object_id=str(p.pk))
    assert event.detail["values"]["firmness"] == "ensure"


def _adopt_post(doc: IngestDocument, **changes: Any) -> dict[str, Any]:
    data = {
        "title": "关于进一步推进民生保障提效公共服务提质的实施意见（导入）",
        "issuer": "武汉市人民政府",
        "document_number": "武政〔2022〕2号",
        "issued_on": "2022-01-14",
        "plan_end_year": "2025",
    }
    data.update(changes)
    return data


def test_adopt_creates_a_policy_with_exactly_the_accepted_targets(
    office: Client, office_user: Any, seed_doc: IngestDocument
) -> None:
    targets = list(seed_doc.proposals.filter(kind="target").order_by("seq"))
    accepted, corrected, rejected = targets[:10], targets[10], targets[11]
    for p in accepted:
        office.post(f"/ingest/{seed_doc.pk}/proposals/{p.pk}/decide/", {"decision": "accepted"})
    office.post(
        f"/ingest/{seed_doc.pk}/proposals/{corrected.pk}/correct/",
        _correction(corrected, value="99.5", unit="%", comparator=">=", kind="level", task=""),
    )
    office.post(f"/ingest/{seed_doc.pk}/proposals/{rejected.pk}/decide/", {"decision": "rejected"})
    commitment = seed_doc.proposals.filter(kind="commitment").order_by("seq").first()
    assert commitment is not None
    office.post(f"/ingest/{seed_doc.pk}/proposals/{commitment.pk}/decide/", {"decision": "accepted"})

    form = office.get(f"/ingest/{seed_doc.pk}/adopt/").content.decode()
    assert 'value="武政〔2022〕2号"' in form
    assert 'value="武汉市人民政府"' in form
    assert 'value="2022-01-14"' in form
    defaults_before = list(Policy.objects.filter(is_default=True).values_list("code", flat=True))
    response = office.post(f"/ingest/{seed_doc.pk}/adopt/", _adopt_post(seed_doc), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "已采用为政策目录" in page
    assert "年度台帐" in page
    link = re.search(rf'href="(/catalog/ingest-{seed_doc.pk}/targets/[^"]+/)"', page)
    assert link is not None
    assert office.get(link.group(1)).status_code == 200
    assert "/reporting/ledger/" in page

    policy = Policy.objects.get(code=f"ingest-{seed_doc.pk}")
    assert policy.title.endswith("（导入）")
    assert policy.issued_on == dt.date(2022, 1, 14)
    assert policy.document_number == "武政〔2022〕2号"
    assert not policy.is_default
    assert list(Policy.objects.filter(is_default=True).values_list("code", flat=True)) == defaults_before
    got = sorted(
        (t.indicator, t.comparator, t.value, t.value_max, t.unit, t.kind)
        for t in Target.objects.filter(task__policy=policy)
    )
    want = [
        *sorted(
            (
                p.data["indicator"],
                p.data["comparator"],
                Decimal(str(p.data["value"])),
                None if p.data["value_max"] is None else Decimal(str(p.data["value_max"])),
                p.data["unit"],
                p.data["kind"],
            )
            for p in accepted
        ),
        (corrected.data["indicator"], ">=", Decimal("99.5"), None, "%", "level"),
    ]
    assert got == sorted(want)
    fixed = Target.objects.get(
        task__policy=policy, indicator=corrected.data["indicator"], value=Decimal("99.5")
    )
    assert fixed.task.title == "未归类"
    assert fixed.lead_unit is None
    assert "审核时更正" in fixed.notes
    employment = Target.objects.get(task__policy=policy, indicator="城镇新增就业")
    assert employment.task.title == "构建稳定充分的就业创业格局"
    assert employment.source_sentence == _target(seed_doc, "城镇新增就业").data["sentence"]
    assert employment.deadline == dt.date(2025, 12, 31)
    assert employment.higher_is_better
    assert Commitment.objects.filter(task__policy=policy).count() == 1

    seed_doc.refresh_from_db()
    assert seed_doc.status == DocumentStatus.ADOPTED
    assert seed_doc.adopted_policy == policy
    assert seed_doc.adopted_by == office_user
    assert AuditEvent.objects.filter(action="ingest.adopt", object_id=str(seed_doc.pk)).count() == 1
    assert AuditEvent.objects.filter(action="policy.catalog_load", object_id=str(policy.pk)).count() == 1


def test_adopting_twice_is_refused_and_decisions_freeze(office: Client, seed_doc: IngestDocument) -> None:
    p = _target(seed_doc, "城镇新增就业")
    office.post(f"/ingest/{seed_doc.pk}/proposals/{p.pk}/decide/", {"decision": "accepted"})
    assert office.post(f"/ingest/{seed_doc.pk}/adopt/", _adopt_post(seed_doc)).status_code == 302
    again = office.post(f"/ingest/{seed_doc.pk}/adopt/", _adopt_post(seed_doc, title="再来一次"))
    assert again.status_code == 409
    assert "已采用" in again.content.decode()
    assert Policy.objects.filter(code__startswith="ingest-").count() == 1
    assert Policy.objects.get(code=f"ingest-{seed_doc.pk}").title != "再来一次"
    refused = office.post(
        f"/ingest/{seed_doc.pk}/proposals/{p.pk}/decide/", {"decision": "rejected"}, headers=HX
    )
    assert "不能再修改审核结论" in refused.content.decode()
    p.refresh_from_db()
    assert p.decision == Decision.ACCEPTED
    assert p.history.count() == 1


def test_adopt_needs_an_accepted_proposal_and_a_valid_header(
    office: Client, seed_doc: IngestDocument
) -> None:
    nothing = office.post(f"/ingest/{seed_doc.pk}/adopt/", _adopt_post(seed_doc))
    assert nothing.status_code == 422
    assert "没有已接受的建议" in nothing.content.decode()
    p = _target(seed_doc, "城镇新增就业")
    office.post(f"/ingest/{seed_doc.pk}/proposals/{p.pk}/decide/", {"decision": "accepted"})
    bad = office.post(f"/ingest/{seed_doc.pk}/adopt/", _adopt_post(seed_doc, title="", plan_end_year="20x5"))
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "请填写政策标题" in html
    assert "请输入年份" in html
    assert not Policy.objects.filter(code__startswith="ingest-").exists()


NON_OFFICE = (
    "leader",
    "supervisor",
    "evaluator",
    "reporter",
    "reviewer",
    "unit_admin",
    *("system_admin", "security_admin", "audit_admin"),
)


def test_every_ingest_url_is_404_for_every_role_but_the_office(
    role_clients: dict[str, Client], office: Client, seed_doc: IngestDocument
) -> None:
    p = seed_doc.proposals.first()
    assert p is not None
    urls = [
        "/ingest/",
        f"/ingest/{seed_doc.pk}/",
        f"/ingest/{seed_doc.pk}/progress/",
        f"/ingest/{seed_doc.pk}/proposals/{p.pk}/decide/",
        f"/ingest/{seed_doc.pk}/proposals/{p.pk}/correct/",
        f"/ingest/{seed_doc.pk}/adopt/",
    ]
    failures = []
    for role in NON_OFFICE:
        client = role_clients[role]
        for url in urls:
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status != 404:
                    failures.append(f"{role} {method.upper()} {url} → {status}")
        assert "政策导入" not in client.get("/").content.decode()
    assert not failures, failures
    assert "政策导入" in role_clients["office"].get("/").content.decode()
    assert role_clients["office"].get(f"/ingest/{seed_doc.pk}/").status_code == 200
    assert IngestDecision.objects.count() == 0
    assert not Policy.objects.filter(code__startswith="ingest-").exists()


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get("/ingest/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
