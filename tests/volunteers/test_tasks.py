"""Scheduled volunteer work, under frozen Beijing time and run twice in a row: shift
reminders once per booking, tomorrow's unfilled shifts once per team and day, last month's
hours once per team and month; the schedule entries; and the demo seed run twice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from communities.models import Community, Resident
from config.celery import app
from config.schedule import SCHEDULE
from governance.models import Organisation
from notifications.models import Notification
from tests.factories import (
    BuildingFactory,
    EntranceFactory,
    HouseholdFactory,
    ResidentFactory,
    UserFactory,
)
from tests.volunteers.factories import (
    BookingFactory,
    MembershipFactory,
    ShiftFactory,
    TeamFactory,
    VolunteerFactory,
    beijing,
)
from volunteers import hour_services, services, tasks
from volunteers.models import (
    Adoption,
    Asset,
    Booking,
    CareVisit,
    HoursEntry,
    Membership,
    Shift,
    ShiftTemplate,
    Team,
    Volunteer,
)


def at(*args):
    return time_machine.travel(beijing(*args), tick=False)


def keys(user=None, prefix=""):
    notices = Notification.objects.filter(dedupe_key__startswith=prefix)
    if user is not None:
        notices = notices.filter(recipient=user)
    return sorted(notices.values_list("dedupe_key", flat=True))


def volunteer_with_account(community, name):
    user = UserFactory(display_name=name)
    return user, VolunteerFactory(community=community, user=user, name=name)


@pytest.fixture
def team(world):
    """A patrol team of community A with a leader and a deputy, both with accounts."""
    team = TeamFactory(community=world.community_a, name="巡逻志愿队")
    leader_user, leader = volunteer_with_account(world.community_a, "队长")
    deputy_user, deputy = volunteer_with_account(world.community_a, "副队长")
    MembershipFactory(team=team, volunteer=leader, role=Membership.Role.LEADER)
    MembershipFactory(team=team, volunteer=deputy, role=Membership.Role.DEPUTY)
    # A leader whose membership was never approved is told nothing.
    pending_user, pending = volunteer_with_account(world.community_a, "待批准")
    MembershipFactory(
        team=team,
        volunteer=pending,
        role=Membership.Role.LEADER,
        status=Membership.Status.REQUESTED,
    )
    team.leader_user, team.deputy_user, team.pending_user = leader_user, deputy_user, pending_user
    return team


# ---------------------------------------------------------------- shift reminders


def test_each_booking_is_reminded_once_within_24_hours_before_its_shift(world, team):
    user, volunteer = volunteer_with_account(world.community_a, "志愿者甲")
    soon = ShiftFactory(team=team, starts_at=beijing(2030, 6, 2, 8))
    later = ShiftFactory(team=team, starts_at=beijing(2030, 6, 3, 8))
    first = BookingFactory(shift=soon, volunteer=volunteer)
    second = BookingFactory(shift=later, volunteer=volunteer)
    cancelled = BookingFactory(
        shift=soon, volunteer=VolunteerFactory(community=world.community_a), status="cancelled"
    )
    no_account = BookingFactory(shift=soon, volunteer=VolunteerFactory(community=world.community_a))
    with at(2030, 6, 1, 9):  # 23 hours before the first shift, 47 before the second
        assert tasks.send_shift_reminders.delay().get() == 1
        assert tasks.send_shift_reminders.delay().get() == 0
    assert keys(user) == [f"shift-reminder-{first.pk}"]
    first.refresh_from_db()
    assert first.reminded_at == beijing(2030, 6, 1, 9)
    with at(2030, 6, 2, 8, 30):  # the first shift has begun; the second is 23.5 hours away
        assert tasks.send_shift_reminders.delay().get() == 1
        assert tasks.send_shift_reminders.delay().get() == 0
    assert keys(user) == sorted([f"shift-reminder-{first.pk}", f"shift-reminder-{second.pk}"])
    for booking in (cancelled, no_account):
        booking.refresh_from_db()
        assert booking.reminded_at is None
    assert Notification.objects.count() == 2


def test_two_workers_reminding_the_same_booking_send_one_notice(world, team):
    user, volunteer = volunteer_with_account(world.community_a, "志愿者乙")
    booking = BookingFactory(shift=ShiftFactory(team=team), volunteer=volunteer)
    now = timezone.now()
    # Both picked the booking as due; the compare-and-swap lets only the first one send.
    assert hour_services.booking_remind(booking_id=booking.pk, now=now) is True
    assert hour_services.booking_remind(booking_id=booking.pk, now=now) is False
    assert Notification.objects.filter(recipient=user).count() == 1


def test_a_shift_signed_up_for_late_is_still_reminded(world, team):
    user, volunteer = volunteer_with_account(world.community_a, "志愿者丙")
    shift = ShiftFactory(team=team, starts_at=beijing(2030, 6, 2, 8))
    with at(2030, 6, 2, 6):
        services.shift_sign_up(shift=shift, volunteer=volunteer)
        assert tasks.send_shift_reminders.delay().get() == 1
    assert len(keys(user, "shift-reminder-")) == 1


# ---------------------------------------------------------------- unfilled shifts


def test_tomorrows_unfilled_shifts_are_reported_once_per_team_and_day(world, team):
    short = ShiftFactory(team=team, starts_at=beijing(2030, 6, 2, 19), slots=3)
    BookingFactory(shift=short, volunteer=VolunteerFactory(community=world.community_a))
    BookingFactory(
        shift=short, volunteer=VolunteerFactory(community=world.community_a), status="cancelled"
    )
    full_team = TeamFactory(community=world.community_a, name="楼门长志愿队")
    full_leader_user, full_leader = volunteer_with_account(world.community_a, "楼门长")
    MembershipFactory(team=full_team, volunteer=full_leader, role=Membership.Role.LEADER)
    full = ShiftFactory(team=full_team, starts_at=beijing(2030, 6, 2, 7), slots=1)
    BookingFactory(shift=full, volunteer=full_leader)
    # Unfilled, but the day after tomorrow: not reported yet.
    ShiftFactory(team=team, starts_at=beijing(2030, 6, 3, 0, 30), slots=2)
    with at(2030, 6, 1, 18):
        assert tasks.alert_unfilled_shifts.delay().get() == 2  # leader and deputy
        assert tasks.alert_unfilled_shifts.delay().get() == 0
    expected = [f"unfilled-shifts-team-{team.pk}-20300602"]
    assert keys(team.leader_user) == expected
    assert keys(team.deputy_user) == expected
    assert keys(team.pending_user) == [] and keys(full_leader_user) == []
    notice = Notification.objects.get(recipient=team.leader_user)
    # One line: the 19:00 shift (the day after tomorrow's is not in it).
    assert "\n" not in notice.body and "19:00" in notice.body
    with at(2030, 6, 2, 18):
        assert tasks.alert_unfilled_shifts.delay().get() == 2
        assert tasks.alert_unfilled_shifts.delay().get() == 0
    assert keys(team.leader_user) == expected + [f"unfilled-shifts-team-{team.pk}-20300603"]


def test_the_beijing_date_decides_which_day_is_tomorrow(world, team):
    # 16:30 UTC on 1 June is 00:30 on 2 June in Beijing: tomorrow is 3 June.
    ShiftFactory(team=team, starts_at=beijing(2030, 6, 2, 19), slots=1)
    ShiftFactory(team=team, starts_at=beijing(2030, 6, 3, 0, 10), slots=1)
    with time_machine.travel(dt.datetime(2030, 6, 1, 16, 30, tzinfo=dt.UTC), tick=False):
        assert tasks.alert_unfilled_shifts.delay().get() == 2
    assert keys(team.leader_user) == [f"unfilled-shifts-team-{team.pk}-20300603"]


# ---------------------------------------------------------------- monthly summary


def credit(volunteer, team, starts_at, hours):
    shift = ShiftFactory(
        team=team, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=hours)
    )
    booking = services.shift_sign_up(
        shift=shift, volunteer=volunteer, now=starts_at - dt.timedelta(days=1)
    )
    services.check_in(booking=booking, at=starts_at)
    return services.check_out(booking=booking, at=shift.ends_at)


def test_last_months_hours_go_to_each_team_leader_once_per_month(world, team):
    member = VolunteerFactory(community=world.community_a, name="王阿姨")
    MembershipFactory(team=team, volunteer=member)
    credit(member, team, beijing(2030, 5, 31, 22), 3)  # overnight into June: May's
    credit(member, team, beijing(2030, 5, 10, 8), 2)
    credit(member, team, beijing(2030, 6, 1, 8), 1)  # June's, not in May's summary
    hour_services.adjustment_add(
        volunteer=member,
        minutes=600,
        reason="纸质补录",
        day=dt.date(2030, 5, 2),
        by=None,
        today=dt.date(2030, 5, 2),
    )
    quiet = TeamFactory(community=world.community_a, name="书画社")
    quiet_user, quiet_leader = volunteer_with_account(world.community_a, "社长")
    MembershipFactory(team=quiet, volunteer=quiet_leader, role=Membership.Role.LEADER)
    with at(2030, 6, 1, 8, 30):
        assert tasks.send_monthly_hours_summaries.delay().get() == 3  # 2 leaders + 1
        assert tasks.send_monthly_hours_summaries.delay().get() == 0
    assert keys(team.leader_user) == [f"hours-summary-team-{team.pk}-2030-05"]
    assert keys(quiet_user) == [f"hours-summary-team-{quiet.pk}-2030-05"]
    body = Notification.objects.get(recipient=team.deputy_user).body
    # 5 hours credited from the team's shifts; the adjustment is the volunteer's own.
    assert body.splitlines()[1] == "王阿姨: 5.0"
    assert "5.0" in body.splitlines()[0]
    with at(2030, 7, 1, 8, 30):
        assert tasks.send_monthly_hours_summaries.delay().get() == 3
    assert keys(team.leader_user) == [
        f"hours-summary-team-{team.pk}-2030-05",
        f"hours-summary-team-{team.pk}-2030-06",
    ]
    june = Notification.objects.get(recipient=team.leader_user, dedupe_key__endswith="2030-06").body
    assert june.splitlines()[1] == "王阿姨: 1.0"


def test_a_paused_team_gets_no_summary(world, team):
    Team.objects.filter(pk=team.pk).update(status=Team.Status.PAUSED)
    with at(2030, 6, 1, 8, 30):
        assert tasks.send_monthly_hours_summaries.delay().get() == 0


# ---------------------------------------------------------------- the schedule


@pytest.mark.parametrize(
    ("name", "task"),
    [
        ("volunteer-shift-reminders", "volunteers.tasks.send_shift_reminders"),
        ("volunteer-unfilled-shifts", "volunteers.tasks.alert_unfilled_shifts"),
        ("volunteer-monthly-hours", "volunteers.tasks.send_monthly_hours_summaries"),
    ],
)
def test_the_volunteer_tasks_are_on_the_schedule(name, task):
    assert SCHEDULE[name][0] == task
    assert task in app.tasks


# ---------------------------------------------------------------- the demo seed


@pytest.fixture
def small_shuanghe(world):
    """A small 双合家园: 40 residents, 张桂兰 with an account, the worker's account, and
    a few of the registered social organisations."""
    from governance.demo import SHUANGHE_SOCIAL_ORGS

    community = Community.objects.filter(pk=world.community_a.pk)
    community.update(code="shuanghe")
    shuanghe = Community.objects.get(code="shuanghe")
    entrance = EntranceFactory(building=BuildingFactory(community=shuanghe, name="9号楼"))
    for i in range(40):
        ResidentFactory(household=HouseholdFactory(entrance=entrance, room=f"9{i:02d}"))
    zhang = UserFactory(phone="13900000001", display_name="张桂兰")
    ResidentFactory(household=world.household_a, name="张桂兰", user=zhang, phone=zhang.phone)
    UserFactory(phone="13800000002", display_name="王社工")
    for name in SHUANGHE_SOCIAL_ORGS[:5]:
        Organisation.objects.create(community=shuanghe, kind="social_organisation", name=name)
    return shuanghe, zhang


MODELS = (
    Team,
    Volunteer,
    Membership,
    ShiftTemplate,
    Shift,
    Booking,
    HoursEntry,
    Asset,
    Adoption,
    CareVisit,
)


def test_seed_volunteers_is_idempotent(small_shuanghe):
    import random

    from volunteers.demo import GREEN_GUARDS, seed_volunteers

    shuanghe, zhang = small_shuanghe
    seed_volunteers(random.Random(2026))
    first = {m.__name__: m.objects.count() for m in MODELS}
    states = sorted(Booking.objects.values_list("pk", "status"))
    seed_volunteers(random.Random(7))
    assert {m.__name__: m.objects.count() for m in MODELS} == first
    assert sorted(Booking.objects.values_list("pk", "status")) == states

    residents = Resident.objects.for_community(shuanghe).count()
    assert first["Team"] == 15
    assert first["Volunteer"] == min(260, residents)
    assert Team.objects.filter(organisation__isnull=False).count() == 5
    green = Team.objects.get(community=shuanghe, name=GREEN_GUARDS)
    assert Membership.objects.filter(
        team=green, volunteer__user=zhang, role="leader", status="approved"
    ).exists()
    assert all(t.memberships.filter(role="leader").exists() for t in Team.objects.all())
    # A month of duties with credited hours in the past weeks and adopted trees.
    assert Booking.objects.filter(status="done").exists()
    assert (
        HoursEntry.objects.filter(kind="credit").count()
        == Booking.objects.filter(status="done").count()
    )
    assert HoursEntry.objects.filter(confirmed_at__isnull=False).exists()
    assert Shift.objects.filter(starts_at__gt=timezone.now()).exists()
    assert Adoption.objects.filter(team=green, asset__kind="tree").count() == first["Asset"]
    assert first["CareVisit"] > 0 and not CareVisit.objects.exclude(photo="").exists()


def test_the_full_demo_seed_runs_twice_without_change(db):
    import io

    from django.core.management import call_command

    from governance.demo import SHUANGHE_SOCIAL_ORGS
    from volunteers.demo import GREEN_GUARDS

    call_command("seed_demo", stdout=io.StringIO())
    first = {m.__name__: m.objects.count() for m in MODELS}
    call_command("seed_demo", stdout=io.StringIO())
    assert {m.__name__: m.objects.count() for m in MODELS} == first

    shuanghe = Community.objects.get(code="shuanghe")
    teams = Team.objects.filter(community=shuanghe)
    assert sorted(teams.values_list("name", flat=True)) == sorted(SHUANGHE_SOCIAL_ORGS)
    assert not teams.filter(organisation__isnull=True).exists()
    assert all(t.organisation.name == t.name for t in teams.select_related("organisation"))
    assert Volunteer.objects.filter(community=shuanghe).count() == 260
    zhang = Volunteer.objects.get(user__phone="13900000001")
    assert list(
        zhang.memberships.filter(role="leader", status="approved").values_list(
            "team__name", flat=True
        )
    ) == [GREEN_GUARDS]
    assert Adoption.objects.filter(team__name=GREEN_GUARDS, asset__kind="tree").exists()
