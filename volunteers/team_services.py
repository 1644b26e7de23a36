"""Writes of teams, memberships and volunteers, and who leads a team.

A team's leader (or deputy) manages its memberships, shifts, assignments and check-ins;
the community office manages every team. Every object a write points at must belong to
the same community.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communities.models import Community, Resident
from volunteers import services
from volunteers.models import Booking, Membership, Shift, Skill, Team, Volunteer

LEADING_ROLES = (Membership.Role.LEADER, Membership.Role.DEPUTY)


def _leading(user):
    return Membership.objects.filter(
        volunteer__user=user, role__in=LEADING_ROLES, status=Membership.Status.APPROVED
    )


def leads(user, team: Team | None) -> bool:
    """The user is an approved leader or deputy leader of the team."""
    if team is None or not getattr(user, "is_authenticated", False):
        return False
    return _leading(user).filter(team=team).exists()


def led_team_ids(user, community: Community) -> set[int]:
    """Ids of the community's teams the user leads (one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(_leading(user).filter(team__community=community).values_list("team_id", flat=True))


# ---------------------------------------------------------------- teams


@transaction.atomic
def team_save(*, team: Team) -> Team:
    """Create or change a team; two teams of one community cannot share a name."""
    team.name = (team.name or "").strip()
    taken = Team.objects.filter(community=team.community_id, name=team.name).exclude(pk=team.pk)
    if team.name and taken.exists():
        raise ValidationError({"name": _("This community already has a team of that name.")})
    if team.organisation_id and team.organisation.community_id != team.community_id:
        raise ValidationError({"organisation": _("The organisation belongs to another community.")})
    team.full_clean()
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError:
        raise ValidationError(
            {"name": _("This community already has a team of that name.")}
        ) from None
    return team


# ---------------------------------------------------------------- memberships


