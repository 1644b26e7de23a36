"""The ballot result spreadsheet neutralises text that a spreadsheet would run as a formula."""

from __future__ import annotations

import pytest

from deliberation.models import Proposal
from tests.communities.test_exports import INJECTION, csv_cells
from tests.deliberation.factories import ProposalFactory
from tests.deliberation.test_ballot_pages import cast, close, open_ballot, url

pytestmark = pytest.mark.django_db


def test_result_csv_escapes_the_question_title_and_option_labels(client, world):
    proposal = ProposalFactory(
        community=world.community_a,
        status=Proposal.Status.IN_DELIBERATION,
        title="+增设电动车充电棚",
        description="电动车上楼充电有火灾隐患。",
    )
    ballot = open_ballot(proposal, question=INJECTION)
    cast(ballot, world.users["resident_a"].resident, "for")
    close(ballot)
    ballot.options.filter(key="for").update(label="@赞成")
    client.force_login(world.users["secretary_a"])
    response = client.get(url("ballot_results_csv", ballot))
    assert response.status_code == 200
    rows = csv_cells(response.content)
    assert rows[0][1] == "'" + INJECTION
    assert rows[1][1] == "'+增设电动车充电棚"
    by_label = {row[0]: row for row in rows if row}
    # The count of heads is a number, written bare; the label is escaped.
    assert by_label["'@赞成"][1] == "1"
    assert not any(c.startswith(("=", "@", "+")) for row in rows for c in row)
