"""One resident search for every picker: name, room or mobile number, within one
community, at most ``limit``, without residents who moved out unless asked."""

import datetime as dt

import pytest

from communities.models import Resident
from communities.selectors import resident_search
from tests.factories import CommunityFactory, HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    community = CommunityFactory()
    home = HouseholdFactory(entrance__building__community=community, room="302")
    zhang = ResidentFactory(household=home, name="张桂兰", phone="13911112222")
    li = ResidentFactory(
        household=HouseholdFactory(entrance=home.entrance, room="501"), name="李建国"
    )
    gone = ResidentFactory(
        household=HouseholdFactory(entrance=home.entrance, room="601"),
        name="张老伯",
        moved_out_on=dt.date(2025, 6, 30),
    )
    # Someone of the same name next door, in another community.
    ResidentFactory(name="张桂兰", phone="13911113333")
    return community, zhang, li, gone


def _names(found) -> list[str]:
    return [r.name for r in found]


def test_finds_by_part_of_a_name_only_in_the_community(place):
    community, zhang, _, _ = place
    assert list(resident_search(community=community, query=" 桂兰 ", limit=10)) == [zhang]


def test_finds_by_room_and_by_four_or_more_digits_of_the_mobile_number(place):
    community, zhang, li, _ = place
    assert list(resident_search(community=community, query="501", limit=10)) == [li]
    assert list(resident_search(community=community, query="1111 2222", limit=10)) == [zhang]
    assert list(resident_search(community=community, query="+86 139 1111 2222", limit=10)) == [
        zhang
    ]
    # Three digits are too few to search mobile numbers (they would match almost anyone).
    assert list(resident_search(community=community, query="139", limit=10)) == []


def test_leaves_out_residents_who_moved_out_unless_asked(place):
    community, zhang, _, gone = place
    assert _names(resident_search(community=community, query="张", limit=10)) == ["张桂兰"]
    found = resident_search(community=community, query="张", limit=10, include_moved_out=True)
    assert set(found) == {zhang, gone}


def test_empty_query_finds_nobody_and_limit_caps_the_list(place):
    community, *_ = place
    assert list(resident_search(community=community, query="  ", limit=10)) == []
    for n in range(5):
        ResidentFactory(household__entrance__building__community=community, name=f"王{n}")
    assert len(resident_search(community=community, query="王", limit=3)) == 3


def test_a_narrower_queryset_limits_who_can_be_found(place):
    community, zhang, _, _ = place
    zhang.verification_status = Resident.Verification.PENDING
    zhang.save()
    verified = Resident.objects.verified()
    assert (
        list(resident_search(community=community, query="张", limit=10, residents=verified)) == []
    )


def test_loads_the_home_with_the_residents(place, django_assert_num_queries):
    community, *_ = place
    with django_assert_num_queries(1):
        found = list(resident_search(community=community, query="张", limit=10))
        assert [str(r.household.entrance.building) for r in found]


def _offered(form, field: str) -> list[str]:
    return [label for value, label in form.fields[field].widget.choices if value]


def test_every_resident_picker_offers_current_residents_only(place):
    """Casework reporters, representatives, session attendees and volunteers are all
    found with the one search, so a resident who moved out is offered by none of them."""
    from casework.forms.cases import CaseForm
    from deliberation.forms.halls import RepresentativeForm, SessionForm
    from deliberation.models import Session
    from tests.factories import UserFactory
    from volunteers.forms.teams import VolunteerForm
    from volunteers.models import Volunteer

    community, *_ = place
    forms = {
        "reporter_resident": CaseForm(community=community, initial={"find": "张"}),
        "resident": RepresentativeForm(community=community, initial={"find": "张"}),
        "attendees": SessionForm(
            community=community,
            user=UserFactory(),
            instance=Session(community=community),
            initial={"find": "张"},
        ),
    }
    volunteer_form = VolunteerForm(
        community=community, instance=Volunteer(community=community), initial={"find": "张"}
    )
    for field, form in [*forms.items(), ("resident", volunteer_form)]:
        offered = _offered(form, field)
        assert any("张桂兰" in label for label in offered), field
        assert not any("张老伯" in label for label in offered), field
