"""Writes of a proposal's own record: raising and editing it, opinions on it (and hiding
them), and its photos. Steps of the lifecycle and co-signing live in
``deliberation.services``."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import uploads
from communities.models import Building, Community, Resident
from deliberation.models import (
    Opinion,
    Proposal,
    ProposalCategory,
    ProposalEvent,
    ProposalPhoto,
)

S = Proposal.Status

# A proposal's text may change until the office has put it on the agenda: what residents
# co-sign and what the meeting discusses is then fixed.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.SUBMITTED})
# Opinions are taken while the matter is public and undecided.
OPEN_FOR_OPINIONS = frozenset({S.SUBMITTED, S.ON_AGENDA, S.IN_DELIBERATION, S.VOTING})
OPINION_MAX_LENGTH = 1000


def _check_raised_by(*, community: Community, by, resident: Resident | None, organisation) -> None:
    """A resident raises only for themselves; the office may record one for a verified
    resident or an organisation of this community (or in its own name)."""
    if resident is not None and organisation is not None:
        raise ValidationError(
            {"organisation": _("Choose a resident or an organisation, not both.")}
        )
    if resident is not None:
        if resident.household.entrance.building.community_id != community.pk:
            raise ValidationError({"resident": _("This resident lives in another community.")})
        if not resident.is_verified:
            raise ValidationError({"resident": _("Only a verified resident can raise a proposal.")})
    if organisation is not None and organisation.community_id != community.pk:
        raise ValidationError(
            {"organisation": _("This organisation belongs to another community.")}
        )
    if by.has_perm("deliberation.manage", community):
        return
    if resident is None or resident.user_id != by.pk or organisation is not None:
        raise ValidationError(_("A resident can only raise a proposal in their own name."))


def _check_scope(
    *, community: Community, whole_community: bool, buildings: list[Building]
) -> list[Building]:
    """The buildings the proposal concerns: none for the whole community, else at least
    one, all of this community."""
    if whole_community:
        return []
    if not buildings:
        raise ValidationError(
            {"buildings": _("Choose at least one building, or tick “whole community”.")}
        )
    if any(b.community_id != community.pk for b in buildings):
        raise ValidationError({"buildings": _("Choose buildings of this community only.")})
    return buildings


def _check_category(category: ProposalCategory, current: ProposalCategory | None = None) -> None:
    # A category retired after the proposal was raised may stay on it.
    if not category.is_active and category != current:
        raise ValidationError({"category": _("This category is no longer in use.")})


@transaction.atomic
def proposal_create(
    *,
    community: Community,
    by,
    title: str,
    description: str,
    category: ProposalCategory,
    whole_community: bool = True,
    buildings: Iterable[Building] = (),
    resident: Resident | None = None,
    organisation=None,
) -> Proposal:
    """Raise a proposal as a draft and record its first step on the timeline."""
    _check_raised_by(community=community, by=by, resident=resident, organisation=organisation)
    scope = _check_scope(
        community=community, whole_community=whole_community, buildings=list(buildings)
    )
    _check_category(category)
    proposal = Proposal(
        community=community,
        title=(title or "").strip(),
        description=(description or "").strip(),
        category=category,
        whole_community=whole_community,
        resident=resident,
        organisation=organisation,
        created_by=by,
    )
    proposal.full_clean()
    proposal.save()
    proposal.buildings.set(scope)
    ProposalEvent.objects.create(proposal=proposal, from_status="", to_status=S.DRAFT, by=by)
    return proposal


@transaction.atomic
def proposal_update(
    *,
    proposal: Proposal,
    by,
    title: str,
    description: str,
    category: ProposalCategory,
    whole_community: bool = True,
    buildings: Iterable[Building] = (),
    resident: Resident | None = None,
    organisation=None,
    change_raised_by: bool = False,
) -> Proposal:
    """Edit a draft or submitted proposal; the office may also change who raised it."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("A proposal can no longer be edited once it is “%(status)s”.")
            % {"status": proposal.get_status_display()}
        )
    community = proposal.community
    office = by.has_perm("deliberation.manage", community)
    is_proposer = proposal.created_by_id == by.pk or (
        proposal.resident_id is not None and proposal.resident.user_id == by.pk
    )
    if not (office or is_proposer):
        raise ValidationError(_("Only the proposer or the community office can edit it."))
    if change_raised_by:
        if not office:
            raise ValidationError(_("Only the community office can change who raised it."))
        _check_raised_by(community=community, by=by, resident=resident, organisation=organisation)
        proposal.resident = resident
        proposal.organisation = organisation
    scope = _check_scope(
        community=community, whole_community=whole_community, buildings=list(buildings)
    )
    _check_category(category, current=proposal.category)
    proposal.title = (title or "").strip()
    proposal.description = (description or "").strip()
    proposal.category = category
    proposal.whole_community = whole_community
    proposal.full_clean()
    proposal.save()
    proposal.buildings.set(scope)
    return proposal


@transaction.atomic
def opinion_add(*, proposal: Proposal, author, text: str) -> Opinion:
    """Post an opinion on a proposal that is open for discussion."""
    if proposal.status not in OPEN_FOR_OPINIONS:
        raise ValidationError(
            _("Opinions are not taken while a proposal is “%(status)s”.")
            % {"status": proposal.get_status_display()}
        )
    text = (text or "").strip()
    # TextField's max_length only reaches the form; the service enforces it itself.
    if len(text) > OPINION_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("Please keep an opinion under %(n)s characters.")
                % {"n": OPINION_MAX_LENGTH}
            }
        )
    opinion = Opinion(proposal=proposal, author=author, text=text)
    opinion.full_clean()
    opinion.save()
    return opinion


@transaction.atomic
def opinion_hide(*, opinion: Opinion, by, reason: str) -> Opinion:
    """The office hides an opinion, saying why; the reason stays visible to everyone."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for hiding this opinion.")})
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if opinion.hidden_at is not None:
        raise ValidationError(_("This opinion is already hidden."))
    opinion.hidden_at = timezone.now()
    opinion.hidden_by = by
    opinion.hidden_reason = reason
    opinion.full_clean()
    opinion.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return opinion


def _check_photo(image) -> None:
    uploads.check_photo(image, field="image")


@transaction.atomic
def photo_add(*, proposal: Proposal, image, caption: str = "") -> ProposalPhoto:
    """Attach a JPG or PNG photo (at most 5 MB, checked to be a real image)."""
    _check_photo(image)
    photo = ProposalPhoto(proposal=proposal, image=image, caption=(caption or "").strip())
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def settings_save(*, settings_row) -> None:
    """Save a community's deliberation settings (the co-signing threshold)."""
    settings_row.full_clean()
    settings_row.save()
