"""Writes on whistles (吹哨报到): calling a district department to a problem, recording
its response and the outcome."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Case, CaseAction, Whistle
from casework.services import FUTURE_SLACK, record_step
from communities.models import Community

W = Whistle.Status
# A proposal goes to a department once the residents have decided it.
WHISTLE_PROPOSAL_STATUSES = ("passed", "in_implementation")


@transaction.atomic
def whistle_blow(
    *,
    community: Community,
    by,
    department,
    request: str,
    respond_by: dt.date,
    case: Case | None = None,
    proposal=None,
) -> Whistle:
    """Call a district department to a case or a passed proposal of this community."""
    if (case is None) == (proposal is None):
        raise ValidationError(_("A whistle concerns one case or one proposal."))
    if (
        department.kind != department.Kind.GOVERNMENT_DEPARTMENT
        or department.district_id != community.subdistrict.district_id
        or not department.is_active
    ):
        raise ValidationError({"department": _("Choose a department of this district.")})
    if case is not None and case.community_id != community.pk:
        raise ValidationError({"case": _("This case belongs to another community.")})
    if proposal is not None:
        if proposal.community_id != community.pk:
            raise ValidationError({"proposal": _("This proposal belongs to another community.")})
        if proposal.status not in WHISTLE_PROPOSAL_STATUSES:
            raise ValidationError(
                {"proposal": _("Only a passed proposal can be taken to a department.")}
            )
    if respond_by < timezone.localdate():
        raise ValidationError({"respond_by": _("The deadline can't be in the past.")})
    whistle = Whistle(
        community=community,
        department=department,
        case=case,
        proposal=proposal,
        request=(request or "").strip(),
        requested_at=timezone.now(),
        requested_by=by,
        respond_by=respond_by,
    )
    whistle.full_clean()
    whistle.save()
    if case is not None:
        record_step(case, CaseAction.Kind.WHISTLE, by, note=f"{department}: {whistle.request}")
    return whistle


def _locked(whistle: Whistle) -> Whistle:
    return Whistle.objects.select_for_update().get(pk=whistle.pk)


@transaction.atomic
def whistle_respond(
    *, whistle: Whistle, by, response: str, responded_at: dt.datetime | None = None
) -> Whistle:
    """Record what the department said and did when it reported."""
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Write the department's response.")})
    whistle = _locked(whistle)
    if whistle.status == W.CLOSED:
        raise ValidationError(_("This whistle is closed."))
    now = timezone.now()
    responded_at = responded_at or now
    if responded_at > now + FUTURE_SLACK or responded_at < whistle.requested_at:
        raise ValidationError(
            {"responded_at": _("The response must fall between the whistle and now.")}
        )
    whistle.response = response
    whistle.responded_at = responded_at
    whistle.status = W.RESPONDED
    whistle.full_clean()
    whistle.save()
    return whistle


@transaction.atomic
def whistle_close(*, whistle: Whistle, by, outcome: str, note: str = "") -> Whistle:
    if outcome not in Whistle.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    whistle = _locked(whistle)
    if whistle.status == W.CLOSED:
        raise ValidationError(_("This whistle is already closed."))
    if whistle.status != W.RESPONDED:
        raise ValidationError(_("Record the department's response first."))
    whistle.outcome = outcome
    whistle.outcome_note = (note or "").strip()
    whistle.closed_at = timezone.now()
    whistle.status = W.CLOSED
    whistle.full_clean()
    whistle.save()
    return whistle
