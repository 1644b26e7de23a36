"""Writes with rules for volunteers. A shift never takes more volunteers than its slots
and no volunteer is booked on two overlapping shifts: sign-ups lock the shift and then the
volunteer, so two sign-ups at the same moment are decided one after the other."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from volunteers import rostering
from volunteers.models import Booking, HoursEntry, Shift, ShiftTemplate, Team, Volunteer

LIVE = Booking.LIVE


def _lock(shift_id: int, volunteer_id: int) -> tuple[Shift, Volunteer]:
    # Always the shift first, then the volunteer: one order, so no deadlocks.
    shift = Shift.objects.select_for_update(of=("self",)).select_related("team").get(pk=shift_id)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer_id)
    return shift, volunteer


def shift_sign_up(*, shift: Shift, volunteer: Volunteer, by=None, now=None) -> Booking:
    """Book a volunteer on a shift (themselves, or assigned by a leader: ``by``)."""
    now = now or timezone.now()
    with transaction.atomic():
        shift, volunteer = _lock(shift.pk, volunteer.pk)
        if volunteer.community_id != shift.community_id:
            raise ValidationError(_("This volunteer belongs to another community."))
        if volunteer.status != Volunteer.Status.ACTIVE:
            raise ValidationError(_("This volunteer is not active."))
        if shift.starts_at <= now:
            raise ValidationError(_("This shift has already started."))
        if shift.skill_id and not volunteer.skills.filter(pk=shift.skill_id).exists():
            raise ValidationError(
                _("This shift needs the skill “%(skill)s”.") % {"skill": shift.skill.name}
            )
        taken = shift.bookings.filter(status__in=LIVE).count()
        if taken >= shift.slots:
            raise ValidationError(_("This shift is full."))
        clash = (
            Booking.objects.filter(volunteer=volunteer, status__in=LIVE)
            .filter(starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at)
            .select_related("shift")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _("You are already on “%(title)s” at that time.") % {"title": clash.shift.title}
            )
        try:
            with transaction.atomic():
                return Booking.objects.create(
                    shift=shift,
                    volunteer=volunteer,
                    starts_at=shift.starts_at,
                    ends_at=shift.ends_at,
                    assigned_by=by,
                )
        except IntegrityError:
            raise ValidationError(_("You are already on this shift.")) from None


DEFAULT_CUTOFF_HOURS = Team._meta.get_field("cancel_cutoff_hours").default


def cutoff_passed(booking: Booking, now: dt.datetime) -> bool:
    hours = (
        booking.shift.team.cancel_cutoff_hours if booking.shift.team_id else DEFAULT_CUTOFF_HOURS
    )
    return now > booking.starts_at - dt.timedelta(hours=hours)


@transaction.atomic
def booking_cancel(*, booking: Booking, by_leader: bool = False, now=None) -> Booking:
    """Cancel before the team's cut-off (a leader may cancel later, e.g. for illness)."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("shift__team")
        .get(pk=booking.pk)
    )
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError(_("Only a booking that has not started can be cancelled."))
    if not by_leader and cutoff_passed(booking, now):
        raise ValidationError(
            _("It is too late to cancel this shift yourself; please ask your team leader.")
        )
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status"])
    return booking


def booking_swap(*, booking: Booking, to_shift: Shift, now=None) -> Booking:
    """Move from one shift to another in one step: both or neither."""
    with transaction.atomic():
        old = booking_cancel(booking=booking, now=now)
        return shift_sign_up(shift=to_shift, volunteer=old.volunteer, now=now)


@transaction.atomic
def check_in(*, booking: Booking, at: dt.datetime) -> Booking:
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError(_("This booking cannot be checked in."))
    early = booking.starts_at - dt.timedelta(hours=1)
    if not (early <= at <= booking.ends_at):
        raise ValidationError(_("Check in from an hour before the shift until it ends."))
    booking.status = Booking.Status.CHECKED_IN
    booking.checked_in_at = at
    booking.save(update_fields=["status", "checked_in_at"])
    return booking


@transaction.atomic
def check_out(*, booking: Booking, at: dt.datetime) -> HoursEntry:
    """Check out and credit the minutes served, once."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Booking.Status.CHECKED_IN:
        raise ValidationError(_("Check in first."))
    # Time past the shift's end (a forgotten check-out) is not credited; a leader can add
    # genuine overtime as an adjustment with a reason.
    credited_until = min(at, booking.ends_at)
    if credited_until > booking.checked_in_at:
        minutes = rostering.minutes_served(booking.checked_in_at, credited_until)
    else:
        minutes = 1
    if at <= booking.checked_in_at:
        raise ValidationError(_("Check-out must come after check-in."))
    booking.status = Booking.Status.DONE
    booking.checked_out_at = at
    booking.save(update_fields=["status", "checked_out_at"])
    entry = HoursEntry(
        volunteer_id=booking.volunteer_id,
        booking=booking,
        kind=HoursEntry.Kind.CREDIT,
        minutes=max(minutes, 1),
        day=timezone.localtime(booking.starts_at).date(),
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def mark_no_show(*, booking: Booking, now=None) -> Booking:
    now = now or timezone.now()
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Booking.Status.BOOKED or booking.starts_at > now:
        raise ValidationError(_("Only a booked volunteer whose shift has begun can be a no-show."))
    booking.status = Booking.Status.NO_SHOW
    booking.save(update_fields=["status"])
    return booking


@transaction.atomic
def hours_adjust(
    *, volunteer: Volunteer, minutes: int, reason: str, day: dt.date, by
) -> HoursEntry:
    """A leader corrects hours; the reason is kept in the history, nothing is overwritten."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for the adjustment.")})
    if minutes == 0:
        raise ValidationError({"minutes": _("An adjustment must change the hours.")})
    entry = HoursEntry(
        volunteer=volunteer,
        kind=HoursEntry.Kind.ADJUSTMENT,
        minutes=minutes,
        day=day,
        reason=reason[:200],
        recorded_by=by,
    )
    entry.full_clean()
    entry.save()
    return entry


def hours_confirm(*, entries, by) -> int:
    """A worker confirms hours; confirmed ones stay confirmed (compare-and-swap)."""
    return HoursEntry.objects.filter(
        pk__in=[e.pk for e in entries], confirmed_at__isnull=True
    ).update(confirmed_by=by, confirmed_at=timezone.now())


@transaction.atomic
def template_expand(*, template: ShiftTemplate) -> int:
    """Create the template's shifts; expanding again creates none twice."""
    spans = rostering.expand(
        first_day=template.first_day,
        last_day=template.last_day,
        weekdays=rostering.parse_weekdays(template.weekdays),
        start_time=template.start_time,
        end_time=template.end_time,
    )
    created = 0
    for starts_at, ends_at in spans:
        _shift, was_created = Shift.objects.get_or_create(
            template=template,
            starts_at=starts_at,
            defaults={
                "team": template.team,
                "community": template.community,
                "title": template.title,
                "place": template.place,
                "ends_at": ends_at,
                "slots": template.slots,
                "skill": template.skill,
                "notes": template.notes,
            },
        )
        created += was_created
    return created
