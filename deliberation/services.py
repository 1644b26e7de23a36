"""Writes with rules for deliberation. Each runs in one transaction; the database's unique
indexes decide one co-signature per resident and one vote per voter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, PositiveIntegerField, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Household, Resident
from deliberation import lifecycle
from deliberation.models import (
    Ballot,
    BallotOption,
    BallotResult,
    CoSign,
    NamedChoice,
    Participation,
    Proposal,
    ProposalEvent,
)
from deliberation.rules_tally import Count as TallyCount
from deliberation.rules_tally import Electorate, Rule, decide

S = Proposal.Status


# ---------------------------------------------------------------- proposals


def proposal_step(
    *, proposal: Proposal, to_status: str, by, roles: set[str], comment: str = ""
) -> Proposal:
    """Move a proposal one step, if the actor's roles allow it; record who, when and why."""
    comment = (comment or "").strip()
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not lifecycle.allowed(roles, proposal.status, to_status):
            raise ValidationError(
                _("This step is not possible from “%(status)s”.")
                % {"status": proposal.get_status_display()}
            )
        if to_status in lifecycle.NEEDS_COMMENT and not comment:
            raise ValidationError({"comment": _("Please give a reason.")})
        if len(comment) > 300:
            raise ValidationError({"comment": _("Please keep it under 300 characters.")})
        event = ProposalEvent(
            proposal=proposal,
            from_status=proposal.status,
            to_status=to_status,
            by=by,
            comment=comment,
        )
        proposal.status = to_status
        if to_status == S.SUBMITTED:
            proposal.submitted_at = timezone.now()
        if to_status == S.DECLINED:
            proposal.decline_reason = comment
        proposal.save()
        event.save()
    return proposal


def cosign_add(*, proposal: Proposal, resident: Resident, threshold: int) -> bool:
    """A verified resident of the community supports a submitted proposal, once.

    Returns whether this signature was new. When the count reaches the community's
    threshold the proposal is flagged for the agenda (once).
    """
    if (
        not resident.is_verified
        or resident.has_moved_out
        or resident.community.pk != proposal.community_id
    ):
        raise ValidationError(_("Only verified residents of this community can co-sign."))
    with transaction.atomic():
        # The lock makes the status check and the threshold count exact.
        current = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if current.status != S.SUBMITTED:
            raise ValidationError(_("Only a submitted proposal can be co-signed."))
        try:
            with transaction.atomic():
                CoSign.objects.create(proposal=current, resident=resident)
        except IntegrityError:
            return False
        if threshold and current.agenda_flagged_at is None and current.cosigns.count() >= threshold:
            # Saved (not update()) so the proposal's 修改记录 shows when it was flagged.
            current.agenda_flagged_at = timezone.now()
            current.save(update_fields=["agenda_flagged_at"])
    return True


# ---------------------------------------------------------------- ballots


def in_scope(proposal: Proposal):
    """Households the proposal concerns: the whole community or its chosen buildings."""
    households = Household.objects.filter(entrance__building__community=proposal.community_id)
    if not proposal.whole_community:
        households = households.filter(entrance__building__in=proposal.buildings.all())
    return households


def electorate_of(ballot: Ballot) -> Electorate:
    """Who may vote, counted now: verified residents (or their households) in scope; for
    a Civil Code ballot, every owner-occupied household in scope and its floor area."""
    households = in_scope(ballot.proposal)
    if ballot.owners_only:
        owned = households.filter(tenure=Household.Tenure.OWNER).aggregate(
            n=Count("pk"), area=Sum("floor_area")
        )
        return Electorate(
            heads=owned["n"], households=owned["n"], area=owned["area"] or Decimal("0")
        )
    # One flat query of (household, area) per verified resident, counted here: at most a
    # few thousand rows, once per ballot, and no nested subqueries for the planner to
    # misjudge.
    # Residents who moved out are no longer part of the electorate.
    residents = (
        Resident.objects.verified()
        .current()
        .filter(household__entrance__building__community=ballot.proposal.community_id)
    )
    if not ballot.proposal.whole_community:
        residents = residents.filter(
            household__entrance__building__in=list(
                ballot.proposal.buildings.values_list("pk", flat=True)
            )
        )
    rows = list(residents.values_list("household_id", "household__floor_area"))
    areas = dict(rows)
    return Electorate(len(rows), len(areas), sum(areas.values(), Decimal("0")))


