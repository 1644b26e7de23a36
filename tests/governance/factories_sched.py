"""Factories and helpers for the joint-meeting schedule, compliance flags and notifications."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory
import time_machine

from communities.models import AreaStaffRole, CommunityRole
from governance.models import (
    CoordinationCouncil,
    JointActivity,
    JointMeeting,
    MemberUnit,
    Organisation,
    Post,
)
from notifications.models import Notification
from tests.factories import CommunityFactory, UserFactory

BEIJING = ZoneInfo("Asia/Shanghai")
LONG_AGO = dt.date(2020, 1, 1)


def at_beijing(year, month, day, hour=12, minute=0):
    """Freeze the clock at a wall-clock moment in Beijing."""
    return time_machine.travel(
        dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING), tick=False
    )


def roles_since_long_ago() -> None:
    """The world fixture dates roles 30 days before the real today; frozen-time tests need
    them to be active on any date the test travels to."""
    CommunityRole.objects.update(start_date=LONG_AGO)
    AreaStaffRole.objects.update(start_date=LONG_AGO)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    community = factory.SubFactory(CommunityFactory)
    kind = Organisation.Kind.LOCAL_UNIT
    name = factory.Sequence(lambda n: f"共建单位{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    organisation = factory.SubFactory(OrganisationFactory)
    title = Post.Title.LIAISON
    user = factory.SubFactory(UserFactory)
    resident = None
    start_date = LONG_AGO


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinationCouncil

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"党建工作协调委员会{n}")
    established_on = LONG_AGO


class MemberUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberUnit

    council = factory.SubFactory(CouncilFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, community=factory.SelfAttribute("..council.community")
    )
    joined_on = LONG_AGO


class JointMeetingFactory(factory.django.DjangoModelFactory):
    """A planned meeting; pass ``planned_date`` and the half-year follows from it."""

    class Meta:
        model = JointMeeting

    council = factory.SubFactory(CouncilFactory)
    planned_date = dt.date(2026, 3, 15)
    year = factory.LazyAttribute(lambda m: m.planned_date.year)
    half = factory.LazyAttribute(lambda m: 1 if m.planned_date.month <= 6 else 2)
    status = JointMeeting.Status.PLANNED

    class Params:
        held = factory.Trait(
            status=JointMeeting.Status.HELD,
            held_at=factory.LazyAttribute(
                lambda m: dt.datetime.combine(m.planned_date, dt.time(9, 30), tzinfo=BEIJING)
            ),
        )
        cancelled = factory.Trait(status=JointMeeting.Status.CANCELLED, cancel_reason="改期")


class JointActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointActivity

    council = factory.SubFactory(CouncilFactory)
    date = dt.date(2026, 5, 1)
    title = factory.Sequence(lambda n: f"联建共创活动{n}")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"通知{n}")
    body = "内容"
