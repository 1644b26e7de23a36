"""Writes for service hours and adoptions: guarded adjustments, bulk confirmation,
adopting a tree or facility, and logging care visits with a photo."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import uploads
from communities.models import Community
from notifications.services import notification_send
from volunteers import services
from volunteers.models import (
    Adoption,
    Asset,
    Booking,
    CareVisit,
    HoursEntry,
    Membership,
    Shift,
    Team,
    Volunteer,
)


@transaction.atomic
def adjustment_add(
    *, volunteer: Volunteer, minutes: int, reason: str, day: dt.date, by, today=None
) -> HoursEntry:
    """Record an adjustment with its reason; it may not be dated in the future nor take the
    volunteer's total below zero. The volunteer's row is locked so two leaders removing
    hours at once cannot both pass the check."""
    today = today or timezone.localdate()
    if day > today:
        raise ValidationError({"day": _("An adjustment cannot be dated in the future.")})
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if minutes < 0:
        total = volunteer.hours.aggregate(total=Sum("minutes"))["total"] or 0
        if total + minutes < 0:
            raise ValidationError(
                {
                    "hours": _("This would take %(name)s below zero hours (now %(hours).1f hours).")
                    % {"name": volunteer.name, "hours": total / 60}
                }
            )
    return services.hours_adjust(
        volunteer=volunteer, minutes=minutes, reason=reason, day=day, by=by
    )


def hours_confirm_selected(*, community: Community, entry_ids, by) -> int:
    """Confirm the community's listed hours that are still unconfirmed; returns how many
    this call confirmed (hours confirmed by someone else first are left as they are)."""
    entries = HoursEntry.objects.filter(volunteer__community=community, pk__in=list(entry_ids))
    return services.hours_confirm(entries=entries.only("pk"), by=by)


# ---------------------------------------------------------------- adoptions


def current_adoption_q(on: dt.date) -> Q:
    return Q(ends_on__isnull=True) | Q(ends_on__gte=on)


@transaction.atomic
def adoption_create(
    *,
    community: Community,
    starts_on: dt.date,
    asset: Asset | None = None,
    new_asset: dict | None = None,
    team: Team | None = None,
    volunteer: Volunteer | None = None,
) -> Adoption:
    """A team or a volunteer adopts an asset of the community (an existing one, or a new one
    described by ``new_asset``: kind, name, location). One adopter at a time."""
    if (team is None) == (volunteer is None):
        raise ValidationError(_("Choose either a team or a volunteer as the adopter."))
    adopter = team or volunteer
    if adopter.community_id != community.pk:
        raise ValidationError(_("The adopter belongs to another community."))
    if team is not None and team.status != Team.Status.ACTIVE:
        raise ValidationError({"team": _("This team is not active.")})
    if volunteer is not None and volunteer.status != Volunteer.Status.ACTIVE:
        raise ValidationError({"volunteer": _("This volunteer is not active.")})
    if (asset is None) == (not new_asset):
        raise ValidationError(_("Choose an asset, or describe a new one."))
    if asset is None:
        asset = Asset(community=community, **new_asset)
        asset.name = (asset.name or "").strip()
        if Asset.objects.filter(community=community, name=asset.name).exists():
            raise ValidationError(
                {"name": _("The community already has an asset of that name; choose it.")}
            )
        asset.full_clean()
        asset.save()
    else:
        # Locking the asset makes two adoptions of it at the same moment take turns.
        asset = Asset.objects.select_for_update().get(pk=asset.pk)
        if asset.community_id != community.pk:
            raise ValidationError(_("This asset belongs to another community."))
        if asset.adoptions.filter(current_adoption_q(starts_on)).exists():
            raise ValidationError({"asset": _("Someone has already adopted this.")})
    adoption = Adoption(asset=asset, team=team, volunteer=volunteer, starts_on=starts_on)
    adoption.full_clean()
    adoption.save()
    return adoption


def validate_photo(photo) -> str:
    """Accept a real JPG or PNG image of at most 5 MB; return its file extension."""
    kind = uploads.check_photo(photo, field="photo", not_real=uploads.PHOTO_WRONG_KIND)
    return uploads.EXTENSION_OF[kind]


@transaction.atomic
def care_visit_add(
    *, adoption: Adoption, day: dt.date, note: str, by, photo=None, today=None
) -> CareVisit:
    """Log a care visit (watering, pruning, cleaning …) of an adopted asset."""
    today = today or timezone.localdate()
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    if day > today:
        raise ValidationError({"day": _("A visit cannot be in the future.")})
    if day < adoption.starts_on or (adoption.ends_on and day > adoption.ends_on):
        raise ValidationError({"day": _("The day is outside the adoption.")})
    visit = CareVisit(adoption=adoption, day=day, note=note[:200], by=by)
    if photo:
        extension = validate_photo(photo)
        # A stored name never reuses what the uploader typed.
        photo.name = f"visit-{adoption.pk}-{timezone.now():%Y%m%d%H%M%S}.{extension}"
        visit.photo = photo
    visit.full_clean()
    visit.save()
    return visit


# ---------------------------------------------------------------- scheduled notices

LEADING_ROLES = (Membership.Role.LEADER, Membership.Role.DEPUTY)


def _leaders_of(team_id: int) -> list:
    """Accounts of the team's approved leaders and deputies."""
    memberships = Membership.objects.filter(
        team_id=team_id,
        role__in=LEADING_ROLES,
        status=Membership.Status.APPROVED,
        volunteer__user__isnull=False,
    ).select_related("volunteer__user")
    return [m.volunteer.user for m in memberships]


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def booking_remind(*, booking_id: int, now: dt.datetime) -> bool:
    """Remind the volunteer of one booked shift, once: whoever first stamps ``reminded_at``
    (compare-and-swap) sends the notice; a second run or a parallel worker finds it taken."""
    with transaction.atomic():
        claimed = Booking.objects.filter(
            pk=booking_id, reminded_at__isnull=True, status=Booking.Status.BOOKED
        ).update(reminded_at=now)
        if not claimed:
            return False
        booking = Booking.objects.select_related("shift__community", "volunteer__user").get(
            pk=booking_id
        )
        user = booking.volunteer.user
        if user is None:
            return False
        shift = booking.shift
        start = timezone.localtime(shift.starts_at)
        end = timezone.localtime(shift.ends_at)
        notification_send(
            recipient=user,
            title=_("Reminder: %(title)s on %(when)s")
            % {"title": shift.title, "when": f"{start:%m-%d %H:%M}"},
            body=_("Your shift “%(title)s” is on %(day)s from %(start)s to %(end)s at %(place)s.")
            % {
                "title": shift.title,
                "day": f"{start:%Y-%m-%d}",
                "start": f"{start:%H:%M}",
                "end": f"{end:%H:%M}",
                "place": shift.place,
            },
            url=reverse("volunteers:my_shifts", args=[shift.community.code]),
            dedupe_key=f"shift-reminder-{booking.pk}",
        )
        return True


