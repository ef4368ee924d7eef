"""Turn reviewed proposals into a policy catalog (`policy.domain.catalog_schema.Catalog`) — pure, no Django.

Systems and tasks come from the document's outline:

* a proposal belongs to the deepest **task** node (``1.``) on its outline path; an item (``（1）``) counts
  as its task;
* a proposal sitting directly under a **system** (``（一）``, no task), such as the goals of 二、工作目标,
  gets a task of its own numbered 0 in that system, titled like the system;
* anything else (a section's opening sentence, text before the first heading, a reviewer's choice of
  "未归类") goes to the task 未归类 of the system 未归类 (codes ``S0``/``S0-T0``).

A task's system is its nearest system ancestor (or its section when the document has no systems).
Only systems and tasks that receive an item are created. Codes follow the catalog's convention:
systems ``S1…`` in outline order, tasks ``S{n}-T{number}``, targets ``S{n}-T{m}-{nn}``, commitments
``S{n}-T{m}-C{nn}``. Lead units are left empty (``lead_unit: null``) for the office to assign.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from minsheng.policy.domain.catalog_schema import (
    Catalog,
    CommitmentEntry,
    PolicyHeader,
    SystemEntry,
    TargetEntry,
    TaskEntry,
)
from minsheng.policy.domain.vocab import Comparator, Firmness, TargetKind

UNSORTED = "未归类"
_LOWER_WORDS = ("降低", "下降", "减少", "降至", "压减")


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """One outline node as stored with the document: level ("section", "system", "task", "item")."""

    level: str
    number: int
    label: str
    title: str
    path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AdoptedItem:
    """One accepted (or corrected) proposal. ``task_path`` is "/"-joined outline labels, "" for none."""

    kind: str  # "target" or "commitment"
    indicator: str
    sentence: str
    task_path: str
    deadline: dt.date | None = None
    comparator: str = ""
    value: Decimal | None = None
    value_max: Decimal | None = None
    unit: str = ""
    target_kind: str = ""
    firmness: str = Firmness.NONE
    value_text: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Header:
    """The policy header as the office confirmed it before adoption."""

    code: str
    title: str
    issuer: str
    document_number: str = ""
    issued_on: dt.date | None = None
    plan_end_year: int = 2025
    source: str = ""
    city_code: str = "420100"


def higher_is_better(item: AdoptedItem) -> bool:
    """False for upper bounds (<=, <), service circles (fewer minutes) and yearly decreases; else True."""
    if item.comparator in (Comparator.LE, Comparator.LT) or item.target_kind == TargetKind.CIRCLE:
        return False
    return not (
        item.target_kind == TargetKind.ANNUAL_CHANGE and any(w in item.indicator for w in _LOWER_WORDS)
    )


@dataclass
class _Task:
    code: str
    number: int
    title: str
    targets: list[TargetEntry]
    commitments: list[CommitmentEntry]


@dataclass
class _System:
    code: str
    name: str
    heading: str
    order: int
    tasks: dict[str, _Task]


def task_choices(outline: list[OutlineEntry]) -> list[tuple[str, str]]:
    """(path key, label) for every node a proposal may be filed under: tasks, items, systems; then 未归类."""
    out: list[tuple[str, str]] = []
    for node in outline:
        if node.level in ("system", "task", "item"):
            out.append(("/".join(node.path), f"{' '.join(node.path)} {node.title}"))
    out.append(("", UNSORTED))
    return out


def build_catalog(header: Header, outline: list[OutlineEntry], items: list[AdoptedItem]) -> Catalog:
    """The catalog of `items`, filed by the outline. Raises pydantic's ValidationError on a bad item."""
    by_path = {node.path: (i, node) for i, node in enumerate(outline)}
    plan_end = dt.date(header.plan_end_year, 12, 31)
    systems: dict[tuple[str, ...], _System] = {}
    system_order: list[tuple[str, ...]] = []

    def system_for(key: tuple[str, ...]) -> _System:
        if key not in systems:
            if key == ():
                systems[key] = _System("", UNSORTED, "", 1 << 30, {})
            else:
                order, node = by_path[key]
                systems[key] = _System("", node.title, f"{' '.join(node.path)} {node.title}", order, {})
            system_order.append(key)
        return systems[key]

    def place(task_path: str) -> _Task:
        path = tuple(p for p in task_path.split("/") if p) if task_path else ()
        task_node: OutlineEntry | None = None
        system_node: OutlineEntry | None = None
        for depth in range(len(path), 0, -1):
            found = by_path.get(path[:depth])
            if found is None:
                continue
            node = found[1]
            if node.level == "task" and task_node is None:
                task_node = node
            elif node.level == "system" and system_node is None:
                system_node = node
        if task_node is not None:
            parent = _parent(task_node.path, by_path)
            system = system_for(parent.path if parent is not None else ())
            key = "/".join(task_node.path)
            number, title = task_node.number, task_node.title
        elif system_node is not None:
            system = system_for(system_node.path)
            key = "/".join(system_node.path)
            number, title = 0, system_node.title
        else:
            system = system_for(())
            key, number, title = "", 0, UNSORTED
        if key not in system.tasks:
            system.tasks[key] = _Task("", number, title, [], [])
        return system.tasks[key]

    placed: list[tuple[_Task, AdoptedItem]] = [(place(item.task_path), item) for item in items]
    ordered = sorted(system_order, key=lambda k: systems[k].order)
    for n, key in enumerate(ordered, start=1):
        system = systems[key]
        system.code = "S0" if key == () else f"S{n}"
        seen: set[str] = set()
        for task in system.tasks.values():
            code = f"{system.code}-T{task.number}"
            suffix = 2
            while code in seen:
                code = f"{system.code}-T{task.number}-{suffix}"
                suffix += 1
            seen.add(code)
            task.code = code
    for task, item in placed:
        deadline = item.deadline or plan_end
        if item.kind == "target":
            task.targets.append(
                TargetEntry(
                    code=f"{task.code}-{len(task.targets) + 1:02d}",
                    indicator=item.indicator,
                    comparator=Comparator(item.comparator),
                    value=item.value if item.value is not None else Decimal(0),
                    value_max=item.value_max if item.comparator == Comparator.RANGE else None,
                    unit=item.unit,
                    higher_is_better=higher_is_better(item),
                    kind=TargetKind(item.target_kind),
                    firmness=Firmness(item.firmness or Firmness.NONE),
                    deadline=deadline,
                    lead_unit=None,
                    source_sentence=item.sentence,
                    value_text=item.value_text if item.value_text in item.sentence else "",
                    notes=item.note or None,
                )
            )
        else:
            task.commitments.append(
                CommitmentEntry(
                    code=f"{task.code}-C{len(task.commitments) + 1:02d}",
                    title=item.indicator[:200],
                    lead_unit=None,
                    source_sentence=item.sentence,
                    deadline=deadline,
                )
            )
    return Catalog(
        policy=PolicyHeader(
            code=header.code,
            title=header.title,
            issuer=header.issuer,
            document_number=header.document_number,
            issued_on=header.issued_on,
            plan_end_year=header.plan_end_year,
            source=header.source,
            city_code=header.city_code,
        ),
        departments=[],
        systems=[
            SystemEntry(
                code=systems[key].code,
                name=systems[key].name[:100],
                heading=systems[key].heading[:200],
                tasks=[
                    TaskEntry(
                        code=t.code,
                        number=t.number,
                        title=t.title[:200],
                        targets=t.targets,
                        commitments=t.commitments,
                    )
                    for t in sorted(systems[key].tasks.values(), key=lambda t: (t.number, t.code))
                ],
            )
            for key in ordered
        ],
    )


def _parent(
    path: tuple[str, ...], by_path: dict[tuple[str, ...], tuple[int, OutlineEntry]]
) -> OutlineEntry | None:
    """The nearest system ancestor of a task, else its section (a document without systems)."""
    section: OutlineEntry | None = None
    for depth in range(len(path) - 1, 0, -1):
        found = by_path.get(path[:depth])
        if found is None:
            continue
        if found[1].level == "system":
            return found[1]
        if found[1].level == "section" and section is None:
            section = found[1]
    return section
