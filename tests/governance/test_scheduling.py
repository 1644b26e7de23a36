"""The joint-meeting schedule: planning, reminders and compliance flags, under frozen
Beijing time, twice in a row, at the same moment in four threads, and through a real
worker and beat on Redis."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from config.celery import app
from config.schedule import SCHEDULE
from governance import services, tasks
from governance.models import ComplianceFlag, JointMeeting, MeetingReminder
from notifications.models import Notification
from tests.governance.factories_sched import (
    CouncilFactory,
    JointActivityFactory,
    JointMeetingFactory,
    MemberUnitFactory,
    OrganisationFactory,
    PostFactory,
    at_beijing,
    roles_since_long_ago,
)

D = dt.date
UTC = dt.UTC


@pytest.fixture
def council(world):
    roles_since_long_ago()
    return CouncilFactory(community=world.community_a, name="双合家园党建协调委员会")


def time_machine_at(moment):
    """Freeze the clock at an aware moment in any time zone."""
    return time_machine.travel(moment, tick=False)


def plan() -> int:
    return tasks.plan_joint_meetings.delay().get()


def remind() -> int:
    return tasks.send_meeting_reminders.delay().get()


def flag() -> int:
    return tasks.flag_overdue_compliance.delay().get()


def live_meetings(council):
    return list(
        council.meetings.exclude(status=JointMeeting.Status.CANCELLED)
        .order_by("year", "half")
        .values_list("year", "half", "planned_date")
    )


def notified(user, prefix=""):
    return list(
        Notification.objects.filter(recipient=user, dedupe_key__startswith=prefix)
        .order_by("pk")
        .values_list("dedupe_key", flat=True)
    )


# --- planning -------------------------------------------------------------------------


def test_june_30_late_evening_plans_the_first_half_and_july_1_the_second(council):
    with at_beijing(2026, 6, 30, 23, 30):
        assert plan() == 1
        assert live_meetings(council) == [(2026, 1, D(2026, 6, 30))]
    with at_beijing(2026, 7, 1, 0, 10):
        assert plan() == 1
    assert live_meetings(council) == [(2026, 1, D(2026, 6, 30)), (2026, 2, D(2026, 9, 15))]
    assert all(m.planned_automatically for m in council.meetings.all())


def test_the_beijing_date_decides_the_half_year_not_the_utc_date(council):
    # 16:30 UTC on 30 June is already 00:30 on 1 July in Beijing.
    with time_machine_at(dt.datetime(2026, 6, 30, 16, 30, tzinfo=UTC)):
        assert timezone.localdate() == D(2026, 7, 1)
        assert plan() == 1
    assert live_meetings(council) == [(2026, 2, D(2026, 9, 15))]


def test_one_minute_before_beijing_midnight_is_still_the_first_half(council):
    with time_machine_at(dt.datetime(2026, 6, 30, 15, 59, tzinfo=UTC)):
        assert plan() == 1
    assert live_meetings(council) == [(2026, 1, D(2026, 6, 30))]


def test_december_31_plans_the_second_half_and_january_1_the_next_years_first(council):
    with at_beijing(2026, 12, 31, 23, 30):
        assert plan() == 1
    with at_beijing(2027, 1, 1, 0, 10):
        assert plan() == 1
    assert live_meetings(council) == [(2026, 2, D(2026, 12, 31)), (2027, 1, D(2027, 3, 15))]


def test_new_years_eve_16_30_utc_is_already_next_year_in_beijing(council):
    with time_machine_at(dt.datetime(2026, 12, 31, 16, 30, tzinfo=UTC)):
        assert plan() == 1
    assert live_meetings(council) == [(2027, 1, D(2027, 3, 15))]


def test_planning_twice_plans_once_and_notifies_the_secretary_once(world, council):
    with at_beijing(2026, 8, 3, 6, 10):
        assert plan() == 1
        assert plan() == 0
    meeting = council.meetings.get()
    secretary = world.users["secretary_a"]
    assert notified(secretary) == [f"meeting-{meeting.pk}-planned"]
    note = Notification.objects.get(recipient=secretary)
    assert note.url == reverse("governance:meeting_detail", args=["a", meeting.pk])
    assert "2026-09-15" in note.title


def test_only_secretaries_of_the_councils_community_are_told_of_a_plan(world, council):
    council_b = CouncilFactory(community=world.community_b)
    with at_beijing(2026, 8, 3):
        assert plan() == 2
    meeting_a = council.meetings.get()
    meeting_b = council_b.meetings.get()
    assert notified(world.users["secretary_a"]) == [f"meeting-{meeting_a.pk}-planned"]
    assert notified(world.users["secretary_b"]) == [f"meeting-{meeting_b.pk}-planned"]
    for name in ("worker_a", "subdistrict_a", "resident_a", "superuser"):
        assert notified(world.users[name]) == [], name


def test_each_planned_meeting_notifies_the_secretary_once(world, council):
    for moment in [(2026, 6, 30, 20), (2026, 6, 30, 21), (2026, 7, 1, 8), (2026, 7, 2, 8)]:
        with at_beijing(*moment):
            plan()
    keys = notified(world.users["secretary_a"])
    pks = sorted(council.meetings.values_list("pk", flat=True))
    assert keys == [f"meeting-{pk}-planned" for pk in pks]
    assert len(pks) == 2


@pytest.mark.parametrize("status", ["planned", "held"])
def test_a_planned_or_held_meeting_suppresses_planning(council, status):
    existing = JointMeetingFactory(
        council=council, planned_date=D(2026, 7, 20), held=status == "held"
    )
    with at_beijing(2026, 8, 3):
        assert plan() == 0
    assert list(council.meetings.all()) == [existing]
    assert not Notification.objects.exists()


def test_last_half_years_meeting_does_not_suppress_planning_this_one(council):
    JointMeetingFactory(council=council, planned_date=D(2026, 6, 10), held=True)
    with at_beijing(2026, 8, 3):
        assert plan() == 1
    assert (2026, 2, D(2026, 9, 15)) in live_meetings(council)


def test_a_cancelled_meeting_does_not_suppress_planning(world, council):
    cancelled = JointMeetingFactory(council=council, planned_date=D(2026, 7, 20), cancelled=True)
    with at_beijing(2026, 8, 3):
        assert plan() == 1
    new = council.meetings.exclude(pk=cancelled.pk).get()
    assert (new.year, new.half, new.status) == (2026, 2, JointMeeting.Status.PLANNED)
    assert notified(world.users["secretary_a"]) == [f"meeting-{new.pk}-planned"]


def test_meeting_plan_refuses_a_second_live_meeting_in_the_half_year(council):
    first = services.meeting_plan(council=council, planned_date=D(2026, 9, 1))
    assert first is not None
    assert services.meeting_plan(council=council, planned_date=D(2026, 11, 1)) is None
    services.meeting_cancel(meeting=first, reason="场地冲突")
    again = services.meeting_plan(council=council, planned_date=D(2026, 11, 1))
    assert again is not None
    assert live_meetings(council) == [(2026, 2, D(2026, 11, 1))]


# --- at the same moment, on PostgreSQL --------------------------------------------------


def race(work, n=4):
    """Run ``work`` in ``n`` threads released together; return results and errors."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_four_planners_at_once_leave_exactly_one_meeting(world):
    roles_since_long_ago()
    council = CouncilFactory(community=world.community_a)
    results, errors = race(
        lambda: services.meeting_plan_if_missing(council_id=council.pk, today=D(2026, 8, 3))
    )
    assert errors == []
    assert len([r for r in results if r is not None]) == 1
    assert JointMeeting.objects.filter(council=council).count() == 1
    assert len(notified(world.users["secretary_a"])) == 1