def unfilled_shifts_on(day: dt.date):
    """Shifts of active teams starting on ``day`` (Beijing) with open places, each annotated
    with ``taken``; one query."""
    start, end = _day_bounds(day)
    return (
        Shift.objects.filter(
            team__isnull=False,
            team__status=Team.Status.ACTIVE,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .annotate(taken=Count("bookings", filter=Q(bookings__status__in=Booking.LIVE)))
        .filter(taken__lt=F("slots"))
        .order_by("starts_at", "pk")
    )


def unfilled_alert_send(*, team_id: int, day: dt.date) -> int:
    """Tell the team's leaders which of the team's shifts on ``day`` still need volunteers;
    once per leader, team and day (the dedupe key decides). Returns notices sent."""
    shifts = list(unfilled_shifts_on(day).filter(team_id=team_id).select_related("community"))
    if not shifts:
        return 0
    team = Team.objects.select_related("community").get(pk=team_id)
    lines = [
        _("%(time)s %(title)s (%(place)s): %(taken)d of %(slots)d places taken")
        % {
            "time": f"{timezone.localtime(s.starts_at):%H:%M}",
            "title": s.title,
            "place": s.place,
            "taken": s.taken,
            "slots": s.slots,
        }
        for s in shifts
    ]
    url = reverse("volunteers:shift_list", args=[team.community.code])
    sent = 0
    with transaction.atomic():
        for user in _leaders_of(team_id):
            notice = notification_send(
                recipient=user,
                title=_("%(team)s: %(n)d shifts on %(day)s still need volunteers")
                % {"team": team.name, "n": len(shifts), "day": f"{day:%m-%d}"},
                body="\n".join(lines),
                url=url,
                dedupe_key=f"unfilled-shifts-team-{team_id}-{day:%Y%m%d}",
            )
            sent += notice is not None
    return sent


def team_month_hours(*, team_id: int, month: dt.date) -> dict:
    """Hours credited from the team's shifts in the month: total, volunteers, and the five
    who served longest (two queries)."""
    period = Q(
        booking__shift__team_id=team_id,
        day__gte=month,
        day__lt=(month + dt.timedelta(days=32)).replace(day=1),
    )
    entries = HoursEntry.objects.filter(period)
    totals = entries.aggregate(
        total=Coalesce(Sum("minutes"), 0),
        volunteers=Count("volunteer", distinct=True),
        shifts=Count("booking__shift", distinct=True),
    )
    totals["minutes"] = totals.pop("total")
    totals["top"] = [
        {"volunteer__name": row["volunteer__name"], "minutes": row["total"]}
        for row in entries.values("volunteer__name")
        .annotate(total=Sum("minutes"))
        .order_by("-total", "volunteer__name")[:5]
    ]
    return totals


def hours_summary_send(*, team_id: int, month: dt.date) -> int:
    """Send the team's leaders the hours summary of ``month`` (its first day), once per
    leader, team and month. Returns notices sent."""
    team = Team.objects.select_related("community").get(pk=team_id)
    totals = team_month_hours(team_id=team_id, month=month)
    label = f"{month:%Y-%m}"
    lines = [
        _("%(hours).1f hours by %(volunteers)d volunteers on %(shifts)d shifts.")
        % {
            "hours": totals["minutes"] / 60,
            "volunteers": totals["volunteers"],
            "shifts": totals["shifts"],
        }
    ]
    lines += [f"{row['volunteer__name']}: {row['minutes'] / 60:.1f}" for row in totals["top"]]
    url = (
        reverse("volunteers:hours", args=[team.community.code])
        + "?"
        + urlencode({"year": month.year, "month": month.month, "team": team.pk})
    )
    sent = 0
    with transaction.atomic():
        for user in _leaders_of(team_id):
            notice = notification_send(
                recipient=user,
                title=_("%(team)s: service hours in %(month)s")
                % {"team": team.name, "month": label},
                body="\n".join(lines),
                url=url,
                dedupe_key=f"hours-summary-team-{team_id}-{label}",
            )
            sent += notice is not None
    return sent
