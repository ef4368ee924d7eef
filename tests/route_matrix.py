"""The route matrix registry: every URL that takes an object id or code, and how to make such an object.

`tests/test_route_matrix.py` walks every URL pattern (screens and the ninja API) and, for each one with a
parameter, looks it up here. An entry's factory creates an object belonging to a given unit and returns the
URL kwargs that address it. The test then, for every role,

* requests the object of a *sibling* unit (武昌区 when the caller sits in 江岸区): unit-scoped roles and the
  three administrators must get exactly what a missing object gets (404 for GET), city-wide roles get the
  answer given in `citywide` (200 by default);
* requests the object of the caller's *own* unit: the roles in `own_ok` must get 200 (so the 404s above are
  not a broken factory).

Adding a route is one line, e.g.::

    "reporting:submission": Scoped(lambda w, unit: {"pk": w.submission(unit).pk}),

where the lambda may use anything (services, model factories) as long as the object belongs to `unit`.
A URL whose object is not unit-owned (the published policy catalog) is a `Public` entry with a reason.

Screens serve GET unless an entry says otherwise: a POST-only screen (a form action such as
`reporting:decide`) declares `methods=("POST",)`, so the matrix compares the sibling's object with a missing
one on the method the view really serves instead of reading a 405 for GET. API methods come from OpenAPI.

A URL only some roles may use at all, whatever the unit (policy ingestion: the working-group office only), is
a `RolesOnly` entry: the listed roles get `ok` for the object, every other role — city-wide ones and the three
administrators included — gets exactly what a missing object gets (404).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from minsheng.accounts.models import User
from minsheng.org.models import Role, Unit, UnitKind
from minsheng.policy.models import Policy, PolicySystem, Target, Task
from minsheng.reporting.models import Evidence, GoalShare, LedgerItem, LedgerYear, Submission

# Roles whose scope is their unit's subtree, and roles that see the whole city.
SCOPED_ROLES: tuple[str, ...] = (Role.REPORTER, Role.REVIEWER, Role.UNIT_ADMIN)
CITYWIDE_ROLES: tuple[str, ...] = (Role.LEADER, Role.OFFICE, Role.SUPERVISOR, Role.EVALUATOR)
ADMIN_ROLES: tuple[str, ...] = ("system_admin", "security_admin", "audit_admin")
ALL_ROLES: tuple[str, ...] = (*CITYWIDE_ROLES, *SCOPED_ROLES, *ADMIN_ROLES)

HOME_UNIT = "420102"  # 江岸区: where unit-scoped callers sit
SIBLING_UNIT = "420106"  # 武昌区: the sibling whose objects they must not see
CITY_UNIT = "420100"

LEDGER_YEAR = 2025
PERIOD = "2025Q1"  # a quarter of LEDGER_YEAR: ledger items here report quarterly
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    """What a factory gets: the reference units and a way to make users. Factories may add helpers here."""

    units: Mapping[str, Unit]
    make_user: Callable[..., User]
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def home(self) -> Unit:
        return self.units[HOME_UNIT]

    @property
    def sibling(self) -> Unit:
        return self.units[SIBLING_UNIT]

    def user_in(self, unit: Unit, role: str = Role.REPORTER) -> User:
        """A (cached) user holding `role` in `unit`, for factories whose services need an actor."""
        key = f"user:{unit.code}:{role}"
        if key not in self.cache:
            self.cache[key] = self.make_user(f"f_{unit.code}_{role}", role, unit)
        user: User = self.cache[key]
        return user

    def target_led_by(self, unit: Unit) -> Target:
        """A catalog target whose lead unit is `unit` (creates a minimal policy on first use)."""
        import datetime as dt

        policy = self.cache.get("policy")
        if policy is None:
            policy = Policy.objects.create(code="rm-policy", title="矩阵测试政策", issuer="武汉市人民政府")
            system = PolicySystem.objects.create(policy=policy, code="S1", name="民生保障")
            self.cache["policy"] = policy
            self.cache["system"] = system
        task, _ = Task.objects.get_or_create(
            policy=policy,
            code=f"T-{unit.code}",
            defaults={"system": self.cache["system"], "number": 1, "title": "任务", "lead_unit": unit},
        )
        target, _ = Target.objects.get_or_create(
            task=task,
            code=f"G-{unit.code}",
            defaults={
                "indicator": "指标",
                "comparator": ">=",
                "value": 1,
                "unit": "%",
                "higher_is_better": True,
                "kind": "level",
                "deadline": dt.date(2025, 12, 31),
                "lead_unit": unit,
                "source_sentence": "原文",
            },
        )
        return target

    # --- reporting -------------------------------------------------------------------------------------

    @property
    def department(self) -> Unit:
        """A city department (neither the caller's unit nor the sibling) that leads the ledger items."""
        if "department" not in self.cache:
            self.cache["department"] = Unit.objects.create(
                code="420100RM", name="矩阵测试局", kind=UnitKind.DEPARTMENT, parent=self.units[CITY_UNIT]
            )
        dept: Unit = self.cache["department"]
        return dept

    def ledger_year(self) -> LedgerYear:
        """The published LEDGER_YEAR ledger of the test policy (city-wide: every signed-in role reads it)."""
        if "ledger_year" not in self.cache:
            policy = self.target_led_by(self.department).task.policy
            self.cache["ledger_year"] = LedgerYear.objects.create(
                policy=policy, year=LEDGER_YEAR, status="published"
            )
        year: LedgerYear = self.cache["ledger_year"]
        return year

    def _item(self, code: str) -> LedgerItem:
        import datetime as dt

        item, _ = LedgerItem.objects.get_or_create(
            ledger_year=self.ledger_year(),
            code=code,
            defaults={
                "target": self.target_led_by(self.department),
                "title": "矩阵测试事项",
                "goal_value": 10,
                "comparator": ">=",
                "unit_label": "人",
                "lead_unit": self.department,
                "deadline": dt.date(LEDGER_YEAR, 12, 31),
                "frequency": "quarterly",
                "value_meaning": "period_amount",
            },
        )
        return item

    def item_reported_by(self, unit: Unit) -> LedgerItem:
        """A ledger item of `unit` alone: led by the department, its goal split to `unit` only."""
        item = self._item(f"RM-{unit.code}")
        GoalShare.objects.get_or_create(item=item, unit=unit, defaults={"value": 10})
        return item

    def split_item(self, unit: Unit) -> LedgerItem:
        """One item led by the department and split to several districts (as 城镇新增就业): `unit` gets a
        share. Both the caller's unit and the sibling report on it, so the caller sees the item itself and
        only the unit in the URL or the report separates its own report from the sibling's."""
        item = self._item("RM-SPLIT")
        GoalShare.objects.get_or_create(item=item, unit=unit, defaults={"value": 5})
        return item

    def report_kwargs(self, unit: Unit) -> dict[str, Any]:
        """The report slot (item, unit, period) that `unit` fills in on the split item."""
        return {"pk": self.split_item(unit).pk, "unit_code": unit.code, "period_key": PERIOD}

    def submission(self, unit: Unit) -> Submission:
        """`unit`'s draft report on the split item for PERIOD, saved by its reporter."""
        from minsheng.reporting.services import SubmissionInput, submission_save_draft

        key = f"submission:{unit.code}"
        if key not in self.cache:
            sub, _hints = submission_save_draft(
                actor=self.user_in(unit, Role.REPORTER),
                item=self.split_item(unit),
                unit=unit,
                period_key=PERIOD,
                data=SubmissionInput(value="3", progress="矩阵测试"),
                lock_version=None,
            )
            self.cache[key] = sub
        sub_: Submission = self.cache[key]
        return sub_

    def evidence(self, unit: Unit) -> Evidence:
        """A PDF attached to `unit`'s draft report by its reporter.

        The file is written where the download view reads it (settings.PRIVATE_MEDIA_ROOT) and removed
        again when this World is dropped (at the latest when the interpreter exits).
        """
        import io
        import weakref

        from minsheng.reporting.services import evidence_add, evidence_path

        key = f"evidence:{unit.code}"
        if key not in self.cache:
            evidence = evidence_add(
                actor=self.user_in(unit, Role.REPORTER),
                submission=self.submission(unit),
                name="佐证.pdf",
                size=len(PDF),
                stream=io.BytesIO(PDF),
            )
            weakref.finalize(self, _remove_file, str(evidence_path(evidence)))
            self.cache[key] = evidence
        found: Evidence = self.cache[key]
        return found

    def ledger_import(self, unit: Unit) -> Any:
        """A refused ledger import uploaded by a reporter of `unit` (with its error report)."""
        from minsheng.reporting.models import LedgerImport

        return LedgerImport.objects.create(
            ledger_year=self.ledger_year(),
            actor=self.user_in(unit),
            file_name="台帐.xlsx",
            status="refused",
            error_count=1,
            errors_preview=[{"row": 3, "column": "完成值", "message": "请输入数字", "value": "x"}],
            error_report=b"PK\x03\x04 report",
        )


def _remove_file(path: str) -> None:
    from pathlib import Path

    Path(path).unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # the two-letter bucket, if nothing else is in it
        Path(path).parent.rmdir()


Factory = Callable[[World, Unit], dict[str, Any]]


@dataclass(frozen=True)
class Scoped:
    """An object owned by a unit: outside the caller's subtree it must be indistinguishable from missing."""

    factory: Factory
    citywide: int = 200  # what city-wide roles get for the sibling's object (GET)
    own_ok: tuple[str, ...] = SCOPED_ROLES  # roles that must get 200 for their own unit's object (GET)
    body: Callable[[World, Unit], dict[str, Any]] | None = None  # JSON body for non-GET methods
    methods: tuple[str, ...] | None = None  # a screen's methods when not GET (e.g. ("POST",)); API: OpenAPI


@dataclass(frozen=True)
class Public:
    """An object every signed-in business role may read (say why); checked to answer 200 for them."""

    factory: Factory
    reason: str
    admins: int = 200
    methods: tuple[str, ...] | None = None  # a screen's methods when not GET; only GET is checked for 200


@dataclass(frozen=True)
class StaffOnly:
    """Django admin pages: business roles are sent to the admin login whatever the id."""

    reason: str


@dataclass(frozen=True)
class RolesOnly:
    """Objects only `roles` may reach (city-wide for them); everyone else gets what a missing object gets."""

    factory: Factory
    roles: tuple[str, ...]
    reason: str
    ok: int = 200  # what the listed roles get for GET (405 for a POST-only URL)


Entry = Scoped | Public | StaffOnly | RolesOnly


def _unit_code(w: World, unit: Unit) -> dict[str, Any]:
    return {"code": unit.code}


def _target(w: World, unit: Unit) -> dict[str, Any]:
    target = w.target_led_by(unit)
    return {"policy_code": target.task.policy.code, "code": target.code}


def _policy(w: World, unit: Unit) -> dict[str, Any]:
    return {"code": w.target_led_by(unit).task.policy.code}


def _ledger_year(w: World, unit: Unit) -> dict[str, Any]:
    return {"year": w.ledger_year().year}


def _item(w: World, unit: Unit) -> dict[str, Any]:
    return {"pk": w.item_reported_by(unit).pk}


def _item_api(w: World, unit: Unit) -> dict[str, Any]:
    return {"item_id": w.item_reported_by(unit).pk}


def _report(w: World, unit: Unit) -> dict[str, Any]:
    return w.report_kwargs(unit)


def _submission(w: World, unit: Unit) -> dict[str, Any]:
    return {"pk": w.submission(unit).pk}


def _submission_api(w: World, unit: Unit) -> dict[str, Any]:
    return {"submission_id": w.submission(unit).pk}


def _evidence(w: World, unit: Unit) -> dict[str, Any]:
    return {"pk": w.evidence(unit).pk}


def _assessment_year(w: World, unit: Unit) -> dict[str, Any]:
    return {"year": LEDGER_YEAR}


CATALOG = "the policy catalog is the published policy text; every signed-in role reads it"
LEDGER = (
    "a published ledger year is the city's annual task ledger, not a unit's: every signed-in role opens the "
    "year (its items are filtered by scope); drafts are the office's and answer 404 to everyone else"
)
LEDGER_PUBLISH = (
    "publishing acts on the city-wide ledger year, not on a unit's object; only the office may publish "
    "(services refuse everyone else: reporting/tests/test_services.py::test_only_the_office_sets_up_a_year)"
)
# The report form and its two form actions are the reporter's write screens: a city-wide reader sees the
# sibling's report through reporting:submission, not through the form (can_report → 404 for them).
ASSESSMENT = (
    "a year's assessment is the city's ranking, not a unit's object: every business role opens the year and "
    "sees the units in its scope (city-wide roles all, unit roles their own line: "
    "progress/tests/test_assessment_views.py); administrators see no business data (404)"
)
REPORT_SLOT_CITYWIDE = 404
POST = ("POST",)
INGEST = (
    "policy ingestion is business work of the working-group office (三权分立: not the administrators); "
    "documents are office-wide, not unit-owned: every office account sees every document, nobody else any"
)


def _ingest_document(w: World, unit: Unit) -> Any:
    """A processed document (the Wuhan seed's first lines) uploaded by an office account."""
    from minsheng.ingest.services import document_process, document_upload

    key = f"ingest:{unit.code}"
    if key not in w.cache:
        office = w.user_in(w.units[CITY_UNIT], Role.OFFICE)
        text = "三、重点任务\n（一）民生保障\n1. 就业。到2025年,城镇新增就业110万人以上。\n"
        document = document_upload(
            actor=office, name=f"{unit.code}.txt", size=len(text.encode()), data=text.encode()
        )
        document_process(document_id=document.pk)  # the test transaction never commits: run the job here
        w.cache[key] = document
    return w.cache[key]


def _ingest_doc(w: World, unit: Unit) -> dict[str, Any]:
    return {"pk": _ingest_document(w, unit).pk}


def _ingest_proposal(w: World, unit: Unit) -> dict[str, Any]:
    document = _ingest_document(w, unit)
    return {"pk": document.pk, "proposal_pk": document.proposals.order_by("seq").first().pk}


PROGRESS_TARGET = (
    "a target's progress page is the catalog target's: every signed-in role opens it, and the units it lists "
    "are filtered by the caller's scope (progress/selectors.visible_children)"
)


def _default_policy_target(w: World, unit: Unit) -> Target:
    """Progress screens read the default policy: make the matrix's policy the default one."""
    target = w.target_led_by(unit)
    Policy.objects.exclude(pk=target.task.policy_id).update(is_default=False)
    Policy.objects.filter(pk=target.task.policy_id).update(is_default=True)
    return target


def _progress_target(w: World, unit: Unit) -> dict[str, Any]:
    return {"code": _default_policy_target(w, unit).code}


def _progress_unit(w: World, unit: Unit) -> dict[str, Any]:
    return {"code": _default_policy_target(w, unit).code, "unit_code": unit.code}


# One line per route name ("namespace:name"). Keep it sorted by app.
ROUTES: dict[str, Entry] = {
    # org
    "org:unit": Scoped(_unit_code),
    "api-v1:get_unit": Scoped(_unit_code),
    # policy catalog
    "policy:target": Public(_target, CATALOG),
    "api-v1:get_target": Public(_target, CATALOG),
    "api-v1:get_policy": Public(_policy, CATALOG),
    # reporting: ledger years are city-wide; items, report slots, submissions and evidence belong to units
    "reporting:ledger_year": Public(_ledger_year, LEDGER),
    "reporting:ledger_publish": Public(_ledger_year, LEDGER_PUBLISH, methods=POST),
    "reporting:item": Scoped(_item),
    "reporting:report": Scoped(_report, citywide=REPORT_SLOT_CITYWIDE, own_ok=(Role.REPORTER,)),
    "reporting:report_draft": Scoped(_report, methods=POST),
    "reporting:evidence_upload": Scoped(_report, methods=POST),
    "reporting:submission": Scoped(_submission),
    "reporting:decide": Scoped(_submission, methods=POST),
    # 查看完整信息: 404 for anyone without the unmask permission, and for a holder outside scope
    # (reporting/tests/test_personal_data.py::test_unmask_needs_the_permission_scope_and_a_reason_and_is_audited)
    "reporting:unmask": Scoped(
        lambda w, unit: {**_submission(w, unit), "field": "contact_phone"}, methods=POST
    ),
    "reporting:correct": Scoped(_submission, methods=POST),
    "reporting:evidence": Scoped(_evidence),
    "api-v1:get_submission": Scoped(_submission_api),
    "api-v1:get_item": Scoped(_item_api),
    "api-v1:list_item_shares": Scoped(_item_api),
    # reporting: the ledger workbook (export lists only the caller's items; an import's result is the uploader's)
    "reporting:ledger_export": Public(_ledger_year, LEDGER),
    "api-v1:export_ledger": Public(_ledger_year, LEDGER),
    "reporting:ledger_import": Public(_ledger_year, LEDGER, methods=POST),
    "api-v1:import_ledger": Public(_ledger_year, LEDGER),
    "reporting:ledger_import_status": Scoped(
        lambda w, unit: {"pk": w.ledger_import(unit).pk}, citywide=404, own_ok=()
    ),
    "reporting:ledger_import_errors": Scoped(
        lambda w, unit: {"pk": w.ledger_import(unit).pk}, citywide=404, own_ok=()
    ),
    # progress: target pages are catalog-wide (rows scoped); a unit's history belongs to the unit
    "progress:target": Public(_progress_target, PROGRESS_TARGET, admins=404),
    "progress:series-data": Public(_progress_target, PROGRESS_TARGET, admins=404),
    "progress:units-data": Public(_progress_target, PROGRESS_TARGET, admins=404),
    "progress:unit": Scoped(_progress_unit),
    # ingest (政策文本导入): office only
    "ingest:document": RolesOnly(_ingest_doc, (Role.OFFICE,), INGEST),
    "ingest:progress": RolesOnly(_ingest_doc, (Role.OFFICE,), INGEST),
    "ingest:adopt": RolesOnly(_ingest_doc, (Role.OFFICE,), INGEST),
    "ingest:correct": RolesOnly(_ingest_proposal, (Role.OFFICE,), INGEST),
    "ingest:decide": RolesOnly(_ingest_proposal, (Role.OFFICE,), INGEST, ok=405),
    "progress:assessment": Public(_assessment_year, ASSESSMENT, admins=404),
    "progress:assessment-export": Public(_assessment_year, ASSESSMENT, admins=404),
}

# Rules for whole namespaces, by prefix of the route name.
PREFIX_RULES: dict[str, Entry] = {
    "admin:": StaffOnly(
        "Django admin: staff accounts only, per-model permissions; maintenance, not business data"
    ),
}


def entry_for(name: str) -> Entry | None:
    if name in ROUTES:
        return ROUTES[name]
    for prefix, entry in PREFIX_RULES.items():
        if name.startswith(prefix):
            return entry
    return None
