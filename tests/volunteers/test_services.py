"""Volunteer services: sign-up rules, cancelling and swapping, check-in and out, service
hours, recurring duties, database constraints, and sign-ups at the same moment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import translation

from tests.volunteers.factories import (
    AdoptionFactory,
    AssetFactory,
    BookingFactory,
    HoursEntryFactory,
    ShiftFactory,
    ShiftTemplateFactory,
    SkillFactory,
    TeamFactory,
    VolunteerFactory,
    beijing,
)
from volunteers import services
from volunteers.models import Adoption, Booking, HoursEntry, Shift

# "Now" in these tests: a month before the default shift (1 June 2030, 08:00–10:00).
NOW = beijing(2030, 5, 1, 12)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English (the site speaks Chinese by default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def team(world):
    return TeamFactory(community=world.community_a, cancel_cutoff_hours=12)


@pytest.fixture
def volunteer(world):
    return VolunteerFactory(community=world.community_a)


@pytest.fixture
def shift(team):
    return ShiftFactory(team=team, slots=3)


def sign_up(shift, volunteer, now=NOW, **kwargs):
    return services.shift_sign_up(shift=shift, volunteer=volunteer, now=now, **kwargs)


def live_bookings(**filters):
    return Booking.objects.filter(status__in=Booking.LIVE, **filters)


# Signing up -------------------------------------------------------------------------------


def test_sign_up_books_the_volunteer_with_the_shift_times(shift, volunteer, world):
    leader = world.users["worker_a"]
    booking = sign_up(shift, volunteer, by=leader)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    assert (booking.shift_id, booking.volunteer_id) == (shift.pk, volunteer.pk)
    assert (booking.starts_at, booking.ends_at) == (shift.starts_at, shift.ends_at)
    assert booking.assigned_by == leader


def test_full_shift_refuses_another_volunteer(team):
    shift = ShiftFactory(team=team, slots=2)
    for _ in range(2):
        sign_up(shift, VolunteerFactory(community=team.community))
    late = VolunteerFactory(community=team.community)
    with pytest.raises(ValidationError, match="full"):
        sign_up(shift, late)
    assert live_bookings(shift=shift).count() == 2
    assert not Booking.objects.filter(volunteer=late).exists()


def test_signing_up_twice_for_the_same_shift_is_refused(shift, volunteer):
    sign_up(shift, volunteer)
    with pytest.raises(ValidationError):
        sign_up(shift, volunteer)
    assert live_bookings(volunteer=volunteer).count() == 1


def test_overlapping_shift_is_refused(team, volunteer):
    first = ShiftFactory(
        team=team, starts_at=beijing(2030, 6, 1, 8), ends_at=beijing(2030, 6, 1, 10)
    )
    second = ShiftFactory(
        team=team, starts_at=beijing(2030, 6, 1, 9), ends_at=beijing(2030, 6, 1, 11)
    )
    sign_up(first, volunteer)
    with pytest.raises(ValidationError, match=first.title):
        sign_up(second, volunteer)
    assert list(live_bookings(volunteer=volunteer).values_list("shift", flat=True)) == [first.pk]


def test_shift_inside_a_booked_one_is_refused(team, volunteer):
    long = ShiftFactory(
        team=team, starts_at=beijing(2030, 6, 1, 8), ends_at=beijing(2030, 6, 1, 18)
    )
    short = ShiftFactory(
        team=team, starts_at=beijing(2030, 6, 1, 12), ends_at=beijing(2030, 6, 1, 13)
    )
    sign_up(short, volunteer)
    with pytest.raises(ValidationError):
        sign_up(long, volunteer)


def test_overnight_shift_clashes_with_next_morning_shift(team, volunteer):
    night = ShiftFactory(
        team=team, starts_at=beijing(2030, 12, 31, 22), ends_at=beijing(2031, 1, 1, 6)
    )
    early = ShiftFactory(
        team=team, starts_at=beijing(2031, 1, 1, 5), ends_at=beijing(2031, 1, 1, 7)
    )
    sign_up(night, volunteer)
    with pytest.raises(ValidationError):
        sign_up(early, volunteer)
    assert live_bookings(volunteer=volunteer).count() == 1


def test_touching_shifts_are_allowed(team, volunteer):
    night = ShiftFactory(
        team=team, starts_at=beijing(2030, 12, 31, 22), ends_at=beijing(2031, 1, 1, 6)
    )
    morning = ShiftFactory(
        team=team, starts_at=beijing(2031, 1, 1, 6), ends_at=beijing(2031, 1, 1, 8)
    )
    evening = ShiftFactory(
        team=team, starts_at=beijing(2030, 12, 31, 20), ends_at=beijing(2030, 12, 31, 22)
    )
    for shift in (night, morning, evening):
        sign_up(shift, volunteer)
    assert live_bookings(volunteer=volunteer).count() == 3


def test_cancelled_booking_does_not_block_an_overlapping_shift(team, volunteer):
    first = ShiftFactory(
        team=team, starts_at=beijing(2030, 6, 1, 8), ends_at=beijing(2030, 6, 1, 10)
    )
    second = ShiftFactory(
        team=team, starts_at=beijing(2030, 6, 1, 9), ends_at=beijing(2030, 6, 1, 11)
    )
    services.booking_cancel(booking=sign_up(first, volunteer), now=NOW)
    sign_up(second, volunteer)
    assert list(live_bookings(volunteer=volunteer).values_list("shift", flat=True)) == [second.pk]


def test_shift_needing_a_skill_refuses_a_volunteer_without_it(team):
    first_aid = SkillFactory(name="急救")
    shift = ShiftFactory(team=team, skill=first_aid)
    without = VolunteerFactory(community=team.community, skills=[SkillFactory(name="驾驶")])
    with pytest.raises(ValidationError, match="急救"):
        sign_up(shift, without)
    with_skill = VolunteerFactory(community=team.community, skills=[first_aid])
    sign_up(shift, with_skill)
    assert list(live_bookings(shift=shift).values_list("volunteer", flat=True)) == [with_skill.pk]


def test_inactive_volunteer_cannot_sign_up(shift, world):
    inactive = VolunteerFactory(community=world.community_a, status="inactive")
    with pytest.raises(ValidationError, match="not active"):
        sign_up(shift, inactive)
    assert not Booking.objects.exists()


def test_volunteer_of_another_community_cannot_sign_up(shift, world):
    outsider = VolunteerFactory(community=world.community_b)
    with pytest.raises(ValidationError, match="another community"):
        sign_up(shift, outsider)
    assert not Booking.objects.exists()


def test_shift_that_has_started_cannot_be_signed_up_for(shift, volunteer):
    with pytest.raises(ValidationError, match="started"):
        sign_up(shift, volunteer, now=shift.starts_at)
    with pytest.raises(ValidationError, match="started"):
        sign_up(shift, volunteer, now=shift.starts_at + MINUTE)
    assert not Booking.objects.exists()
    sign_up(shift, volunteer, now=shift.starts_at - MINUTE)
    assert live_bookings(volunteer=volunteer).count() == 1


# Cancelling and swapping ------------------------------------------------------------------


def test_volunteer_can_cancel_before_the_team_cut_off(team, volunteer):
    team.cancel_cutoff_hours = 24
    team.save()
    shift = ShiftFactory(team=team)
    booking = sign_up(shift, volunteer)
    services.booking_cancel(booking=booking, now=shift.starts_at - 24 * HOUR - MINUTE)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_volunteer_cannot_cancel_after_the_team_cut_off(team, volunteer):
    team.cancel_cutoff_hours = 24
    team.save()
    shift = ShiftFactory(team=team)
    booking = sign_up(shift, volunteer)
    # 20 hours before: inside the default 12 h would be fine, but this team asks for 24.
    with pytest.raises(ValidationError, match="too late"):
        services.booking_cancel(booking=booking, now=shift.starts_at - 20 * HOUR)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_team_with_a_short_cut_off_allows_late_cancelling(team, volunteer):
    team.cancel_cutoff_hours = 2
    team.save()
    shift = ShiftFactory(team=team)
    booking = sign_up(shift, volunteer)
    services.booking_cancel(booking=booking, now=shift.starts_at - 3 * HOUR)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_leader_can_cancel_after_the_cut_off(shift, volunteer):
    booking = sign_up(shift, volunteer)
    services.booking_cancel(booking=booking, by_leader=True, now=shift.starts_at - 30 * MINUTE)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_checked_in_booking_cannot_be_cancelled(shift, volunteer):
    booking = sign_up(shift, volunteer)
    services.check_in(booking=booking, at=shift.starts_at)
    with pytest.raises(ValidationError):
        services.booking_cancel(booking=booking, by_leader=True, now=shift.starts_at)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN


def test_cancelled_booking_frees_the_slot_and_allows_signing_up_again(team):
    shift = ShiftFactory(team=team, slots=1)
    first = VolunteerFactory(community=team.community)
    second = VolunteerFactory(community=team.community)
    booking = sign_up(shift, first)
    with pytest.raises(ValidationError, match="full"):
        sign_up(shift, second)
    services.booking_cancel(booking=booking, now=NOW)
    sign_up(shift, second)
    services.booking_cancel(booking=Booking.objects.get(volunteer=second), now=NOW)
    again = sign_up(shift, first)  # the same volunteer again, after cancelling
    assert again.pk != booking.pk
    assert list(live_bookings(shift=shift).values_list("volunteer", flat=True)) == [first.pk]
    assert Booking.objects.filter(shift=shift, status="cancelled").count() == 2


def test_swap_moves_the_booking(team, volunteer):
    old_shift = ShiftFactory(team=team)
    new_shift = ShiftFactory(team=team, starts_at=beijing(2030, 6, 2, 8))
    old = sign_up(old_shift, volunteer)
    new = services.booking_swap(booking=old, to_shift=new_shift, now=NOW)
    old.refresh_from_db()
    assert old.status == Booking.Status.CANCELLED
    assert new.shift_id == new_shift.pk and new.status == Booking.Status.BOOKED
    assert list(live_bookings(volunteer=volunteer).values_list("shift", flat=True)) == [
        new_shift.pk
    ]


def test_swap_to_an_overlapping_shift_is_allowed(team, volunteer):
    old_shift = ShiftFactory(team=team, starts_at=beijing(2030, 6, 1, 8))
    new_shift = ShiftFactory(team=team, starts_at=beijing(2030, 6, 1, 9))
    old = sign_up(old_shift, volunteer)
    services.booking_swap(booking=old, to_shift=new_shift, now=NOW)
    assert list(live_bookings(volunteer=volunteer).values_list("shift", flat=True)) == [
        new_shift.pk
    ]


def test_swap_to_a_full_shift_keeps_the_old_booking(team, volunteer):
    old_shift = ShiftFactory(team=team)
    full_shift = ShiftFactory(team=team, starts_at=beijing(2030, 6, 2, 8), slots=1)
    sign_up(full_shift, VolunteerFactory(community=team.community))
    old = sign_up(old_shift, volunteer)
    with pytest.raises(ValidationError, match="full"):
        services.booking_swap(booking=old, to_shift=full_shift, now=NOW)
    old.refresh_from_db()
    assert old.status == Booking.Status.BOOKED
    assert not Booking.objects.filter(volunteer=volunteer, shift=full_shift).exists()
    assert live_bookings(shift=full_shift).count() == 1


def test_swap_after_the_cut_off_is_refused(team, volunteer):
    old_shift = ShiftFactory(team=team)
    new_shift = ShiftFactory(team=team, starts_at=beijing(2030, 6, 2, 8))
    old = sign_up(old_shift, volunteer)
    with pytest.raises(ValidationError, match="too late"):
        services.booking_swap(booking=old, to_shift=new_shift, now=old_shift.starts_at - HOUR)
    old.refresh_from_db()
    assert old.status == Booking.Status.BOOKED
    assert not Booking.objects.filter(shift=new_shift).exists()


# Check-in, check-out, no-shows ------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "ok"),
    [
        (-61 * MINUTE, False),
        (-60 * MINUTE, True),
        (dt.timedelta(0), True),
        (2 * HOUR, True),  # the end of the two-hour shift
        (2 * HOUR + MINUTE, False),
    ],
)
def test_check_in_window(shift, volunteer, offset, ok):
    booking = BookingFactory(shift=shift, volunteer=volunteer)
    at = shift.starts_at + offset
    if ok:
        services.check_in(booking=booking, at=at)
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CHECKED_IN
        assert booking.checked_in_at == at
    else:
        with pytest.raises(ValidationError, match="hour before"):
            services.check_in(booking=booking, at=at)
        booking.refresh_from_db()
        assert booking.status == Booking.Status.BOOKED
        assert booking.checked_in_at is None


def test_cancelled_booking_cannot_check_in(shift, volunteer):
    booking = BookingFactory(shift=shift, volunteer=volunteer, status="cancelled")
    with pytest.raises(ValidationError):
        services.check_in(booking=booking, at=shift.starts_at)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.checked_in_at is None


def test_check_out_of_an_overnight_shift_credits_480_minutes_once(team, volunteer):
    night = ShiftFactory(
        team=team, starts_at=beijing(2030, 12, 31, 22), ends_at=beijing(2031, 1, 1, 6)
    )
    booking = BookingFactory(shift=night, volunteer=volunteer)
    services.check_in(booking=booking, at=night.starts_at)
    entry = services.check_out(booking=booking, at=night.ends_at)
    entry.refresh_from_db()
    assert entry.minutes == 480
    assert entry.kind == HoursEntry.Kind.CREDIT
    assert entry.booking_id == booking.pk and entry.volunteer_id == volunteer.pk
    assert entry.day == dt.date(2030, 12, 31)  # the day the shift began, in Beijing
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DONE
    assert booking.checked_out_at == night.ends_at

    with pytest.raises(ValidationError):
        services.check_out(booking=booking, at=night.ends_at + HOUR)
    assert HoursEntry.objects.filter(volunteer=volunteer).count() == 1
    assert HoursEntry.objects.get(volunteer=volunteer).minutes == 480


def test_check_out_credits_the_minutes_actually_served(shift, volunteer):
    booking = BookingFactory(shift=shift, volunteer=volunteer)
    services.check_in(booking=booking, at=shift.starts_at + 10 * MINUTE)
    entry = services.check_out(booking=booking, at=shift.starts_at + 95 * MINUTE)
    assert entry.minutes == 85


def test_check_out_without_check_in_is_refused(shift, volunteer):
    booking = BookingFactory(shift=shift, volunteer=volunteer)
    with pytest.raises(ValidationError, match="Check in first"):
        services.check_out(booking=booking, at=shift.ends_at)
    assert not HoursEntry.objects.exists()


def test_check_out_before_check_in_is_refused_and_credits_nothing(shift, volunteer):
    booking = BookingFactory(shift=shift, volunteer=volunteer)
    services.check_in(booking=booking, at=shift.starts_at)
    with pytest.raises(ValidationError):
        services.check_out(booking=booking, at=shift.starts_at - MINUTE)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN
    assert not HoursEntry.objects.exists()


def test_no_show_only_once_the_shift_has_begun(shift, volunteer):
    booking = BookingFactory(shift=shift, volunteer=volunteer)
    with pytest.raises(ValidationError):
        services.mark_no_show(booking=booking, now=shift.starts_at - MINUTE)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    services.mark_no_show(booking=booking, now=shift.starts_at + MINUTE)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW


def test_checked_in_volunteer_is_not_a_no_show(shift, volunteer):
    booking = BookingFactory(shift=shift, volunteer=volunteer)
    services.check_in(booking=booking, at=shift.starts_at)
    with pytest.raises(ValidationError):
        services.mark_no_show(booking=booking, now=shift.ends_at)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN


# Service hours ----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_adjustment_needs_a_reason(volunteer, world, reason):
    with pytest.raises(ValidationError) as caught:
        services.hours_adjust(
            volunteer=volunteer,
            minutes=30,
            reason=reason,
            day=dt.date(2030, 6, 1),
            by=world.users["worker_a"],
        )
    assert "reason" in caught.value.message_dict
    assert not HoursEntry.objects.exists()


def test_adjustment_must_change_the_hours(volunteer, world):
    with pytest.raises(ValidationError) as caught:
        services.hours_adjust(
            volunteer=volunteer,
            minutes=0,
            reason="多记了",
            day=dt.date(2030, 6, 1),
            by=world.users["worker_a"],
        )
    assert "minutes" in caught.value.message_dict
    assert not HoursEntry.objects.exists()


def test_negative_adjustment_is_recorded_with_its_reason(volunteer, world):
    worker = world.users["worker_a"]
    entry = services.hours_adjust(
        volunteer=volunteer, minutes=-45, reason="  重复登记  ", day=dt.date(2030, 6, 1), by=worker
    )
    entry.refresh_from_db()
    assert entry.minutes == -45
    assert entry.kind == HoursEntry.Kind.ADJUSTMENT
    assert entry.reason == "重复登记"
    assert entry.recorded_by == worker
    assert entry.booking is None


def test_total_hours_are_the_sum_of_credits_and_adjustments(team, volunteer, world):
    worker = world.users["worker_a"]
    night = ShiftFactory(
        team=team, starts_at=beijing(2030, 12, 31, 22), ends_at=beijing(2031, 1, 1, 6)
    )
    booking = BookingFactory(shift=night, volunteer=volunteer)
    services.check_in(booking=booking, at=night.starts_at)
    services.check_out(booking=booking, at=night.ends_at)
    day = dt.date(2031, 1, 1)
    services.hours_adjust(volunteer=volunteer, minutes=30, reason="提前到岗", day=day, by=worker)
    services.hours_adjust(volunteer=volunteer, minutes=-45, reason="中途离开", day=day, by=worker)
    other = VolunteerFactory(community=team.community)
    services.hours_adjust(volunteer=other, minutes=600, reason="别人的", day=day, by=worker)

    total = volunteer.hours.aggregate(total=Sum("minutes"))["total"]
    assert total == 480 + 30 - 45
    assert volunteer.hours.count() == 3


def test_confirming_hours_twice_confirms_nothing_the_second_time(volunteer, world):
    entries = [HoursEntryFactory(volunteer=volunteer) for _ in range(2)]
    first, second = world.users["worker_a"], world.users["secretary_a"]
    assert services.hours_confirm(entries=entries, by=first) == 2
    stamps = {e.pk: e.confirmed_at for e in HoursEntry.objects.all()}
    assert services.hours_confirm(entries=entries, by=second) == 0
    for entry in HoursEntry.objects.all():
        assert entry.confirmed_by == first
        assert entry.confirmed_at == stamps[entry.pk]


def test_confirming_a_mix_confirms_only_the_unconfirmed(volunteer, world):
    old = HoursEntryFactory(volunteer=volunteer)
    services.hours_confirm(entries=[old], by=world.users["worker_a"])
    new = HoursEntryFactory(volunteer=volunteer)
    assert services.hours_confirm(entries=[old, new], by=world.users["secretary_a"]) == 1
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.confirmed_by == world.users["secretary_a"]
    assert old.confirmed_by == world.users["worker_a"]


# Recurring duties -------------------------------------------------------------------------


def test_template_expand_twice_creates_no_duplicate_shifts(team):
    template = ShiftTemplateFactory(
        team=team,
        weekdays="1，3,5",
        first_day=dt.date(2030, 1, 28),  # a Monday
        last_day=dt.date(2030, 2, 8),
        start_time=dt.time(22),
        end_time=dt.time(6),
        slots=4,
    )
    assert services.template_expand(template=template) == 6
    assert services.template_expand(template=template) == 0
    shifts = list(Shift.objects.filter(template=template))
    assert len(shifts) == 6
    assert len({s.starts_at for s in shifts}) == 6
    first = shifts[0]
    assert (first.starts_at, first.ends_at) == (beijing(2030, 1, 28, 22), beijing(2030, 1, 29, 6))
    assert all(s.slots == 4 and s.community_id == team.community_id for s in shifts)


def test_template_expand_after_extending_adds_only_the_new_days(team):
    template = ShiftTemplateFactory(
        team=team, first_day=dt.date(2030, 12, 30), last_day=dt.date(2030, 12, 31)
    )
    assert services.template_expand(template=template) == 2
    template.last_day = dt.date(2031, 1, 2)
    template.save()
    assert services.template_expand(template=template) == 2
    assert Shift.objects.filter(template=template).count() == 4


# Database constraints ---------------------------------------------------------------------


def test_adjustment_without_a_reason_violates_the_check_constraint(volunteer):
    with (
        pytest.raises(IntegrityError, match="hours_credit_or_reasoned_adjustment"),
        transaction.atomic(),
    ):
        HoursEntry.objects.create(
            volunteer=volunteer, kind="adjustment", minutes=30, day=dt.date(2030, 6, 1)
        )
    assert not HoursEntry.objects.exists()


def test_credit_without_a_booking_violates_the_check_constraint(volunteer):
    with (
        pytest.raises(IntegrityError, match="hours_credit_or_reasoned_adjustment"),
        transaction.atomic(),
    ):
        HoursEntry.objects.create(
            volunteer=volunteer, kind="credit", minutes=30, day=dt.date(2030, 6, 1)
        )


def test_adoption_by_both_a_team_and_a_volunteer_violates_the_constraint(team, volunteer):
    asset = AssetFactory(community=team.community)
    with pytest.raises(IntegrityError, match="adopted_by_team_or_volunteer"), transaction.atomic():
        Adoption.objects.create(
            asset=asset, team=team, volunteer=volunteer, starts_on=dt.date(2030, 3, 12)
        )
    with pytest.raises(IntegrityError, match="adopted_by_team_or_volunteer"), transaction.atomic():
        Adoption.objects.create(asset=asset, starts_on=dt.date(2030, 3, 12))
    AdoptionFactory(asset=asset, team=team)
    AdoptionFactory(asset=asset, team=None, volunteer=volunteer)
    assert Adoption.objects.filter(asset=asset).count() == 2


def test_second_live_booking_for_one_volunteer_and_shift_violates_the_constraint(shift, volunteer):
    BookingFactory(shift=shift, volunteer=volunteer, status="cancelled")
    BookingFactory(shift=shift, volunteer=volunteer)
    with (
        pytest.raises(IntegrityError, match="one_live_booking_per_volunteer_and_shift"),
        transaction.atomic(),
    ):
        BookingFactory(shift=shift, volunteer=volunteer, status="done")


def test_check_out_before_check_in_violates_the_constraint(shift, volunteer):
    with pytest.raises(IntegrityError, match="checkout_after_checkin"), transaction.atomic():
        BookingFactory(
            shift=shift,
            volunteer=volunteer,
            checked_in_at=shift.starts_at,
            checked_out_at=shift.starts_at,
        )


# Concurrency on PostgreSQL ----------------------------------------------------------------


def run_at_once(calls):
    """Run the calls in threads released together by a barrier; return the sorted outcomes
    ("ok" or "refused"). Any other exception (a deadlock, an IntegrityError) is re-raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
            result = "ok"
        except ValidationError:
            result = "refused"
        except Exception as exc:
            result = "error"
            with lock:
                errors.append(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    if errors:
        raise errors[0]
    return sorted(outcomes)


def signing_up(shift, volunteer):
    return lambda: services.shift_sign_up(shift=shift, volunteer=volunteer, now=NOW)


@pytest.mark.django_db(transaction=True)
def test_ten_volunteers_at_once_fill_three_slots_exactly():
    assert connection.vendor == "postgresql"
    shift = ShiftFactory(slots=3)
    volunteers = VolunteerFactory.create_batch(10, community=shift.community)
    outcomes = run_at_once([signing_up(shift, v) for v in volunteers])
    assert outcomes == ["ok"] * 3 + ["refused"] * 7
    assert live_bookings(shift=shift).count() == 3


@pytest.mark.django_db(transaction=True)
def test_one_volunteer_on_two_overlapping_shifts_at_once_gets_one():
    assert connection.vendor == "postgresql"
    team = TeamFactory()
    first = ShiftFactory(team=team, starts_at=beijing(2030, 6, 1, 8), slots=5)
    second = ShiftFactory(team=team, starts_at=beijing(2030, 6, 1, 9), slots=5)
    volunteer = VolunteerFactory(community=team.community)
    calls = [signing_up(first, volunteer), signing_up(second, volunteer)] * 3
    outcomes = run_at_once(calls)
    assert outcomes == ["ok"] + ["refused"] * 5
    assert live_bookings(volunteer=volunteer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_volunteer_signing_up_five_times_at_once_gets_one_booking():
    assert connection.vendor == "postgresql"
    shift = ShiftFactory(slots=10)
    volunteer = VolunteerFactory(community=shift.community)
    outcomes = run_at_once([signing_up(shift, volunteer)] * 5)
    assert outcomes == ["ok"] + ["refused"] * 4
    assert live_bookings(shift=shift, volunteer=volunteer).count() == 1


def test_a_volunteer_from_outside_the_community_reaches_their_shifts(client, world):
    from django.urls import reverse

    from tests.factories import UserFactory
    from tests.volunteers.factories import VolunteerFactory

    outsider = UserFactory(display_name="邻小区的志愿者")
    VolunteerFactory(community=world.community_a, user=outsider, resident=None, name="邻居")
    client.force_login(outsider)
    assert client.get(reverse("volunteers:my_shifts", args=["a"])).status_code == 200
    # …but no other community's pages, and no office pages.
    assert client.get(reverse("volunteers:my_shifts", args=["b"])).status_code == 404
    assert client.get(reverse("communities:dashboard", args=["a"])).status_code == 403
