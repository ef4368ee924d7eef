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
A screen that only takes POST is a `PostOnly` entry: unit-scoped roles and administrators POSTing to the
sibling's object must get exactly what a missing object gets (404); city-wide roles are not posted as (they may
act). A POST-only action on an object that is not unit-owned (a ledger year) says so with `owned=False` and a
reason, and names the test that checks who may do it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from minsheng.accounts.models import User
from minsheng.org.models import Role, Unit
from minsheng.policy.models import Policy, PolicySystem, Target, Task

# Roles whose scope is their unit's subtree, and roles that see the whole city.
SCOPED_ROLES: tuple[str, ...] = (Role.REPORTER, Role.REVIEWER, Role.UNIT_ADMIN)
CITYWIDE_ROLES: tuple[str, ...] = (Role.LEADER, Role.OFFICE, Role.SUPERVISOR, Role.EVALUATOR)
ADMIN_ROLES: tuple[str, ...] = ("system_admin", "security_admin", "audit_admin")
ALL_ROLES: tuple[str, ...] = (*CITYWIDE_ROLES, *SCOPED_ROLES, *ADMIN_ROLES)

HOME_UNIT = "420102"  # 江岸区: where unit-scoped callers sit
SIBLING_UNIT = "420106"  # 武昌区: the sibling whose objects they must not see
CITY_UNIT = "420100"


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

    # ----------------------------------------------------------------------------------- reporting objects

    def ledger_item(self, unit: Unit) -> Any:
        """A published 2025 ledger item led (and reported) by `unit`."""
        import datetime as dt

        from minsheng.reporting.models import DueRule, LedgerItem, LedgerYear

        target = self.target_led_by(unit)
        year, created = LedgerYear.objects.get_or_create(
            policy=target.task.policy, year=2025, defaults={"status": "published"}
        )
        if created:
            DueRule.objects.create(ledger_year=year)
        item, _ = LedgerItem.objects.get_or_create(
            ledger_year=year,
            code=target.code,
            defaults={
                "target": target,
                "title": target.indicator,
                "lead_unit": unit,
                "unit_label": target.unit,
                "deadline": dt.date(2025, 12, 31),
                "value_meaning": "level",
            },
        )
        return item

    def submission(self, unit: Unit) -> Any:
        """A draft report by `unit` on its item for 2025Q1."""
        import datetime as dt

        from minsheng.reporting.models import Submission

        sub, _ = Submission.objects.get_or_create(
            item=self.ledger_item(unit),
            unit=unit,
            period_key="2025Q1",
            is_current=True,
            defaults={
                "due_on": dt.date(2025, 4, 20),
                "value_meaning": "level",
                "chain": ["department", "office"],
                "created_by": self.user_in(unit),
            },
        )
        return sub

    def evidence(self, unit: Unit) -> Any:
        """An evidence file (on disk) of `unit`'s report."""
        from minsheng.reporting.models import Evidence
        from minsheng.reporting.services import evidence_path

        evidence = Evidence.objects.create(
            submission=self.submission(unit),
            original_name="说明.pdf",
            extension="pdf",
            content_type="application/pdf",
            size_bytes=8,
            sha256="0" * 64,
            uploaded_by=self.user_in(unit),
        )
        path = evidence_path(evidence)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4")
        return evidence

    def ledger_import(self, unit: Unit) -> Any:
        """A refused ledger import uploaded by a reporter of `unit` (with its error report)."""
        from minsheng.reporting.models import LedgerImport

        return LedgerImport.objects.create(
            ledger_year=self.ledger_item(unit).ledger_year,
            actor=self.user_in(unit),
            file_name="台帐.xlsx",
            status="refused",
            error_count=1,
            errors_preview=[{"row": 3, "column": "完成值", "message": "请输入数字", "value": "x"}],
            error_report=b"PK\x03\x04 report",
        )


Factory = Callable[[World, Unit], dict[str, Any]]


@dataclass(frozen=True)
class Scoped:
    """An object owned by a unit: outside the caller's subtree it must be indistinguishable from missing."""

    factory: Factory
    citywide: int = 200  # what city-wide roles get for the sibling's object (GET)
    own_ok: tuple[str, ...] = SCOPED_ROLES  # roles that must get 200 for their own unit's object (GET)
    body: Callable[[World, Unit], dict[str, Any]] | None = None  # JSON body for non-GET API methods