@transaction.atomic
def membership_request(*, team: Team, volunteer: Volunteer) -> Membership:
    """A volunteer asks to join a team; asking again after leaving or a refusal is allowed."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.community_id != team.community_id:
        raise ValidationError(_("This volunteer belongs to another community."))
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise ValidationError(_("This volunteer is not active."))
    if team.status != Team.Status.ACTIVE:
        raise ValidationError(_("This team is not taking new members."))
    membership = Membership.objects.filter(team=team, volunteer=volunteer).first()
    if membership is None:
        membership = Membership(team=team, volunteer=volunteer)
    elif membership.status == Membership.Status.APPROVED:
        raise ValidationError(_("You are already a member of this team."))
    elif membership.status == Membership.Status.REQUESTED:
        raise ValidationError(_("You have already asked to join this team."))
    membership.status = Membership.Status.REQUESTED
    membership.role = Membership.Role.MEMBER
    membership.decided_by = None
    membership.full_clean()
    membership.save()
    return membership


DECISIONS = {
    "approve": Membership.Status.APPROVED,
    "decline": Membership.Status.DECLINED,
    "remove": Membership.Status.LEFT,
}
ROLE_CHANGES = {"leader", "deputy", "member"}


@transaction.atomic
def membership_decide(*, membership: Membership, decision: str, by) -> Membership:
    """Approve or decline a request, remove a member, or (office) change a member's role.

    The status moves by compare-and-swap, so two leaders pressing at once decide once.
    """
    if decision in ROLE_CHANGES:
        changed = Membership.objects.filter(
            pk=membership.pk, status=Membership.Status.APPROVED
        ).update(role=decision, decided_by=by)
        if not changed:
            raise ValidationError(_("Only a member's role can be changed."))
    elif decision in ("approve", "decline"):
        changed = Membership.objects.filter(
            pk=membership.pk, status=Membership.Status.REQUESTED
        ).update(status=DECISIONS[decision], decided_by=by)
        if not changed:
            raise ValidationError(_("This request has already been decided."))
    elif decision == "remove":
        changed = Membership.objects.filter(
            pk=membership.pk, status=Membership.Status.APPROVED
        ).update(status=Membership.Status.LEFT, role=Membership.Role.MEMBER, decided_by=by)
        if not changed:
            raise ValidationError(_("This volunteer is not a member of the team."))
    else:
        raise ValidationError(_("Unknown decision."))
    membership.refresh_from_db()
    return membership


# ---------------------------------------------------------------- volunteers


def _resident_community_id(resident: Resident) -> int:
    return resident.household.entrance.building.community_id


@transaction.atomic
def volunteer_save(
    *,
    volunteer: Volunteer,
    skills: Iterable[Skill] | None = None,
    teams: Iterable[Team] = (),
    by=None,
) -> Volunteer:
    """Create or change a volunteer: a resident of this community (name, phone and account
    come from the resident) or an outsider with a name and a mobile number. Teams given
    are joined as approved members."""
    if volunteer.resident_id:
        resident = Resident.objects.select_related("household__entrance__building").get(
            pk=volunteer.resident_id
        )
        if _resident_community_id(resident) != volunteer.community_id:
            raise ValidationError({"resident": _("This resident does not live in this community.")})
        taken = Volunteer.objects.filter(resident=resident).exclude(pk=volunteer.pk)
        if taken.exists():
            raise ValidationError({"resident": _("This resident is already a volunteer.")})
        volunteer.name = volunteer.name or resident.name
        volunteer.phone = volunteer.phone or resident.phone
        if resident.user_id and not volunteer.user_id:
            volunteer.user_id = resident.user_id
    else:
        volunteer.name = (volunteer.name or "").strip()
        if not volunteer.name:
            raise ValidationError({"name": _("Please give the volunteer's name.")})
        if not volunteer.phone:
            raise ValidationError(
                {"phone": _("A volunteer from outside the community needs a mobile number.")}
            )
    if volunteer.user_id and (
        Volunteer.objects.filter(user_id=volunteer.user_id).exclude(pk=volunteer.pk).exists()
    ):
        raise ValidationError(_("This account already belongs to another volunteer."))
    volunteer.full_clean()
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:
        raise ValidationError(
            {"armband_number": _("Another volunteer already has this armband number.")}
        ) from None
    if skills is not None:
        volunteer.skills.set(skills)
    for team in teams:
        if team.community_id != volunteer.community_id:
            raise ValidationError({"teams": _("The team belongs to another community.")})
        membership, _created = Membership.objects.get_or_create(
            team=team, volunteer=volunteer, defaults={"status": Membership.Status.APPROVED}
        )
        if membership.status != Membership.Status.APPROVED:
            membership.status = Membership.Status.APPROVED
            membership.decided_by = by
            membership.save(update_fields=["status", "decided_by"])
    return volunteer


@transaction.atomic
def volunteer_from_resident(
    *, resident: Resident, availability: str = "", skills: Iterable[Skill] = ()
) -> Volunteer:
    """A verified resident becomes a volunteer from their own account."""
    resident = (
        Resident.objects.select_for_update()
        .select_related("household__entrance__building")
        .get(pk=resident.pk)
    )
    if resident.verification_status != Resident.Verification.VERIFIED or resident.has_moved_out:
        raise ValidationError(_("Only a verified resident can sign up as a volunteer."))
    if Volunteer.objects.filter(resident=resident).exists():
        raise ValidationError(_("You are already a volunteer."))
    volunteer = Volunteer(
        community_id=_resident_community_id(resident),
        resident=resident,
        user_id=resident.user_id,
        name=resident.name,
        phone=resident.phone,
        availability=(availability or "").strip(),
    )
    return volunteer_save(volunteer=volunteer, skills=list(skills))


# ---------------------------------------------------------------- roster writes


def volunteer_sign_up(*, shift: Shift, volunteer: Volunteer) -> Booking:
    """A volunteer books themselves: a team's shift is for the team's members."""
    with transaction.atomic():
        if (
            shift.team_id
            and not Membership.objects.filter(
                team_id=shift.team_id, volunteer=volunteer, status=Membership.Status.APPROVED
            ).exists()
        ):
            raise ValidationError(
                _("This shift is for members of “%(team)s”.") % {"team": shift.team.name}
            )
        return services.shift_sign_up(shift=shift, volunteer=volunteer)


@transaction.atomic
def shift_save(*, shift: Shift) -> Shift:
    """Create or change a one-off shift; a live booking keeps the shift's times."""
    if shift.team_id and shift.team.community_id != shift.community_id:
        raise ValidationError({"team": _("The team belongs to another community.")})
    if shift.starts_at and shift.ends_at and shift.ends_at <= shift.starts_at:
        raise ValidationError({"ends_at": _("A shift must end after it starts.")})
    shift.full_clean()
    shift.save()
    if shift.pk:
        live = shift.bookings.filter(status__in=Booking.LIVE)
        if live.count() > shift.slots:
            raise ValidationError(
                {"slots": _("More volunteers are already booked than this number.")}
            )
        live.update(starts_at=shift.starts_at, ends_at=shift.ends_at)
    return shift


@transaction.atomic
def template_save(*, template) -> tuple[object, int]:
    """Save a recurring duty and create its shifts."""
    from volunteers import rostering

    if template.team_id and template.team.community_id != template.community_id:
        raise ValidationError({"team": _("The team belongs to another community.")})
    try:
        days = rostering.parse_weekdays(template.weekdays)
    except ValidationError as exc:
        raise ValidationError({"weekdays": exc.messages}) from None
    template.weekdays = ",".join(str(d) for d in sorted(days))
    if (
        template.first_day
        and template.last_day
        and (template.last_day - template.first_day).days > 366
    ):
        raise ValidationError({"last_day": _("A recurring duty can run for at most a year.")})
    template.full_clean()
    template.save()
    return template, services.template_expand(template=template)
