"""Writes with rules for places and people. Each runs in one transaction."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Household, Resident

User = get_user_model()


def resident_register(
    *, phone: str, password: str, display_name: str, household: Household
) -> Resident:
    """Create an account and a resident awaiting verification in the chosen household.

    If the office already keeps a resident of that name in the household without an
    account, the new account is attached to that record instead of duplicating it.
    Two registrations racing for one mobile number: the database's unique index lets
    one through and the other gets the same message as a sequential duplicate.
    """
    try:
        return _resident_register(
            phone=phone, password=password, display_name=display_name, household=household
        )
    except IntegrityError:
        raise ValidationError(
            {"phone": _("An account with this mobile number already exists.")}
        ) from None


@transaction.atomic
def _resident_register(
    *, phone: str, password: str, display_name: str, household: Household
) -> Resident:
    user = User(phone=phone, display_name=display_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    resident = (
        # Only a current resident's record: someone who moved out keeps their own.
        Resident.objects.select_for_update()
        .current()
        .filter(household=household, name=display_name, user__isnull=True)
        .first()
    )
    if resident is None:
        resident = Resident(household=household, name=display_name)
    resident.user = user
    if not resident.phone:
        resident.phone = phone
    resident.verification_status = Resident.Verification.PENDING
    resident.verified_by = None
    resident.verified_at = None
    resident.rejection_reason = ""
    resident.full_clean()
    # Nobody is logged in yet: the 修改记录 names the new account as who registered.
    resident._history_user = user
    resident.save()
    return resident


def _lock_resident(resident_id: int) -> Resident:
    return Resident.objects.select_for_update().get(pk=resident_id)


@transaction.atomic
def resident_verify(*, resident: Resident, by) -> Resident:
    """Mark a resident verified by an office worker."""
    resident = _lock_resident(resident.pk)
    resident.verification_status = Resident.Verification.VERIFIED
    resident.verified_by = by
    resident.verified_at = timezone.now()
    resident.rejection_reason = ""
    resident.full_clean()
    resident.save()
    return resident


@transaction.atomic
def resident_reject(*, resident: Resident, by, reason: str) -> Resident:
    """Reject a registration with a reason the resident will see."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for the rejection.")})
    resident = _lock_resident(resident.pk)
    resident.verification_status = Resident.Verification.REJECTED
    resident.verified_by = by
    resident.verified_at = timezone.now()
    resident.rejection_reason = reason[:200]
    resident.full_clean()
    resident.save()
    return resident


@transaction.atomic
def resident_save(*, resident: Resident, by=None) -> Resident:
    """Create or update a resident recorded by the office (verified: the office knows them)."""
    if resident.pk is None:
        resident.verification_status = Resident.Verification.VERIFIED
        resident.verified_by = by
        resident.verified_at = timezone.now()
    resident.full_clean()
    resident.save()
    return resident


def is_privileged_account(user) -> bool:
    """Staff, superusers and anyone holding an office role or area role anywhere.

    The community office may not link or reset such accounts: that would let a
    secretary take over an account that reaches beyond their own residents.
    """
    from communities.models import AreaStaffRole, CommunityRole

    return (
        user.is_staff
        or user.is_superuser
        or CommunityRole.objects.filter(user=user).exists()
        or AreaStaffRole.objects.filter(user=user).exists()
    )


@transaction.atomic
def resident_link_account(*, resident: Resident, user, by) -> Resident:
    """Attach an existing account to a resident the office recorded without one."""
    resident = _lock_resident(resident.pk)
    other = Resident.objects.filter(user=user).exclude(pk=resident.pk).first()
    if other is not None:
        raise ValidationError(
            {"phone": _("This account already belongs to another resident record.")}
        )
    if is_privileged_account(user):
        raise ValidationError(
            {
                "phone": _(
                    "This account belongs to a staff member. Ask the system administrator "
                    "to link it."
                )
            }
        )
    resident.user = user
    if resident.verification_status != Resident.Verification.VERIFIED:
        resident.verification_status = Resident.Verification.VERIFIED
        resident.verified_by = by
        resident.verified_at = timezone.now()
    resident.full_clean()
    resident.save()
    return resident