def ballot_open(*, ballot_id: int, now: dt.datetime) -> bool:
    """Open a scheduled ballot whose time has come and freeze its electorate (once)."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().select_related("proposal").get(pk=ballot_id)
        if ballot.status != Ballot.Status.SCHEDULED or ballot.opens_at > now:
            return False
        if ballot.proposal.status not in (S.IN_DELIBERATION, S.VOTING):
            # Withdrawn or declined in the meantime: the vote never opens.
            ballot.status = Ballot.Status.CANCELLED
            ballot.save(update_fields=["status"])
            return False
        electorate = electorate_of(ballot)
        ballot.status = Ballot.Status.OPEN
        ballot.eligible_heads = electorate.heads
        ballot.eligible_households = electorate.households
        ballot.eligible_area = electorate.area
        ballot.save(
            update_fields=["status", "eligible_heads", "eligible_households", "eligible_area"]
        )
        proposal = Proposal.objects.select_for_update().get(pk=ballot.proposal_id)
        if proposal.status == S.IN_DELIBERATION:
            ProposalEvent.objects.create(
                proposal=proposal,
                from_status=proposal.status,
                to_status=S.VOTING,
                by=ballot.created_by,
                comment=_("Ballot opened: %(q)s") % {"q": ballot.question},
            )
            # Saved so the status change reaches the proposal's 修改记录 (by "system"
            # when the scheduler opens it).
            proposal.status = S.VOTING
            proposal.save(update_fields=["status"])
    return True


def voter_problem(ballot: Ballot, resident: Resident) -> str | None:
    """Why this resident may not vote in this ballot, or None if they may."""
    if not resident.is_verified:
        return _("Only verified residents can vote.")
    if resident.has_moved_out:
        return _("This resident has moved out and can no longer vote here.")
    if not in_scope(ballot.proposal).filter(pk=resident.household_id).exists():
        return _("This ballot is for residents of other buildings.")
    if ballot.owners_only and not (
        resident.is_owner and resident.household.tenure == Household.Tenure.OWNER
    ):
        return _("Only owners can vote on this matter.")
    return None


def voter_key(ballot: Ballot, resident: Resident) -> str:
    if ballot.unit == Ballot.Unit.HOUSEHOLD:
        return f"h{resident.household_id}"
    return f"r{resident.pk}"


def ballot_cast(
    *,
    ballot: Ballot,
    resident: Resident,
    option_key: str,
    channel: str = Participation.Channel.ONLINE,
    recorded_by=None,
    now: dt.datetime | None = None,
) -> Participation:
    """Record one vote: who took part, and the choice only as a count (secret ballot) or
    also by name (named ballot). A second vote by the same voter — or household — is
    refused by the database, however the two arrive."""
    now = now or timezone.now()
    problem = voter_problem(ballot, resident)
    if problem:
        raise ValidationError(problem)
    option = BallotOption.objects.filter(ballot=ballot, key=option_key).first()
    if option is None:
        raise ValidationError({"option": _("Choose one of the options.")})
    by_household = ballot.unit == Ballot.Unit.HOUSEHOLD
    try:
        with transaction.atomic():
            # Read the ballot's status under a shared lock: votes proceed side by side,
            # but closing (an UPDATE of this row) waits until they are committed, so no
            # vote lands after the result is frozen.
            status, opens_at, closes_at = _ballot_state_for_share(ballot.pk)
            if status != Ballot.Status.OPEN or not (opens_at <= now < closes_at):
                raise ValidationError(_("This ballot is not open for voting."))
            participation = Participation.objects.create(
                ballot=ballot,
                voter_key=voter_key(ballot, resident),
                resident=resident,
                household_id=resident.household_id,
                channel=channel,
                recorded_by=recorded_by,
            )
            # Every option row of the ballot is written by the same statement, so the
            # rows' transaction ids can't tell which option this voter chose.
            chosen = Q(pk=option.pk)
            area = resident.household.floor_area if by_household else Decimal("0")
            counter = PositiveIntegerField()
            BallotOption.objects.filter(ballot=ballot).update(
                heads=Case(
                    When(chosen, then=F("heads") + 1), default=F("heads"), output_field=counter
                ),
                households=Case(
                    When(chosen, then=F("households") + (1 if by_household else 0)),
                    default=F("households"),
                    output_field=counter,
                ),
                area=Case(
                    When(chosen, then=F("area") + area),
                    default=F("area"),
                    output_field=BallotOption._meta.get_field("area"),
                ),
            )
            if not ballot.secret:
                NamedChoice.objects.create(participation=participation, option=option)
    except IntegrityError:
        if by_household:
            raise ValidationError(_("Your household has already voted in this ballot.")) from None
        raise ValidationError(_("You have already voted in this ballot.")) from None
    return participation


def _ballot_state_for_share(ballot_id: int) -> tuple:
    """(status, opens_at, closes_at) read under FOR SHARE on PostgreSQL."""
    if connection.vendor == "postgresql":
        table = Ballot._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status, opens_at, closes_at FROM {table} WHERE id = %s FOR SHARE",
                [ballot_id],
            )
            status, opens_at, closes_at = cursor.fetchone()
        # Raw rows come back in UTC; make them aware like the ORM's.
        if timezone.is_naive(opens_at):
            opens_at = timezone.make_aware(opens_at, dt.UTC)
            closes_at = timezone.make_aware(closes_at, dt.UTC)
        return status, opens_at, closes_at
    return Ballot.objects.filter(pk=ballot_id).values_list("status", "opens_at", "closes_at").get()


def tally(ballot: Ballot) -> tuple:
    """The ballot's outcome from its option counts and frozen electorate."""
    options = list(ballot.options.all())
    counts = {o.key: TallyCount(o.heads, o.households, o.area) for o in options}
    electorate = Electorate(ballot.eligible_heads, ballot.eligible_households, ballot.eligible_area)
    keys = {o.key for o in options}
    approve = "for" if "for" in keys else None
    unit = "households" if ballot.unit == Ballot.Unit.HOUSEHOLD else "heads"
    quorum = Fraction(ballot.quorum_percent, 100) if ballot.quorum_percent else None
    outcome = decide(
        rule=Rule(ballot.rule),
        counts=counts,
        electorate=electorate,
        approve=approve,
        quorum=quorum,
        unit=unit,
    )
    return outcome, counts, electorate


