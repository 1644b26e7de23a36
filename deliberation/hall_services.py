"""Writes of halls, representatives and deliberation sessions. Every object a session
points at (hall, building, proposals, residents) must belong to the session's community."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communities.models import Community, Resident
from deliberation.models import Hall, Proposal, Representative, Session, SessionPhoto


@transaction.atomic
def hall_save(*, hall: Hall) -> Hall:
    """Create or change a hall; two halls of one community cannot share a name."""
    hall.name = (hall.name or "").strip()
    taken = Hall.objects.filter(community=hall.community_id, name=hall.name).exclude(pk=hall.pk)
    if hall.name and taken.exists():
        raise ValidationError({"name": _("This community already has a hall of that name.")})
    hall.full_clean()
    try:
        with transaction.atomic():
            hall.save()
    except IntegrityError:
        raise ValidationError(
            {"name": _("This community already has a hall of that name.")}
        ) from None
    return hall


@transaction.atomic
def representative_add(
    *, community: Community, resident: Resident, elected_on: dt.date, term_ends_on: dt.date
) -> Representative:
    """Record a representative's term: a verified resident of this community, once per
    election date."""
    if resident.household.entrance.building.community_id != community.pk:
        raise ValidationError({"resident": _("This resident does not live in this community.")})
    if not resident.is_verified:
        raise ValidationError({"resident": _("Only a verified resident can be a representative.")})
    if term_ends_on <= elected_on:
        raise ValidationError({"term_ends_on": _("The term must end after the election date.")})
    overlapping = Representative.objects.filter(
        resident=resident, elected_on__lt=term_ends_on, term_ends_on__gt=elected_on
    )
    if overlapping.exists():
        raise ValidationError(
            {"resident": _("This resident already has a term that overlaps these dates.")}
        )
    representative = Representative(
        community=community, resident=resident, elected_on=elected_on, term_ends_on=term_ends_on
    )
    representative.full_clean()
    try:
        with transaction.atomic():
            representative.save()
    except IntegrityError:
        raise ValidationError(
            {"resident": _("This resident already has a term from that date.")}
        ) from None
    return representative


def _check_session_links(
    session: Session, agenda: list[Proposal], attendees: list[Resident]
) -> None:
    community_id = session.community_id
    errors: dict[str, str] = {}
    if session.hall_id and session.hall.community_id != community_id:
        errors["hall"] = _("This hall belongs to another community.")
    if session.building_id and session.building.community_id != community_id:
        errors["building"] = _("This building is in another community.")
    if any(p.community_id != community_id for p in agenda):
        errors["agenda"] = _("Only proposals of this community can be on the agenda.")
    if attendees:
        foreign = (
            Resident.objects.filter(pk__in=[r.pk for r in attendees])
            .exclude(household__entrance__building__community=community_id)
            .exists()
        )
        if foreign:
            errors["attendees"] = _("Only residents of this community can be recorded as present.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_save(
    *,
    session: Session,
    agenda: Iterable[Proposal] = (),
    attendees: Iterable[Resident] = (),
) -> Session:
    """Create or change a session with its agenda and attendance."""
    agenda = list(agenda)
    attendees = list(attendees)
    session.place = (session.place or "").strip()
    _check_session_links(session, agenda, attendees)
    session.full_clean()
    session.save()
    session.agenda.set(agenda)
    session.attendees.set(attendees)
    return session


@transaction.atomic
def session_photo_add(*, photo: SessionPhoto) -> SessionPhoto:
    photo.full_clean()
    photo.save()
    return photo