@pytest.mark.django_db(transaction=True)
def test_four_reminder_runs_at_once_send_each_reminder_once(world):
    roles_since_long_ago()
    council = CouncilFactory(community=world.community_a)
    meeting = JointMeetingFactory(council=council, planned_date=D(2026, 10, 15))
    results, errors = race(
        lambda: services.meeting_remind(meeting_id=meeting.pk, today=D(2026, 10, 1))
    )
    assert errors == []
    assert sorted(results, key=str) == [14, None, None, None]
    assert MeetingReminder.objects.filter(meeting=meeting).count() == 1
    assert notified(world.users["secretary_a"]) == [f"meeting-{meeting.pk}-reminder-14"]


@pytest.mark.django_db(transaction=True)
def test_four_compliance_runs_at_once_record_each_flag_once(world):
    roles_since_long_ago()
    council = CouncilFactory(community=world.community_a, established_on=D(2026, 1, 1))
    results, errors = race(
        lambda: services.compliance_flag_overdue(council_id=council.pk, today=D(2026, 7, 2))
    )
    assert errors == []
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
    assert ComplianceFlag.objects.filter(council=council).count() == 1
    assert len(notified(world.users["subdistrict_a"])) == 1


# --- reminders --------------------------------------------------------------------------


@pytest.fixture
def people(world, council):
    """Who should and should not hear about the council's meetings."""
    member = MemberUnitFactory(council=council)
    left = MemberUnitFactory(council=council, left_on=D(2025, 12, 31))
    outsider_org = OrganisationFactory(community=world.community_a)
    return {
        "secretary": world.users["secretary_a"],
        "contact": PostFactory(organisation=member.organisation).user,
        "second_contact": PostFactory(organisation=member.organisation).user,
        "former_contact": PostFactory(
            organisation=member.organisation, end_date=D(2025, 12, 31)
        ).user,
        "left_unit_contact": PostFactory(organisation=left.organisation).user,
        "non_member_contact": PostFactory(organisation=outsider_org).user,
        "worker": world.users["worker_a"],
        "subdistrict": world.users["subdistrict_a"],
    }


