"""Who may move a proposal from one status to another: a table, checked by a pure
function so the whole lifecycle can be tested step by step."""

from __future__ import annotations

from deliberation.models import Proposal

S = Proposal.Status

PROPOSER = "proposer"
OFFICE = "office"  # secretary, deputy secretary or community worker
SYSTEM = "system"  # the ballot closing

# (from, to) → who may make the step
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({PROPOSER, OFFICE}),
    (S.SUBMITTED, S.ON_AGENDA): frozenset({OFFICE}),
    (S.SUBMITTED, S.DECLINED): frozenset({OFFICE}),
    (S.ON_AGENDA, S.IN_DELIBERATION): frozenset({OFFICE}),
    (S.ON_AGENDA, S.DECLINED): frozenset({OFFICE}),
    (S.IN_DELIBERATION, S.VOTING): frozenset({OFFICE}),
    (S.VOTING, S.PASSED): frozenset({SYSTEM}),
    (S.VOTING, S.REJECTED): frozenset({SYSTEM}),
    (S.PASSED, S.IN_IMPLEMENTATION): frozenset({OFFICE}),
    (S.IN_IMPLEMENTATION, S.COMPLETED): frozenset({OFFICE}),
    (S.DRAFT, S.WITHDRAWN): frozenset({PROPOSER}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({PROPOSER}),
    (S.ON_AGENDA, S.WITHDRAWN): frozenset({PROPOSER}),
    (S.IN_DELIBERATION, S.WITHDRAWN): frozenset({PROPOSER}),
}

# Steps that must say why.
NEEDS_COMMENT = {S.DECLINED, S.WITHDRAWN}


def allowed(actor_roles: set[str], from_status: str, to_status: str) -> bool:
    """Whether someone with these roles may make this step."""
    return bool(TRANSITIONS.get((from_status, to_status), frozenset()) & actor_roles)


def next_steps(actor_roles: set[str], from_status: str) -> list[str]:
    """The statuses this actor may move a proposal to from here (for the page's buttons)."""
    return [
        to for (frm, to), who in TRANSITIONS.items() if frm == from_status and who & actor_roles
    ]
