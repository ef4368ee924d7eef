"""The approval state machine, property-based: no sequence of actions skips a level or lets anyone
approve their own submission or act at a level they do not hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.reporting.domain.approval import (
    DEFAULT_CHAIN,
    Action,
    Actor,
    ApprovalError,
    Level,
    Status,
    apply,
    effective_chain,
    start,
)

# Four people; each may hold any set of levels and may or may not be a reporter.
people = st.lists(
    st.tuples(st.frozensets(st.sampled_from(list(Level))), st.booleans()), min_size=4, max_size=4
)
steps = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(list(Action)), st.sampled_from(["", "请补充佐证"])),
    max_size=40,
)
chains = st.sampled_from(
    [DEFAULT_CHAIN, (Level.DEPARTMENT, Level.OFFICE), (Level.OFFICE,), (Level.DISTRICT, Level.OFFICE)]
)


@settings(max_examples=400, deadline=None)
@given(people=people, steps=steps, chain=chains)
def test_no_sequence_skips_a_level_or_self_approves(
    people: list[tuple[frozenset[Level], bool]],
    steps: list[tuple[int, Action, str]],
    chain: tuple[Level, ...],
) -> None:
    actors = [Actor(user_id=i + 1, levels=lv, may_submit=sub) for i, (lv, sub) in enumerate(people)]
    state = start(chain)
    approvals_this_round: list[tuple[Level, int]] = []
    for who, action, comment in steps:
        actor = actors[who]
        before = state
        try:
            t = apply(state, action, actor, comment)
        except ApprovalError:
            assert before == state
            continue
        state = t.state
        if action == Action.SUBMIT:
            assert before.status in (Status.DRAFT, Status.RETURNED)
            assert actor.may_submit
            approvals_this_round = []
        elif action == Action.APPROVE:
            assert before.status == Status.SUBMITTED
            assert actor.user_id != before.submitter_id, "approved own submission"
            level = before.chain[before.level_index]
            assert level in actor.levels
            # exactly the next level of the chain, never a jump
            assert level == chain[len(approvals_this_round)]
            approvals_this_round.append((level, actor.user_id))
            if state.status == Status.APPROVED:
                assert [lv for lv, _ in approvals_this_round] == list(chain)
            else:
                assert state.level_index == before.level_index + 1
        else:
            assert comment.strip()
            assert actor.user_id != before.submitter_id
            assert state.status == Status.RETURNED
            approvals_this_round = []
        approvers = [uid for _, uid in approvals_this_round]
        assert len(set(approvers)) == len(approvers), "one person approved two levels of a round"
    if state.status == Status.APPROVED:
        # approved is final
        for actor in actors:
            for action in Action:
                with pytest.raises(ApprovalError):
                    apply(state, action, actor, "x")


def test_district_level_is_dropped_for_units_outside_districts() -> None:
    assert effective_chain(["district", "department", "office"], unit_is_district=False) == (
        Level.DEPARTMENT,
        Level.OFFICE,
    )
    assert effective_chain(["district", "department", "office"], unit_is_district=True) == DEFAULT_CHAIN
    with pytest.raises(ApprovalError):
        effective_chain(["district"], unit_is_district=False)


def test_return_needs_a_comment_and_resubmission_starts_at_the_first_level() -> None:
    reporter = Actor(1, may_submit=True)
    district = Actor(2, frozenset({Level.DISTRICT}))
    dept = Actor(3, frozenset({Level.DEPARTMENT}))
    s = apply(start(DEFAULT_CHAIN), Action.SUBMIT, reporter).state
    s = apply(s, Action.APPROVE, district).state
    with pytest.raises(ApprovalError, match="意见"):
        apply(s, Action.RETURN, dept, "  ")
    s = apply(s, Action.RETURN, dept, "数据口径不对").state
    assert s.status == Status.RETURNED
    s = apply(s, Action.SUBMIT, reporter).state
    assert s.current_level == Level.DISTRICT
    with pytest.raises(ApprovalError, match="区审核"):
        apply(s, Action.APPROVE, dept)