RECIPIENTS = {"secretary", "contact", "second_contact"}


def reminder_recipients(people, meeting, days):
    key = f"meeting-{meeting.pk}-reminder-{days}"
    return {
        name for name, user in people.items() if key in notified(user, f"meeting-{meeting.pk}-")
    }


def test_the_14_day_reminder_goes_out_once_to_secretaries_and_member_contacts(council, people):
    meeting = JointMeetingFactory(council=council, planned_date=D(2026, 10, 15))
    with at_beijing(2026, 10, 1, 8):
        assert remind() == 1
        assert remind() == 0
    assert list(meeting.reminders.values_list("days_before", flat=True)) == [14]
    assert reminder_recipients(people, meeting, 14) == RECIPIENTS
    for name in RECIPIENTS:
        assert len(notified(people[name])) == 1, name
    assert Notification.objects.count() == len(RECIPIENTS)


def test_the_3_day_reminder_follows_the_14_day_one_and_nothing_in_between(council, people):
    meeting = JointMeetingFactory(council=council, planned_date=D(2026, 10, 15))
    with at_beijing(2026, 10, 1, 8):
        assert remind() == 1
    with at_beijing(2026, 10, 5, 8):
        assert remind() == 0
    with at_beijing(2026, 10, 12, 8):
        assert remind() == 1
        assert remind() == 0
    with at_beijing(2026, 10, 14, 8):
        assert remind() == 0
    assert sorted(meeting.reminders.values_list("days_before", flat=True)) == [3, 14]
    assert reminder_recipients(people, meeting, 3) == RECIPIENTS
    assert len(notified(people["secretary"])) == 2


def test_nothing_is_sent_more_than_14_days_ahead(council, people):
    JointMeetingFactory(council=council, planned_date=D(2026, 10, 16))
    with at_beijing(2026, 10, 1, 8):
        assert remind() == 0
    assert not MeetingReminder.objects.exists()
    assert not Notification.objects.exists()


def test_a_meeting_planned_two_days_ahead_gets_only_the_3_day_reminder(council, people):
    meeting = JointMeetingFactory(council=council, planned_date=D(2026, 10, 15))
    with at_beijing(2026, 10, 13, 8):
        assert remind() == 1
    with at_beijing(2026, 10, 14, 8):
        assert remind() == 0
    assert list(meeting.reminders.values_list("days_before", flat=True)) == [3]
    assert reminder_recipients(people, meeting, 3) == RECIPIENTS
    assert reminder_recipients(people, meeting, 14) == set()


@pytest.mark.parametrize("trait", ["cancelled", "held"])
def test_a_cancelled_or_held_meeting_gets_no_reminder(council, people, trait):
    meeting = JointMeetingFactory(council=council, planned_date=D(2026, 10, 15), **{trait: True})
    with at_beijing(2026, 10, 1, 8):
        assert remind() == 0
        assert services.meeting_remind(meeting_id=meeting.pk, today=timezone.localdate()) is None
    assert not MeetingReminder.objects.exists()
    assert not Notification.objects.exists()