def ballot_close(*, ballot_id: int, now: dt.datetime) -> BallotResult | None:
    """Close an open ballot whose time is up, freeze its result, and move the proposal to
    passed or rejected. Running it again (or twice at once) returns None."""
    from notifications.services import notification_send

    with transaction.atomic():
        claimed = Ballot.objects.filter(
            pk=ballot_id, status=Ballot.Status.OPEN, closes_at__lte=now
        ).update(status=Ballot.Status.CLOSED)
        if not claimed:
            return None
        ballot = Ballot.objects.select_related("proposal__community", "created_by").get(
            pk=ballot_id
        )
        outcome, counts, electorate = tally(ballot)
        result = BallotResult.objects.create(
            ballot=ballot,
            passed=outcome.passed,
            winner=outcome.winner or "",
            counts={
                key: {"heads": c.heads, "households": c.households, "area": str(c.area)}
                for key, c in counts.items()
            },
            checks=[
                {
                    "code": check.code,
                    "needed": str(check.needed),
                    "strict": check.strict,
                    "numerator": str(check.numerator),
                    "denominator": str(check.denominator),
                    "met": check.met,
                }
                for check in outcome.checks
            ],
            electorate={
                "heads": electorate.heads,
                "households": electorate.households,
                "area": str(electorate.area),
            },
        )
        proposal = Proposal.objects.select_for_update().get(pk=ballot.proposal_id)
        if proposal.status == S.VOTING:
            to_status = S.PASSED if outcome.passed else S.REJECTED
            ProposalEvent.objects.create(
                proposal=proposal,
                from_status=S.VOTING,
                to_status=to_status,
                by=ballot.created_by,
                comment=_("Ballot closed: %(q)s") % {"q": ballot.question},
            )
            proposal.status = to_status
            proposal.save(update_fields=["status"])
        recipients = {ballot.created_by_id: ballot.created_by}
        if proposal.resident_id and proposal.resident and proposal.resident.user_id:
            recipients[proposal.resident.user_id] = proposal.resident.user
        from governance.services import secretaries_of

        for user in secretaries_of(proposal.community):
            recipients[user.pk] = user
        if outcome.passed:
            title = _("The ballot passed: %(q)s") % {"q": ballot.question}
        else:
            title = _("The ballot did not pass: %(q)s") % {"q": ballot.question}
        for user in recipients.values():
            notification_send(
                recipient=user,
                title=title,
                body=_("The ballot on “%(title)s” has closed.") % {"title": proposal.title},
                dedupe_key=f"ballot-{ballot.pk}-result",
            )
    return result


