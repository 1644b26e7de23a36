"""factory_boy factories for places, people and roles."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from communities.models import (
    AreaStaffRole,
    Building,
    Community,
    CommunityRole,
    District,
    Entrance,
    Household,
    Resident,
    Subdistrict,
)

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"区{n}")
    code = factory.Sequence(lambda n: f"district-{n}")


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"街道{n}")
    code = factory.Sequence(lambda n: f"sub-{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    name = factory.Sequence(lambda n: f"社区{n}")
    code = factory.Sequence(lambda n: f"community-{n}")
    kind = Community.Kind.OLD_ESTATE
    estimated_households = 2000


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"{n + 1}号楼")


class EntranceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entrance

    building = factory.SubFactory(BuildingFactory)
    name = factory.Sequence(lambda n: f"{n + 1}单元")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    entrance = factory.SubFactory(EntranceFactory)
    room = factory.Sequence(lambda n: f"{n + 101}")
    floor_area = Decimal("68.50")
    tenure = Household.Tenure.OWNER


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"居民{n}")
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    verification_status = Resident.Verification.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)


class CommunityRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityRole

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    role = CommunityRole.Role.WORKER
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class AreaStaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaStaffRole

    user = factory.SubFactory(UserFactory)
    subdistrict = factory.SubFactory(SubdistrictFactory)
    district = None
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