def test_a_meeting_in_the_past_gets_no_reminder(council, people):
    JointMeetingFactory(council=council, planned_date=D(2026, 9, 30))
    with at_beijing(2026, 10, 1, 8):
        assert remind() == 0
    assert not Notification.objects.exists()


def test_the_reminder_names_the_date_and_place(council, people):
    meeting = JointMeetingFactory(
        council=council, planned_date=D(2026, 10, 15), location="社区党群服务中心"
    )
    with at_beijing(2026, 10, 12, 8):
        remind()
    note = Notification.objects.get(recipient=people["contact"])
    assert "2026-10-15" in note.title
    assert "社区党群服务中心" in note.body
    assert note.url == reverse("governance:meeting_detail", args=["a", meeting.pk])


# --- compliance flags -------------------------------------------------------------------


def flags(council):
    return sorted(council.flags.values_list("kind", "year", "half"))


MISSED = ComplianceFlag.Kind.MEETING_MISSED
FEW = ComplianceFlag.Kind.TOO_FEW_ACTIVITIES


def test_a_half_year_without_a_held_meeting_is_flagged_once_and_announced_once(world, council):
    council.established_on = D(2026, 1, 1)
    council.save()
    JointMeetingFactory(council=council, planned_date=D(2026, 6, 20))  # planned, never held
    with at_beijing(2026, 7, 2, 6, 30):
        assert flag() == 1
        assert flag() == 0
    with at_beijing(2026, 7, 3, 6, 30):
        assert flag() == 0
    assert flags(council) == [(MISSED, 2026, 1)]
    flag_pk = council.flags.get().pk
    assert notified(world.users["secretary_a"]) == [f"flag-{flag_pk}"]
    assert notified(world.users["subdistrict_a"]) == [f"flag-{flag_pk}"]
    assert notified(world.users["worker_a"]) == []
    assert notified(world.users["secretary_b"]) == []
    assert Notification.objects.count() == 2


def test_a_held_meeting_means_no_flag(council):
    council.established_on = D(2026, 1, 1)
    council.save()
    JointMeetingFactory(council=council, planned_date=D(2026, 6, 20), held=True)
    with at_beijing(2026, 7, 2, 6, 30):
        assert flag() == 0
    assert flags(council) == []
    assert not Notification.objects.exists()


def test_a_cancelled_meeting_does_not_count_as_held(council):
    council.established_on = D(2026, 1, 1)
    council.save()
    JointMeetingFactory(council=council, planned_date=D(2026, 6, 20), cancelled=True)
    with at_beijing(2026, 7, 2, 6, 30):
        assert flag() == 1
    assert flags(council) == [(MISSED, 2026, 1)]


def test_the_unfinished_half_year_is_never_flagged(council):
    council.established_on = D(2026, 1, 1)
    council.save()
    with at_beijing(2026, 6, 30, 23, 59):
        assert flag() == 0
    JointMeetingFactory(council=council, planned_date=D(2026, 6, 20), held=True)
    with at_beijing(2026, 12, 31, 23, 59):
        assert flag() == 0
    assert flags(council) == []


def test_the_beijing_date_decides_when_a_half_year_has_ended(council):
    council.established_on = D(2026, 1, 1)
    council.save()
    with time_machine_at(dt.datetime(2026, 6, 30, 15, 59, tzinfo=UTC)):
        assert flag() == 0
    with time_machine_at(dt.datetime(2026, 6, 30, 16, 1, tzinfo=UTC)):
        assert flag() == 1
    assert flags(council) == [(MISSED, 2026, 1)]


def test_last_year_with_three_activities_is_flagged_for_the_whole_year(council):
    council.established_on = D(2026, 1, 1)
    council.save()
    JointMeetingFactory(council=council, planned_date=D(2026, 5, 10), held=True)
    JointMeetingFactory(council=council, planned_date=D(2026, 10, 10), held=True)
    for day in (D(2026, 1, 1), D(2026, 6, 1), D(2026, 12, 31)):
        JointActivityFactory(council=council, date=day)
    JointActivityFactory(council=council, date=D(2025, 12, 31))  # another year
    JointActivityFactory(council=council, date=D(2027, 1, 1))  # another year
    with at_beijing(2027, 1, 2, 6, 30):
        assert flag() == 1
        assert flag() == 0
    assert flags(council) == [(FEW, 2026, 0)]
    assert council.flags.get().detail == _("%(count)d of %(min)d activities") % {
        "count": 3,
        "min": 4,
    }


