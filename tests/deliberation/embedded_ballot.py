"""Helper run in a subprocess by test_concurrent_votes_sqlite on its own SQLite file.

``python -m tests.deliberation.embedded_ballot setup N`` creates an open ballot of one
community with N verified residents who have accounts, each in a household of their own,
and prints ``{"path": ..., "phones": [...]}`` as JSON. ``... count BALLOT_ID`` prints the
ballot's participations and its options' running totals.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import django


def setup(voters: int) -> dict:
    from django.utils import timezone

    from deliberation import services
    from deliberation.models import Proposal
    from tests.deliberation.factories import BallotFactory, ProposalFactory
    from tests.factories import (
        CommunityFactory,
        EntranceFactory,
        HouseholdFactory,
        ResidentFactory,
        UserFactory,
    )

    community = CommunityFactory(code="embedded")
    entrance = EntranceFactory(building__community=community)
    phones = []
    for index in range(voters):
        user = UserFactory(phone=f"1380000{index:04d}")
        ResidentFactory(household=HouseholdFactory(entrance=entrance), user=user, phone=user.phone)
        phones.append(user.phone)
    now = timezone.now()
    ballot = BallotFactory(
        proposal=ProposalFactory(community=community, status=Proposal.Status.IN_DELIBERATION),
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    assert services.ballot_open(ballot_id=ballot.pk, now=now)
    return {
        "ballot": ballot.pk,
        "path": f"/c/{community.code}/ballots/{ballot.pk}/",
        "phones": phones,
    }


def count(ballot_id: int) -> dict:
    from deliberation.models import BallotOption, Participation

    options = BallotOption.objects.filter(ballot_id=ballot_id)
    return {
        "participations": Participation.objects.filter(ballot_id=ballot_id).count(),
        "heads": {o.key: o.heads for o in options},
    }


if __name__ == "__main__":
    django.setup()
    command, argument = sys.argv[1], int(sys.argv[2])
    print(json.dumps(setup(argument) if command == "setup" else count(argument)))