@dataclass(frozen=True)
class Public:
    """An object every signed-in business role may read (say why); checked to answer 200 for them."""

    factory: Factory
    reason: str
    admins: int = 200


@dataclass(frozen=True)
class StaffOnly:
    """Django admin pages: business roles are sent to the admin login whatever the id."""

    reason: str


@dataclass(frozen=True)
class PostOnly:
    """A screen that answers POST only (GET → 405): checked by POSTing to a sibling's and a missing object."""

    factory: Factory
    owned: bool = True
    reason: str = ""


Entry = Scoped | Public | StaffOnly | PostOnly


def _unit_code(w: World, unit: Unit) -> dict[str, Any]:
    return {"code": unit.code}


def _target(w: World, unit: Unit) -> dict[str, Any]:
    target = w.target_led_by(unit)
    return {"policy_code": target.task.policy.code, "code": target.code}


def _policy(w: World, unit: Unit) -> dict[str, Any]:
    return {"code": w.target_led_by(unit).task.policy.code}


CATALOG = "the policy catalog is the published policy text; every signed-in role reads it"
LEDGER_YEAR = (
    "a ledger year is not unit-owned; the page and the workbook list only the items in the caller's scope "
    "(minsheng/reporting/tests/test_workbook_service.py::test_a_district_exports_only_its_items_and_cannot_"
    "import_a_siblings)"
)
UPLOADER_ONLY = (
    "an import's result is seen only by the person who uploaded it, whatever their role "
    "(test_workbook_service.py::test_import_results_are_only_for_the_uploader)"
)


def _item(w: World, unit: Unit) -> dict[str, Any]:
    return {"pk": w.ledger_item(unit).pk}


def _report(w: World, unit: Unit) -> dict[str, Any]:
    return {"pk": w.ledger_item(unit).pk, "unit_code": unit.code, "period_key": "2025Q1"}


def _submission(w: World, unit: Unit) -> dict[str, Any]:
    return {"pk": w.submission(unit).pk}


def _year(w: World, unit: Unit) -> dict[str, Any]:
    return {"year": w.ledger_item(unit).ledger_year.year}


def _import(w: World, unit: Unit) -> dict[str, Any]:
    return {"pk": w.ledger_import(unit).pk}


# One line per route name ("namespace:name"). Keep it sorted by app.
ROUTES: dict[str, Entry] = {
    # org
    "org:unit": Scoped(_unit_code),
    "api-v1:get_unit": Scoped(_unit_code),
    # policy catalog
    "policy:target": Public(_target, CATALOG),
    "api-v1:get_target": Public(_target, CATALOG),
    "api-v1:get_policy": Public(_policy, CATALOG),
    # reporting: the ledger, reports, evidence
    "reporting:item": Scoped(_item),
    "reporting:report": Scoped(_report, citywide=404, own_ok=(Role.REPORTER,)),  # only reporters fill reports
    "reporting:report_draft": PostOnly(_report),
    "reporting:evidence_upload": PostOnly(_report),
    "reporting:submission": Scoped(_submission),
    "reporting:decide": PostOnly(_submission),
    "reporting:correct": PostOnly(_submission),
    "reporting:evidence": Scoped(lambda w, unit: {"pk": w.evidence(unit).pk}),
    "api-v1:get_submission": Scoped(lambda w, unit: {"submission_id": w.submission(unit).pk}),
    "reporting:ledger_year": Public(_year, LEDGER_YEAR),
    "reporting:ledger_publish": PostOnly(
        _year, owned=False, reason="office only (403 for others): test_services.py covers ledger_year_publish"
    ),
    # reporting: the ledger workbook
    "reporting:ledger_export": Public(_year, LEDGER_YEAR),
    "api-v1:export_ledger": Public(_year, LEDGER_YEAR),
    "reporting:ledger_import": PostOnly(_year, owned=False, reason=LEDGER_YEAR),
    "api-v1:import_ledger": Public(_year, LEDGER_YEAR),
    "reporting:ledger_import_status": Scoped(_import, citywide=404, own_ok=()),  # UPLOADER_ONLY
    "reporting:ledger_import_errors": Scoped(_import, citywide=404, own_ok=()),  # UPLOADER_ONLY
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
