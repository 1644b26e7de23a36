"""Factories for volunteer teams, volunteers, skills, shifts, bookings and hours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from tests.factories import CommunityFactory
from volunteers.models import (
    Adoption,
    Asset,
    Booking,
    HoursEntry,
    Membership,
    Shift,
    ShiftTemplate,
    Skill,
    Team,
    Volunteer,
)

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock moment in Beijing, as an aware datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"技能{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"志愿队{n}")
    kind = Team.Kind.PATROL
    cancel_cutoff_hours = 12


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"志愿者{n}")
    phone = factory.Sequence(lambda n: f"136{n:08d}")
    status = Volunteer.Status.ACTIVE

    @factory.post_generation
    def skills(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.skills.add(*extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    volunteer = factory.SubFactory(
        VolunteerFactory, community=factory.SelfAttribute("..team.community")
    )
    role = Membership.Role.MEMBER
    status = Membership.Status.APPROVED


class ShiftTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShiftTemplate

    team = factory.SubFactory(TeamFactory)
    community = factory.SelfAttribute("team.community")
    title = factory.Sequence(lambda n: f"卡口值守{n}")
    place = "小区东门"
    start_time = dt.time(7, 0)
    end_time = dt.time(9, 0)
    weekdays = "1,2,3,4,5,6,7"
    first_day = dt.date(2030, 1, 1)
    last_day = dt.date(2030, 1, 14)
    slots = 2


class ShiftFactory(factory.django.DjangoModelFactory):
    """A two-hour shift on 1 June 2030 (far in the future) unless told otherwise."""

    class Meta:
        model = Shift

    team = factory.SubFactory(TeamFactory)
    community = factory.SelfAttribute("team.community")
    title = factory.Sequence(lambda n: f"巡逻{n}")
    place = "双合家园小广场"
    starts_at = factory.LazyFunction(lambda: beijing(2030, 6, 1, 8))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    slots = 3


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking written directly (bypassing the sign-up rules)."""

    class Meta:
        model = Booking

    shift = factory.SubFactory(ShiftFactory)
    volunteer = factory.SubFactory(
        VolunteerFactory, community=factory.SelfAttribute("..shift.community")
    )
    status = Booking.Status.BOOKED
    starts_at = factory.SelfAttribute("shift.starts_at")
    ends_at = factory.SelfAttribute("shift.ends_at")


class HoursEntryFactory(factory.django.DjangoModelFactory):
    """An adjustment by default (a credit needs a booking)."""

    class Meta:
        model = HoursEntry

    volunteer = factory.SubFactory(VolunteerFactory)
    kind = HoursEntry.Kind.ADJUSTMENT
    minutes = 60
    day = dt.date(2030, 6, 1)
    reason = "补录线下服务"


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    community = factory.SubFactory(CommunityFactory)
    kind = Asset.Kind.TREE
    name = factory.Sequence(lambda n: f"银杏{n}号")


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    asset = factory.SubFactory(AssetFactory)
    team = factory.SubFactory(TeamFactory, community=factory.SelfAttribute("..asset.community"))
    volunteer = None
    starts_on = dt.date(2030, 3, 12)
