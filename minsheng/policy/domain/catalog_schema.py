"""The shape of a policy catalog file (YAML), validated before anything touches the database.

Pure: pydantic models only. A file that fails here changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .vocab import Comparator, Firmness, TargetKind


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicyHeader(_Strict):
    code: str
    title: str
    title_en: str = ""
    issuer: str
    document_number: str = ""
    issued_on: dt.date | None = None
    plan_start_year: int = 2021
    plan_end_year: int = 2025
    baseline_year: int = 2020
    source: str = ""
    city_code: str = "420100"


class Department(_Strict):
    code: str
    name: str
    full_name: str = ""
    name_en: str = ""


class TargetEntry(_Strict):
    code: str
    indicator: str
    indicator_en: str = ""
    comparator: Comparator
    value: Decimal
    value_max: Decimal | None = None
    unit: str
    higher_is_better: bool
    kind: TargetKind
    firmness: Firmness = Firmness.NONE
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    deadline: dt.date
    applies_to: str = "city"
    lead_unit: str | None = None
    co_units: list[str] = Field(default_factory=list)
    lead_unit_inferred: bool = True
    source_sentence: str
    value_text: str = ""
    notes: str | None = None

    @model_validator(mode="after")
    def _range_rules(self) -> Self:
        if self.comparator == Comparator.RANGE:
            if self.value_max is None or self.value_max <= self.value:
                raise ValueError(f"{self.code}: 区间目标须有大于下限的上限")
        elif self.value_max is not None:
            raise ValueError(f"{self.code}: 只有区间目标可以有上限")
        if self.value_text and self.value_text not in self.source_sentence:
            raise ValueError(f"{self.code}: value_text 不在原文句中")
        return self


class CommitmentEntry(_Strict):
    code: str
    title: str
    title_en: str = ""
    lead_unit: str | None = None
    co_units: list[str] = Field(default_factory=list)
    lead_unit_inferred: bool = True
    source_sentence: str
    deadline: dt.date = dt.date(2025, 12, 31)


class TaskEntry(_Strict):
    code: str
    number: int
    title: str
    title_en: str = ""
    lead_unit: str | None = None
    co_units: list[str] = Field(default_factory=list)
    targets: list[TargetEntry] = Field(default_factory=list)
    commitments: list[CommitmentEntry] = Field(default_factory=list)


class SystemEntry(_Strict):
    code: str
    name: str
    name_en: str = ""
    heading: str = ""
    working_group: str = ""
    office_unit: str | None = None
    tasks: list[TaskEntry]


class Catalog(_Strict):
    policy: PolicyHeader
    departments: list[Department] = Field(default_factory=list)
    systems: list[SystemEntry]

    @model_validator(mode="after")
    def _references(self) -> Self:
        names = {d.name for d in self.departments}
        codes: set[str] = set()
        problems: list[str] = []
        for system in self.systems:
            refs = [system.office_unit] if system.office_unit else []
            for task in system.tasks:
                refs += [task.lead_unit or "", *task.co_units]
                items: list[TargetEntry | CommitmentEntry] = [*task.targets, *task.commitments]
                for item in items:
                    if item.code in codes:
                        problems.append(f"编号重复：{item.code}")
                    codes.add(item.code)
                    refs += [item.lead_unit or "", *item.co_units]
            problems += [f"未在 departments 中列出的单位：{r}" for r in refs if r and r not in names]
        if problems:
            raise ValueError("；".join(sorted(set(problems))))
        return self

    def iter_targets(self) -> list[tuple[SystemEntry, TaskEntry, TargetEntry]]:
        return [(s, t, g) for s in self.systems for t in s.tasks for g in t.targets]
