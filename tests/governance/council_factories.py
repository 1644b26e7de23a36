"""factory_boy factories for the coordination council: organisations, the council, its
member units and agreements, joint meetings (attendance, resolutions) and activities."""

from __future__ import annotations

import datetime as dt
import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from governance.compliance import half_year_of
from governance.models import (
    ActivityPhoto,
    Agreement,
    Attendance,
    CoordinationCouncil,
    JointActivity,
    JointMeeting,
    MemberUnit,
    Organisation,
    Resolution,
)
from tests.factories import CommunityFactory

# The smallest file each kind of upload accepts as real.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(colour: str = "red") -> bytes:
    """A real 2×2 PNG made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), colour).save(buffer, format="PNG")
    return buffer.getvalue()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    community = factory.SubFactory(CommunityFactory)
    kind = Organisation.Kind.LOCAL_UNIT
    name = factory.Sequence(lambda n: f"共建单位{n}")


class CoordinationCouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinationCouncil

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"党建工作协调委员会{n}")
    established_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=400))


class MemberUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberUnit

    council = factory.SubFactory(CoordinationCouncilFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, community=factory.SelfAttribute("..council.community")
    )
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=300))


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    member = factory.SubFactory(MemberUnitFactory)
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=500))
    status = Agreement.Status.ACTIVE


class AgreementWithFileFactory(AgreementFactory):
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="agreement.pdf"))


class JointMeetingFactory(factory.django.DjangoModelFactory):
    """A planned meeting; its year and half follow from the planned date."""

    class Meta:
        model = JointMeeting

    council = factory.SubFactory(CoordinationCouncilFactory)
    planned_date = factory.LazyFunction(timezone.localdate)
    year = factory.LazyAttribute(lambda o: half_year_of(o.planned_date)[0])
    half = factory.LazyAttribute(lambda o: half_year_of(o.planned_date)[1])
    location = "社区党群服务中心"
    agenda = "研究共建项目"
    status = JointMeeting.Status.PLANNED


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(JointMeetingFactory)
    member = factory.SubFactory(
        MemberUnitFactory, council=factory.SelfAttribute("..meeting.council")
    )
    present = True
    representative = "代表"


class ResolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resolution

    meeting = factory.SubFactory(JointMeetingFactory)
    owner = factory.SubFactory(
        MemberUnitFactory, council=factory.SelfAttribute("..meeting.council")
    )
    text = factory.Sequence(lambda n: f"议定事项{n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    status = Resolution.Status.OPEN


class JointActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointActivity
        skip_postgeneration_save = True

    council = factory.SubFactory(CoordinationCouncilFactory)
    date = factory.LazyFunction(timezone.localdate)
    title = factory.Sequence(lambda n: f"联建活动{n}")
    participants = 20

    @factory.post_generation
    def units(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.units.set(extracted)


class ActivityPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityPhoto

    activity = factory.SubFactory(JointActivityFactory)
    image = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="photo.png"))
    caption = "合影"
