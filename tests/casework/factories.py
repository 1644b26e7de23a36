"""Factories for casework: categories, task groups, cases, visits and whistles.

``CaseFactory`` writes rows directly (for lists and rates on known data); tests of the
rules go through ``casework.services``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from casework.models import (
    Case,
    CaseCategory,
    TaskGroup,
    Urgency,
    Visit,
    VisitProblem,
    Whistle,
)
from governance.models import Organisation
from tests.factories import BuildingFactory, CommunityFactory, UserFactory

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock moment in Beijing, as an aware datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


class CaseCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"类别{n}")


class TaskGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskGroup
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"物业专班{n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    community = factory.SubFactory(CommunityFactory)
    source = Case.Source.PHONE
    order_number = ""
    received_at = factory.LazyFunction(lambda: dt.datetime.now(BEIJING) - dt.timedelta(hours=1))
    category = factory.SubFactory(CaseCategoryFactory)
    urgency = Urgency.GENERAL
    description = factory.Sequence(lambda n: f"楼道问题{n}")
    building = factory.LazyAttribute(lambda o: BuildingFactory(community=o.community))
    reporter_name = "王大爷"
    reporter_phone = "13911112222"
    contact_due = factory.LazyAttribute(lambda o: o.received_at + dt.timedelta(hours=24))
    resolve_due = factory.LazyAttribute(lambda o: o.received_at + dt.timedelta(days=7))
    created_by = factory.SubFactory(UserFactory)

    class Params:
        hotline = factory.Trait(
            source=Case.Source.HOTLINE,
            order_number=factory.Sequence(lambda n: f"2026{n:08d}"),
        )


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.GOVERNMENT_DEPARTMENT
    name = factory.Sequence(lambda n: f"区园林绿化局{n}")
    district = factory.SubFactory("tests.factories.DistrictFactory")
    community = None


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    community = factory.SubFactory(CommunityFactory)
    worker = factory.SubFactory(UserFactory)
    visited_on = factory.LazyFunction(lambda: dt.datetime.now(BEIJING).date())


class VisitProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitProblem

    visit = factory.SubFactory(VisitFactory)
    description = "楼道堆放杂物"
    category = factory.SubFactory(CaseCategoryFactory)


class WhistleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Whistle

    community = factory.SubFactory(CommunityFactory)
    department = factory.LazyAttribute(
        lambda o: DepartmentFactory(district=o.community.subdistrict.district)
    )
    case = factory.LazyAttribute(lambda o: CaseFactory(community=o.community))
    request = "请区园林绿化局修剪遮挡阳光的大树"
    requested_at = factory.LazyFunction(lambda: dt.datetime.now(BEIJING))
    requested_by = factory.SubFactory(UserFactory)
    respond_by = factory.LazyFunction(
        lambda: dt.datetime.now(BEIJING).date() + dt.timedelta(days=7)
    )