@transaction.atomic
def resident_create_account(*, resident: Resident, phone: str, by) -> tuple[Resident, str]:
    """Open an account for a resident with no account; returns the temporary password."""
    resident = _lock_resident(resident.pk)
    if resident.user_id:
        raise ValidationError({"phone": _("This resident already has an account.")})
    password = temporary_password()
    user = User(phone=phone, display_name=resident.name, must_change_password=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    resident.user = user
    resident.save(update_fields=["user"])
    return resident, password


def temporary_password() -> str:
    """Eight digits and letters that are easy to read out over the phone."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


@transaction.atomic
def user_reset_password(*, user, by) -> str:
    """A secretary sets a temporary password; the user must change it at next login."""
    if is_privileged_account(user):
        raise ValidationError(
            _(
                "This account belongs to a staff member; only the system administrator can "
                "reset its password."
            )
        )
    password = temporary_password()
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


@transaction.atomic
def role_assign(
    *,
    community,
    phone: str,
    role: str,
    start_date,
    end_date=None,
    display_name: str = "",
) -> tuple:
    """Give a user a role in the community; opens an account if the number has none.

    Returns the role and, when an account was opened, its temporary password.
    """
    from communities.models import CommunityRole

    user = User.objects.filter(phone=phone).first()
    password = None
    if user is None:
        if not display_name.strip():
            raise ValidationError(
                {"display_name": _("No account has this number yet: enter a name to open one.")}
            )
        password = temporary_password()
        user = User(phone=phone, display_name=display_name.strip(), must_change_password=True)
        user.set_password(password)
        user.full_clean()
        user.save()
    overlapping = CommunityRole.objects.filter(
        user=user, community=community, role=role, start_date__lte=end_date or start_date.max
    ).exclude(end_date__lt=start_date)
    if overlapping.exists():
        raise ValidationError({"role": _("This person already holds this role in that period.")})
    assignment = CommunityRole(
        user=user, community=community, role=role, start_date=start_date, end_date=end_date
    )
    assignment.full_clean()
    assignment.save()
    return assignment, password


@transaction.atomic
def role_end(*, assignment, on) -> None:
    """End a role on a date (today by default); a role never ends before it starts."""
    from communities.models import CommunityRole

    assignment = CommunityRole.objects.select_for_update().get(pk=assignment.pk)
    assignment.end_date = max(on, assignment.start_date)
    assignment.full_clean()
    assignment.save(update_fields=["end_date"])


@transaction.atomic
def roster_delete(*, obj) -> None:
    """Delete a roster record the office entered by mistake.

    A building, entrance or household is deleted only when no household or resident
    hangs beneath it, so a slip of the finger never takes people with it.
    """
    from communities.models import Building, Compound, Entrance

    if isinstance(obj, Building) and Household.objects.filter(entrance__building=obj).exists():
        raise ValidationError(_("This building still has households; remove them first."))
    if isinstance(obj, Entrance) and obj.households.exists():
        raise ValidationError(_("This entrance still has households; remove them first."))
    if isinstance(obj, Household) and obj.residents.exists():
        raise ValidationError(_("This household still has residents; remove them first."))
    if isinstance(obj, Resident) and obj.posts.exists():
        # Their posts are the community's record of who served; keep them.
        raise ValidationError(
            _("This resident holds or held posts in organisations and cannot be deleted.")
        )
    if not isinstance(obj, Building | Compound | Entrance | Household | Resident):
        raise TypeError(f"roster_delete does not delete {type(obj).__name__}")
    obj.delete()


@transaction.atomic
def resident_move_out(*, resident: Resident, moved_out_on, note: str = "", by) -> Resident:
    """Record that a resident moved out on a date; the record and its history are kept.

    Their votes, co-signatures, cases and volunteer records keep pointing at them; their
    account stays but no longer counts as a verified resident of the community.
    """
    resident = _lock_resident(resident.pk)
    if resident.has_moved_out:
        raise ValidationError(
            {
                "moved_out_on": _("%(name)s is already recorded as moved out on %(date)s.")
                % {"name": resident.name, "date": resident.moved_out_on.isoformat()}
            }
        )
    if moved_out_on is None:
        raise ValidationError({"moved_out_on": _("Enter the date the resident moved out.")})
    if moved_out_on > timezone.localdate():
        raise ValidationError({"moved_out_on": _("The moving-out date cannot be in the future.")})
    recorded_on = timezone.localdate(resident.created_at)
    if moved_out_on < recorded_on:
        raise ValidationError(
            {
                "moved_out_on": _(
                    "The moving-out date cannot be before the resident was recorded (%(date)s)."
                )
                % {"date": recorded_on.isoformat()}
            }
        )
    resident.moved_out_on = moved_out_on
    resident.moved_out_note = (note or "").strip()[:200]
    resident.full_clean()
    resident.save()
    return resident


@transaction.atomic
def resident_move_back(*, resident: Resident, by) -> Resident:
    """Undo a moving-out recorded by mistake: the resident is current again."""
    resident = _lock_resident(resident.pk)
    if not resident.has_moved_out:
        raise ValidationError(_("%(name)s is not recorded as moved out.") % {"name": resident.name})
    namesake = (
        Resident.objects.current()
        .filter(household_id=resident.household_id, name=resident.name)
        .exclude(pk=resident.pk)
    )
    if namesake.exists():
        raise ValidationError(
            _(
                "Another current resident of this household is called %(name)s; rename or "
                "remove one of them first."
            )
            % {"name": resident.name}
        )
    resident.moved_out_on = None
    resident.moved_out_note = ""
    resident.full_clean()
    resident.save()
    return resident
