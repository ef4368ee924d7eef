"""The approval state machine: pure, strict, and the only place its rules live.

A submission climbs a chain of levels (default: district reviewer → lead department reviewer →
working-group office). At each level a reviewer approves (one level up, or approved at the top) or returns
it with a comment (back to the submitter, who may resubmit from the first level). No level is skipped,
nobody acts on a submission they submitted, and nobody approves at two levels of the same round. Approved
is final: a correction is a new version, not a transition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class Level(StrEnum):
    DISTRICT = "district"  # 区审核员
    DEPARTMENT = "department"  # 牵头部门审核员
    OFFICE = "office"  # 专班办公室


class Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"


STATUS_LABELS_ZH = {
    Status.DRAFT: "草稿",
    Status.SUBMITTED: "审核中",
    Status.RETURNED: "已退回",
    Status.APPROVED: "已审定",
}
LEVEL_LABELS_ZH = {Level.DISTRICT: "区审核", Level.DEPARTMENT: "牵头部门审核", Level.OFFICE: "专班办公室审定"}
DEFAULT_CHAIN: tuple[Level, ...] = (Level.DISTRICT, Level.DEPARTMENT, Level.OFFICE)


class ApprovalError(Exception):
    """A transition the rules forbid; the message is for people (Chinese)."""


@dataclass(frozen=True)
class Actor:
    """Who acts, and at which levels they may act on this submission (worked out by the access layer)."""

    user_id: int
    levels: frozenset[Level] = frozenset()
    may_submit: bool = False


@dataclass(frozen=True)
class ApprovalState:
    status: Status
    chain: tuple[Level, ...]
    level_index: int = 0  # the level now deciding (meaningful while SUBMITTED)
    submitter_id: int | None = None
    approvers: tuple[int, ...] = field(default_factory=tuple)  # who approved each level of this round

    @property
    def current_level(self) -> Level | None:
        if self.status != Status.SUBMITTED:
            return None
        return self.chain[self.level_index]

    @property
    def locked(self) -> bool:
        return self.status == Status.APPROVED


@dataclass(frozen=True)
class Transition:
    action: Action
    level: Level | None
    from_status: Status
    to_status: Status
    actor_id: int
    comment: str
    state: ApprovalState


def effective_chain(configured: Iterable[str], *, unit_is_district: bool) -> tuple[Level, ...]:
    """The chain for one submission: the configured levels, without the district level for a unit that
    is not in a district (a department or the city reports straight to the department level)."""
    chain = tuple(Level(c) for c in configured)
    if not unit_is_district:
        chain = tuple(c for c in chain if c != Level.DISTRICT)
    if not chain:
        raise ApprovalError("审核链不能为空")
    if len(set(chain)) != len(chain):
        raise ApprovalError("审核链中的层级不能重复")
    return chain


def start(chain: Iterable[Level]) -> ApprovalState:
    return ApprovalState(status=Status.DRAFT, chain=tuple(chain))


def apply(state: ApprovalState, action: Action, actor: Actor, comment: str = "") -> Transition:
    """Apply one action; raise ApprovalError when the rules forbid it."""
    if action == Action.SUBMIT:
        if state.status not in (Status.DRAFT, Status.RETURNED):
            raise ApprovalError("只有草稿或已退回的报送可以提交")
        if not actor.may_submit:
            raise ApprovalError("您不是该单位的填报员，不能提交")
        new = replace(state, status=Status.SUBMITTED, level_index=0, submitter_id=actor.user_id, approvers=())
        return Transition(action, None, state.status, new.status, actor.user_id, comment, new)

    if state.status != Status.SUBMITTED:
        if state.status == Status.APPROVED:
            raise ApprovalError("已审定的数据已锁定；如需更正，请提交更正版本")
        raise ApprovalError("该报送不在审核中")
    level = state.chain[state.level_index]
    if actor.user_id == state.submitter_id:
        raise ApprovalError("不能审核本人提交的报送")
    if level not in actor.levels:
        raise ApprovalError(f"当前应由“{LEVEL_LABELS_ZH[level]}”处理，您无权在此层级审核")
    if action == Action.RETURN:
        if not comment.strip():
            raise ApprovalError("退回时必须填写意见")
        new = replace(state, status=Status.RETURNED, level_index=0, approvers=())
        return Transition(action, level, state.status, new.status, actor.user_id, comment, new)
    if action == Action.APPROVE:
        if actor.user_id in state.approvers:
            raise ApprovalError("同一人不能在同一轮审核中审核两个层级")
        approvers = (*state.approvers, actor.user_id)
        if state.level_index + 1 >= len(state.chain):
            new = replace(state, status=Status.APPROVED, approvers=approvers)
        else:
            new = replace(state, level_index=state.level_index + 1, approvers=approvers)
        return Transition(action, level, state.status, new.status, actor.user_id, comment, new)
    raise ApprovalError(f"未知操作：{action}")