def ballot_remind(*, ballot_id: int, now: dt.datetime) -> int:
    """24 hours before closing, remind eligible residents with an account who have not
    voted; the reminder goes out once per ballot (compare-and-swap on reminded_at)."""
    from notifications.services import notification_send

    window = now + dt.timedelta(hours=settings.DELIBERATION_REMINDER_HOURS)
    with transaction.atomic():
        claimed = Ballot.objects.filter(
            pk=ballot_id,
            status=Ballot.Status.OPEN,
            reminded_at__isnull=True,
            closes_at__gt=now,
            closes_at__lte=window,
        ).update(reminded_at=now)
        if not claimed:
            return 0
        ballot = Ballot.objects.select_related("proposal").get(pk=ballot_id)
        voted = Participation.objects.filter(ballot=ballot).values("voter_key")
        residents = (
            Resident.objects.filter(household__in=in_scope(ballot.proposal), user__isnull=False)
            .verified()
            .current()
            .select_related("household", "user")
        )
        if ballot.owners_only:
            residents = residents.filter(is_owner=True, household__tenure=Household.Tenure.OWNER)
        already = set(voted.values_list("voter_key", flat=True))
        sent = 0
        for resident in residents:
            if voter_key(ballot, resident) in already:
                continue
            notification_send(
                recipient=resident.user,
                title=_("Voting closes soon: %(q)s") % {"q": ballot.question},
                body=_("The ballot closes at %(when)s. Your vote counts.")
                % {"when": timezone.localtime(ballot.closes_at).strftime("%Y-%m-%d %H:%M")},
                dedupe_key=f"ballot-{ballot.pk}-reminder",
            )
            sent += 1
    return sent


def options_for_yes_no() -> list[tuple[str, str]]:
    return [("for", _("For")), ("against", _("Against")), ("abstain", _("Abstain"))]


@transaction.atomic
def ballot_create(
    *,
    proposal: Proposal,
    question: str,
    opens_at,
    closes_at,
    rule: str,
    unit: str,
    secret: bool,
    quorum_percent: int | None,
    options: list[tuple[str, str]],
    by,
) -> Ballot:
    """Schedule a ballot on a proposal in deliberation, with its options."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != S.IN_DELIBERATION:
        raise ValidationError(_("Only a proposal in deliberation can be put to a vote."))
    if proposal.ballots.filter(status__in=[Ballot.Status.SCHEDULED, Ballot.Status.OPEN]).exists():
        raise ValidationError(_("This proposal already has a ballot scheduled or open."))
    if len(options) < 2:
        raise ValidationError(_("A ballot needs at least two options."))
    ballot = Ballot(
        proposal=proposal,
        question=question,
        opens_at=opens_at,
        closes_at=closes_at,
        rule=rule,
        unit=unit,
        secret=secret,
        quorum_percent=quorum_percent,
        created_by=by,
    )
    ballot.full_clean()
    keys = [key for key, _label in options]
    if len(set(keys)) != len(keys):
        raise ValidationError({"options": _("Each option must be different.")})
    ballot.save()
    for index, (key, label) in enumerate(options):
        option = BallotOption(ballot=ballot, key=key, label=label, sort_order=index)
        try:
            option.full_clean(exclude=["ballot"])
        except ValidationError as exc:
            raise ValidationError({"options": exc.messages}) from None
        option.save()
    return ballot


def participation_summary(ballot: Ballot) -> dict:
    """Turnout in heads, households and area, for the results page (one query)."""
    return Participation.objects.filter(ballot=ballot).aggregate(
        heads=Count("pk"),
        households=Count("household", distinct=True),
        area=Sum("household__floor_area", filter=Q(ballot__unit=Ballot.Unit.HOUSEHOLD)),
    )