def test_last_year_with_four_activities_is_not_flagged(council):
    council.established_on = D(2026, 1, 1)
    council.save()
    JointMeetingFactory(council=council, planned_date=D(2026, 5, 10), held=True)
    JointMeetingFactory(council=council, planned_date=D(2026, 10, 10), held=True)
    for month in (2, 5, 8, 11):
        JointActivityFactory(council=council, date=D(2026, month, 1))
    with at_beijing(2027, 1, 2, 6, 30):
        assert flag() == 0
    assert flags(council) == []


def test_a_council_established_after_the_period_is_not_flagged_for_it(council):
    council.established_on = D(2026, 8, 1)
    council.save()
    with at_beijing(2026, 8, 10, 6, 30):
        assert flag() == 0
    assert flags(council) == []


def test_a_council_with_no_founding_date_is_judged_on_this_and_last_year(council):
    council.established_on = None
    council.save()
    with at_beijing(2026, 8, 10, 6, 30):
        assert flag() == 4
    assert flags(council) == [
        (MISSED, 2025, 1),
        (MISSED, 2025, 2),
        (MISSED, 2026, 1),
        (FEW, 2025, 0),
    ]


# --- a real worker and beat on Redis ------------------------------------------------------


@pytest.fixture
def real_worker():
    """A worker thread consuming from the suite's Redis; tasks are no longer eager."""
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING") as w:
            yield w
    finally:
        app.conf.task_always_eager = True


@pytest.mark.django_db
def test_install_schedule_installs_the_governance_jobs_in_beijing_time():
    call_command("install_schedule")
    for name, (task, cron, _description) in SCHEDULE.items():
        row = PeriodicTask.objects.select_related("crontab").get(name=name)
        assert row.task == task
        assert row.enabled
        assert str(row.crontab.timezone) == "Asia/Shanghai"
        assert row.crontab.minute == cron.get("minute", "*")
        assert row.crontab.hour == cron.get("hour", "*")
    plan_row = PeriodicTask.objects.get(name="plan-joint-meetings")
    assert plan_row.task == "governance.tasks.plan_joint_meetings"
    assert (plan_row.crontab.hour, plan_row.crontab.minute) == ("6", "10")
    for name in ("send-meeting-reminders", "flag-overdue-compliance"):
        assert PeriodicTask.objects.filter(name=name).exists()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_plans_meetings_sent_through_redis(world, real_worker):
    roles_since_long_ago()
    council = CouncilFactory(community=world.community_a)
    result = app.send_task("governance.tasks.plan_joint_meetings")
    assert result.get(timeout=30) == 1
    today = timezone.localdate()
    meeting = council.meetings.get()
    assert (meeting.year, meeting.half) == (today.year, 1 if today.month <= 6 else 2)
    assert meeting.planned_automatically
    assert len(notified(world.users["secretary_a"])) == 1


class RecordingScheduler(DatabaseScheduler):
    """The beat scheduler, keeping the AsyncResult of everything it sends."""

    def __init__(self, *args, **kwargs):
        self.sent = []
        super().__init__(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        result = super().apply_async(entry, producer=producer, advance=advance, **kwargs)
        self.sent.append((entry.task, result))
        return result


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_beat_sends_the_due_planning_job_through_redis_to_the_worker(world, real_worker):
    roles_since_long_ago()
    call_command("install_schedule")
    council = CouncilFactory(community=world.community_a)
    # Only a job due every second runs now; the installed crontab jobs wait for morning.
    PeriodicTask.objects.update(enabled=False)
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(
        name="plan-joint-meetings-now",
        task="governance.tasks.plan_joint_meetings",
        interval=every_second,
    )
    scheduler = RecordingScheduler(app=app, lazy=False)
    try:
        deadline = time.monotonic() + 30
        while not scheduler.sent and time.monotonic() < deadline:
            scheduler.tick()
            time.sleep(0.2)
        sent = [r for name, r in scheduler.sent if name == "governance.tasks.plan_joint_meetings"]
        assert sent, "beat sent nothing within 30 s"
        assert sent[0].get(timeout=30) == 1
    finally:
        scheduler.close()
    assert council.meetings.count() == 1
