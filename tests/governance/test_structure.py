"""The 1351N structure: the board and its gaps, cross appointments, organisations, posts,
who may reach each page, and what each page costs in queries."""

from __future__ import annotations

import datetime as dt

import factory
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import selectors
from governance.models import Organisation, Post
from tests.factories import ResidentFactory, UserFactory

Kind = Organisation.Kind
Title = Post.Title
TODAY = timezone.localdate


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Kind.SOCIAL_ORGANISATION
    name = factory.Sequence(lambda n: f"组织{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    organisation = factory.SubFactory(OrganisationFactory)
    title = Title.MEMBER
    user = factory.SubFactory(UserFactory)
    resident = None
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


# Every kind a community itself can have, with the title its head holds.
COMMUNITY_KINDS = {
    Kind.PARTY_COMMITTEE: Title.SECRETARY,
    Kind.RESIDENTS_COMMITTEE: Title.DIRECTOR,
    Kind.SOCIAL_AFFAIRS_COMMITTEE: Title.DIRECTOR,
    Kind.SERVICE_STATION: Title.DIRECTOR,
    Kind.PROPERTY_COMPANY: Title.MANAGER,
    Kind.SOCIAL_ORGANISATION: Title.DIRECTOR,
    Kind.LOCAL_UNIT: Title.MANAGER,
    Kind.SOCIAL_WORK_ORGANISATION: Title.DIRECTOR,
}


def build_structure(community, *, without=()) -> dict[str, Organisation]:
    """One organisation of each kind (except those in ``without``), each with a head."""
    organisations = {}
    for kind, head_title in COMMUNITY_KINDS.items():
        if kind in without:
            continue
        organisation = OrganisationFactory(community=community, kind=kind)
        PostFactory(organisation=organisation, title=head_title)
        organisations[kind] = organisation
    return organisations


def url(name, *args, code="a"):
    return reverse(f"governance:{name}", args=[code, *args])


def seats_by_code(response) -> dict:
    return {seat.code: seat for seat in response.context["seats"]}


# ---------------------------------------------------------------- the board


def test_board_names_a_missing_social_work_organisation(client, world):
    build_structure(world.community_a, without={Kind.SOCIAL_WORK_ORGANISATION})
    client.force_login(world.users["secretary_a"])

    response = client.get(url("board"))

    assert response.status_code == 200
    seats = seats_by_code(response)
    assert len(seats["5"].gaps) == 1
    assert str(Kind.SOCIAL_WORK_ORGANISATION.label) in seats["5"].gaps[0]
    assert [code for code, seat in seats.items() if seat.gaps] == ["5"]
    assert seats["5"].gaps[0] in response.content.decode()
    assert response.content.decode().count('data-testid="seat-complete"') == 4


def test_board_of_a_complete_community_shows_no_gap(client, world):
    build_structure(world.community_a)
    client.force_login(world.users["worker_a"])

    response = client.get(url("board"))

    assert response.status_code == 200
    assert all(not seat.gaps for seat in response.context["seats"])
    assert response.context["gap_count"] == 0
    assert response.content.decode().count('data-testid="seat-complete"') == 5
    assert 'data-testid="seat-gaps"' not in response.content.decode()
    heads = Post.objects.filter(organisation__community=world.community_a).select_related("user")
    for head in heads:
        assert (
            f"{head.user.display_name}（{head.get_title_display()}）" in response.content.decode()
        )


def test_board_flags_an_organisation_without_a_head(client, world):
    organisations = build_structure(world.community_a, without={Kind.PROPERTY_COMPANY})
    company = OrganisationFactory(
        community=world.community_a, kind=Kind.PROPERTY_COMPANY, name="物业公司"
    )
    PostFactory(organisation=company, title=Title.MEMBER)
    # A head whose term ended yesterday no longer heads the body.
    PostFactory(
        organisation=company,
        title=Title.MANAGER,
        start_date=TODAY() - dt.timedelta(days=300),
        end_date=TODAY() - dt.timedelta(days=1),
    )
    # A body whose only post ended has nobody in post at all.
    Post.objects.filter(organisation=organisations[Kind.LOCAL_UNIT]).update(
        start_date=TODAY() - dt.timedelta(days=300), end_date=TODAY() - dt.timedelta(days=1)
    )
    client.force_login(world.users["secretary_a"])

    response = client.get(url("board"))

    seats = seats_by_code(response)
    name = organisations[Kind.LOCAL_UNIT].name
    assert sorted(seats["5"].gaps) == sorted(
        [
            _("%(org)s has no head") % {"org": "物业公司"},
            _("%(org)s has nobody in post") % {"org": name},
        ]
    )
    assert not seats["1"].gaps and not seats["3"].gaps and not seats["N"].gaps
    on_board = {o.pk: o for o in seats["5"].organisations}
    assert on_board[company.pk].head_posts == []
    assert len(on_board[company.pk].current_posts) == 1


def test_board_ignores_other_communities_and_inactive_organisations(client, world):
    build_structure(world.community_b)
    build_structure(world.community_a, without={Kind.SERVICE_STATION})
    OrganisationFactory(community=world.community_a, kind=Kind.SERVICE_STATION, is_active=False)
    client.force_login(world.users["secretary_a"])

    seats = seats_by_code(client.get(url("board")))

    assert len(seats["1s"].gaps) == 1
    assert not seats["1s"].organisations


# ---------------------------------------------------------------- cross appointments


def test_cross_appointment_lists_a_manager_on_the_residents_committee(client, world):
    company = OrganisationFactory(community=world.community_a, kind=Kind.PROPERTY_COMPANY)
    committee = OrganisationFactory(community=world.community_a, kind=Kind.RESIDENTS_COMMITTEE)
    manager = UserFactory(display_name="王经理", phone="13812345678")
    PostFactory(organisation=company, user=manager, title=Title.MANAGER)
    PostFactory(organisation=committee, user=manager, title=Title.MEMBER)
    client.force_login(world.users["secretary_a"])

    response = client.get(url("cross_appointments"))

    people = list(response.context["page_obj"])
    assert [p.name for p in people] == ["王经理"]
    assert [p.organisation for p in people[0].property_posts] == [company]
    assert [p.organisation for p in people[0].community_posts] == [committee]
    # The community office sees the full number; area staff see it masked.
    html = response.content.decode()
    assert "13812345678" in html
    assert client.get(url("board")).context["cross_count"] == 1
    for role in ("worker_a", "subdistrict_a"):
        client.force_login(world.users[role])
        html = client.get(url("cross_appointments")).content.decode()
        if role == "worker_a":
            assert "13812345678" in html
        else:
            assert "138****5678" in html
            assert "13812345678" not in html


def test_a_resident_record_of_the_same_account_is_the_same_person(client, world):
    company = OrganisationFactory(community=world.community_a, kind=Kind.PROPERTY_COMPANY)
    party = OrganisationFactory(community=world.community_a, kind=Kind.PARTY_COMMITTEE)
    account = UserFactory(display_name="李四")
    resident = ResidentFactory(household=world.household_a, name="李四", user=account)
    PostFactory(organisation=company, user=account, title=Title.MEMBER)
    # Appointed by the roster record before the account was linked to it.
    PostFactory(organisation=party, user=None, resident=resident, title=Title.MEMBER)
    client.force_login(world.users["secretary_a"])

    people = list(client.get(url("cross_appointments")).context["page_obj"])

    assert len(people) == 1
    assert len(people[0].property_posts) == 1 and len(people[0].community_posts) == 1


def test_someone_in_only_one_body_is_not_a_cross_appointment(client, world):
    company = OrganisationFactory(community=world.community_a, kind=Kind.PROPERTY_COMPANY)
    committee = OrganisationFactory(community=world.community_a, kind=Kind.RESIDENTS_COMMITTEE)
    social = OrganisationFactory(community=world.community_a, kind=Kind.SOCIAL_ORGANISATION)
    only_company = UserFactory()
    PostFactory(organisation=company, user=only_company)
    PostFactory(organisation=social, user=only_company)  # not a community body
    PostFactory(organisation=committee)
    # Two people who share a name are still two people.
    PostFactory(organisation=company, user=UserFactory(display_name="张三"))
    PostFactory(organisation=committee, user=UserFactory(display_name="张三"))
    # A committee post that ended last month no longer makes a cross appointment.
    former = UserFactory()
    PostFactory(organisation=company, user=former)
    PostFactory(
        organisation=committee,
        user=former,
        start_date=TODAY() - dt.timedelta(days=300),
        end_date=TODAY() - dt.timedelta(days=30),
    )
    client.force_login(world.users["secretary_a"])

    response = client.get(url("cross_appointments"))

    assert list(response.context["page_obj"]) == []
    assert (
        selectors.cross_appointments(selectors.organisations_with_posts(world.community_a, TODAY()))
        == []
    )


# ---------------------------------------------------------------- organisations


def test_secretary_adds_an_organisation_to_their_own_community(client, world):
    client.force_login(world.users["secretary_a"])

    response = client.post(
        url("organisation_create"),
        {"kind": Kind.LOCAL_UNIT, "name": "垡头小学", "contact_phone": "010-67301234"},
    )

    organisation = Organisation.objects.get(name="垡头小学")
    assert response.status_code == 302
    assert response["Location"] == url("organisation_detail", organisation.pk)
    assert organisation.community == world.community_a
    assert organisation.district is None


def test_a_government_department_cannot_be_added_from_a_community(client, world):
    client.force_login(world.users["secretary_a"])
    page = client.get(url("organisation_create"))
    assert Kind.GOVERNMENT_DEPARTMENT.value not in [
        value for value, _label in page.context["form"].fields["kind"].choices
    ]

    response = client.post(
        url("organisation_create"), {"kind": Kind.GOVERNMENT_DEPARTMENT, "name": "园林局"}
    )

    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not Organisation.objects.filter(name="园林局").exists()


def test_organisation_names_are_unique_within_a_community_only(client, world):
    OrganisationFactory(community=world.community_a, name="夕阳红合唱团")
    OrganisationFactory(community=world.community_b, name="邻里互助会")
    client.force_login(world.users["secretary_a"])

    duplicate = client.post(
        url("organisation_create"), {"kind": Kind.SOCIAL_ORGANISATION, "name": "夕阳红合唱团"}
    )
    elsewhere = client.post(
        url("organisation_create"), {"kind": Kind.SOCIAL_ORGANISATION, "name": "邻里互助会"}
    )

    assert duplicate.status_code == 200
    assert "name" in duplicate.context["form"].errors
    assert Organisation.objects.filter(name="夕阳红合唱团").count() == 1
    assert elsewhere.status_code == 302
    assert Organisation.objects.filter(name="邻里互助会").count() == 2


def test_organisation_list_filters_by_kind_and_masks_contact_phones(client, world):
    OrganisationFactory(
        community=world.community_a,
        kind=Kind.PROPERTY_COMPANY,
        name="物业公司",
        contact_phone="13987654321",
    )
    OrganisationFactory(community=world.community_a, kind=Kind.LOCAL_UNIT, name="垡头小学")
    OrganisationFactory(community=world.community_b, kind=Kind.PROPERTY_COMPANY, name="乙物业")
    client.force_login(world.users["worker_a"])

    everything = client.get(url("organisation_list"))
    companies = client.get(url("organisation_list"), {"kind": Kind.PROPERTY_COMPANY})

    assert {o.name for o in everything.context["page_obj"]} == {"物业公司", "垡头小学"}
    assert [o.name for o in companies.context["page_obj"]] == ["物业公司"]
    html = companies.content.decode()
    assert "139****4321" in html and "13987654321" not in html


# ---------------------------------------------------------------- posts


@pytest.fixture
def committee(world):
    return OrganisationFactory(community=world.community_a, kind=Kind.RESIDENTS_COMMITTEE)


def appoint(client, organisation, **data):
    payload = {"title": Title.MEMBER, "start_date": TODAY().isoformat(), "end_date": ""}
    payload.update(data)
    return client.post(url("post_create", organisation.pk), payload)


def test_a_post_is_held_by_the_account_with_that_number(client, world, committee):
    account = UserFactory(phone="13811112222")
    client.force_login(world.users["secretary_a"])

    response = appoint(client, committee, phone="+86 138-1111-2222", title=Title.DIRECTOR)

    assert response.status_code == 302
    post = Post.objects.get(organisation=committee)
    assert (post.user, post.resident, post.title) == (account, None, Title.DIRECTOR)


def test_a_post_is_held_by_a_resident_of_this_community_without_an_account(
    client, world, committee
):
    resident = ResidentFactory(household=world.household_a, phone="13822223333", user=None)
    client.force_login(world.users["secretary_a"])

    response = appoint(client, committee, phone="13822223333")

    assert response.status_code == 302
    post = Post.objects.get(organisation=committee)
    assert (post.user, post.resident) == (None, resident)


def test_a_resident_who_moved_out_cannot_be_appointed_but_the_one_living_there_can(
    client, world, committee
):
    """Found with the one resident search, which leaves out residents who moved out."""
    import datetime as dt

    ResidentFactory(
        household=world.household_a,
        name="搬走的人",
        phone="13822224444",
        user=None,
        moved_out_on=dt.date(2025, 1, 31),
    )
    client.force_login(world.users["secretary_a"])
    response = appoint(client, committee, phone="13822224444")
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert not Post.objects.exists()

    # The number passed on to someone still living here: no "several residents" refusal.
    current = ResidentFactory(household=world.household_a, phone="13822224444", user=None)
    response = appoint(client, committee, phone="13822224444")
    assert response.status_code == 302
    assert Post.objects.get(organisation=committee).resident == current


def test_a_resident_with_an_account_holds_the_post_through_the_account(client, world, committee):
    account = UserFactory(phone="13833334444")
    ResidentFactory(household=world.household_a, phone="13855556666", user=account)
    client.force_login(world.users["secretary_a"])

    appoint(client, committee, phone="13855556666")

    post = Post.objects.get(organisation=committee)
    assert (post.user, post.resident) == (account, None)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phone": "13900009999"}, "phone"),  # nobody has this number
        ({"phone": "12345"}, "phone"),  # not a mobile number
        ({"phone": "23812345678"}, "phone"),
        (
            {"phone": "__account__", "end_date": "2020-01-01", "start_date": "2020-02-01"},
            "end_date",
        ),
        ({"phone": "__account__", "title": "chairman"}, "title"),  # not a title
        ({"phone": "__account__", "start_date": "not a date"}, "start_date"),
        ({"phone": "__resident_b__"}, "phone"),  # a resident of community B
    ],
)
def test_bad_post_input_shows_an_error_and_writes_nothing(client, world, committee, data, field):
    account = UserFactory(phone="13811112222")
    ResidentFactory(household=world.household_b, phone="13877778888", user=None)
    replacements = {"__account__": account.phone, "__resident_b__": "13877778888"}
    data = {**data, "phone": replacements.get(data["phone"], data["phone"])}
    client.force_login(world.users["secretary_a"])

    response = appoint(client, committee, **data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Post.objects.exists()


def test_unknown_number_message_asks_for_the_roster(client, world, committee):
    client.force_login(world.users["secretary_a"])
    client.cookies["django_language"] = "en"

    response = appoint(client, committee, phone="13900009999")

    assert response.context["form"].errors["phone"] == [
        "No account or resident of this community has this number. "
        "Add the resident to the roster first."
    ]


def test_the_same_person_cannot_hold_the_same_post_twice_at_once(client, world, committee):
    account = UserFactory(phone="13811112222")
    PostFactory(organisation=committee, user=account, title=Title.MEMBER)
    client.force_login(world.users["secretary_a"])

    response = appoint(client, committee, phone=account.phone, title=Title.MEMBER)
    other_title = appoint(client, committee, phone=account.phone, title=Title.LIAISON)

    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert other_title.status_code == 302
    assert Post.objects.filter(user=account).count() == 2


def test_secretary_ends_a_post_as_of_today(client, world, committee):
    post = PostFactory(organisation=committee)
    client.force_login(world.users["secretary_a"])

    response = client.post(url("post_end", post.pk))

    assert response.status_code == 302
    assert response["Location"] == url("organisation_detail", committee.pk)
    post.refresh_from_db()
    assert post.end_date == TODAY()
    # Ending it again changes nothing.
    client.post(url("post_end", post.pk))
    post.refresh_from_db()
    assert post.end_date == TODAY()


def test_a_post_of_another_community_cannot_be_ended(client, world):
    other = PostFactory(organisation=OrganisationFactory(community=world.community_b))
    client.force_login(world.users["secretary_a"])

    response = client.post(url("post_end", other.pk))

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.end_date is None


def test_organisation_detail_separates_current_and_past_posts(client, world, committee):
    deputy = PostFactory(organisation=committee, title=Title.DEPUTY_DIRECTOR)
    current = PostFactory(organisation=committee, title=Title.DIRECTOR)
    past = PostFactory(
        organisation=committee,
        start_date=TODAY() - dt.timedelta(days=400),
        end_date=TODAY() - dt.timedelta(days=10),
    )
    client.force_login(world.users["worker_a"])

    response = client.get(url("organisation_detail", committee.pk))

    assert list(response.context["current_posts"]) == [current, deputy]  # the head first
    assert list(response.context["page_obj"]) == [past]
    # The worker reads but is offered no buttons that change anything.
    assert url("post_end", current.pk) not in response.content.decode()
    assert url("post_create", committee.pk) not in response.content.decode()


# ---------------------------------------------------------------- who may do what

ROLES = (
    "anonymous",
    "resident_a",
    "resident_b",
    "worker_a",
    "secretary_a",
    "secretary_b",
    "property_a",
    "subdistrict_a",
    "superuser",
)
LOGIN = "login"

# fmt: off
EXPECTED = {
    #                         anon   res_a res_b work_a sec_a sec_b prop_a sub_a super
    "board":                 (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "cross_appointments":    (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "organisation_list":     (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "organisation_detail":   (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "organisation_create":   (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "organisation_edit":     (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "post_create":           (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
}
# fmt: on


def _url_for(name, organisation):
    if name in ("organisation_detail", "organisation_edit", "post_create"):
        return url(name, organisation.pk)
    return url(name)


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_page(client, world, committee, name, role):
    if role != "anonymous":
        client.force_login(world.users[role])

    response = client.get(_url_for(name, committee))

    _check(response, EXPECTED[name][ROLES.index(role)])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("resident_a", 403),
        ("worker_a", 403),
        ("subdistrict_a", 403),
        ("property_a", 403),
        ("secretary_b", 404),
        ("secretary_a", 302),
        ("superuser", 302),
    ],
)
def test_who_may_write(client, world, committee, role, expected):
    post = PostFactory(organisation=committee)
    account = UserFactory(phone="13811112222")
    if role != "anonymous":
        client.force_login(world.users[role])
    writes = [
        (url("organisation_create"), {"kind": Kind.LOCAL_UNIT, "name": "新单位"}),
        (
            url("organisation_edit", committee.pk),
            {"kind": Kind.RESIDENTS_COMMITTEE, "name": "改名居委会", "is_active": "on"},
        ),
        (
            url("post_create", committee.pk),
            {"title": Title.LIAISON, "phone": account.phone, "start_date": TODAY().isoformat()},
        ),
        (url("post_end", post.pk), {}),
    ]

    for address, data in writes:
        _check(client.post(address, data), expected)

    changed = (
        Organisation.objects.filter(name="新单位").exists(),
        Organisation.objects.filter(name="改名居委会").exists(),
        Post.objects.filter(user=account).exists(),
        Post.objects.filter(pk=post.pk, end_date__isnull=False).exists(),
    )
    assert changed == ((True,) * 4 if expected == 302 else (False,) * 4)


def test_post_end_answers_only_post(client, world, committee):
    post = PostFactory(organisation=committee)
    client.force_login(world.users["secretary_a"])

    assert client.get(url("post_end", post.pk)).status_code == 405
    post.refresh_from_db()
    assert post.end_date is None


def test_organisations_of_another_community_are_not_found(client, world):
    other = OrganisationFactory(community=world.community_b)
    client.force_login(world.users["secretary_a"])

    for name in ("organisation_detail", "organisation_edit", "post_create"):
        assert client.get(url(name, other.pk)).status_code == 404
    response = client.post(
        url("post_create", other.pk),
        {"title": Title.MEMBER, "phone": "13811112222", "start_date": TODAY().isoformat()},
    )
    assert response.status_code == 404
    assert not Post.objects.exists()


# ---------------------------------------------------------------- query counts

SMALL = 3
LARGE = 30


def grow_organisations(world, start: int, count: int) -> None:
    """Add ``count`` organisations to community A, cycling through the kinds, each with a
    head (an account), a member recorded as a resident with an account, a member recorded
    as a resident without one, and a post that has ended."""
    kinds = list(COMMUNITY_KINDS)
    for i in range(start, start + count):
        kind = kinds[i % len(kinds)]
        organisation = OrganisationFactory(
            community=world.community_a,
            kind=kind,
            name=f"批量组织{i}",
            contact_phone=f"135{i:08d}",
        )
        grow_posts(organisation, i, 1)


def grow_posts(organisation, start: int, count: int) -> None:
    """Add ``count`` rounds of posts: a head, two resident members, and an ended post."""
    for i in range(start, start + count):
        PostFactory(organisation=organisation, title=Title.DIRECTOR)
        linked = ResidentFactory(user=UserFactory(), phone=f"136{i:08d}")
        PostFactory(organisation=organisation, user=None, resident=linked)
        unlinked = ResidentFactory(user=None, phone=f"137{i:08d}")
        PostFactory(organisation=organisation, user=None, resident=unlinked)
        PostFactory(
            organisation=organisation,
            start_date=TODAY() - dt.timedelta(days=400),
            end_date=TODAY() - dt.timedelta(days=5),
        )


# Every page, viewed by secretary_a, opens with the same queries as the communities pages:
#   1 session, 2 user, 3 the community from the URL (+ subdistrict + district),
#   4 scope: community roles, 5 scope: area roles, 6 scope: resident home;
# the base template adds 7 the unread-notification count. Then:
# - board:               8 organisations, 9 their current posts + user + resident + its user
#                        (board() and cross_appointments() reuse that one list)        = 9
# - cross_appointments:  the same two reads                                            = 9
# - organisation_list:   8 count, 9 the page with each one's current-post count        = 9
# - organisation_detail: 8 the organisation, 9 current posts + holders,
#                        10 count of other posts, 11 the page of other posts + holders = 11
QUERY_PAGES = {
    "board": (lambda world: url("board"), grow_organisations, 9),
    "cross_appointments": (lambda world: url("cross_appointments"), grow_organisations, 9),
    "organisation_list": (lambda world: url("organisation_list"), grow_organisations, 9),
}


def _sql(captured) -> str:
    return "\n".join(q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("name", list(QUERY_PAGES))
def test_page_queries_do_not_grow_with_organisations(
    client, world, django_assert_max_num_queries, name
):
    address, grow, ceiling = QUERY_PAGES[name]
    # A cross appointment, so its panel renders rows too.
    company = OrganisationFactory(community=world.community_a, kind=Kind.PROPERTY_COMPANY)
    committee = OrganisationFactory(community=world.community_a, kind=Kind.RESIDENTS_COMMITTEE)
    person = UserFactory()
    PostFactory(organisation=company, user=person, title=Title.MANAGER)
    PostFactory(organisation=committee, user=person)
    client.force_login(world.users["secretary_a"])

    grow(world, 0, SMALL)
    with django_assert_max_num_queries(ceiling) as small:
        response = client.get(address(world))
    assert response.status_code == 200

    grow(world, SMALL, LARGE - SMALL)
    with django_assert_max_num_queries(ceiling) as large:
        response = client.get(address(world))
    assert response.status_code == 200
    assert Organisation.objects.filter(community=world.community_a).count() == LARGE + 2
    assert len(large) == len(small), f"{name}: {len(small)} → {len(large)}\n{_sql(large)}"


def test_organisation_detail_queries_do_not_grow_with_posts(
    client, world, committee, django_assert_max_num_queries
):
    client.force_login(world.users["secretary_a"])
    address = url("organisation_detail", committee.pk)

    grow_posts(committee, 0, SMALL)
    with django_assert_max_num_queries(11) as small:
        response = client.get(address)
    assert len(response.context["current_posts"]) == 3 * SMALL

    grow_posts(committee, SMALL, LARGE - SMALL)
    with django_assert_max_num_queries(11) as large:
        response = client.get(address)
    assert len(response.context["current_posts"]) == 3 * LARGE
    assert response.context["page_obj"].paginator.count == LARGE
    assert len(large) == len(small), f"{len(small)} → {len(large)}\n{_sql(large)}"
