"""Pages of teams, volunteers and rosters: who gets what, sign-up rules shown on the page,
leaders' check-in crediting hours, other communities' ids, and query counts.

The matrix is written out by hand so a reader can check each cell against
``volunteers/rules.py`` and ``volunteers/views``:

- anonymous visitors are sent to the login page (the calendar feed is open by its secret
  address);
- a user with no tie to community A (resident_b, secretary_b) gets 404;
- everyone else who may see A's volunteer work (verified residents, office, area staff)
  reads teams, shifts and the roster;
- the office (worker, secretary) and the superuser write everything; area staff only read;
- a team's leader manages their own team: requests, shifts, assignments, check-ins;
  the leader of another team gets 403 there.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from communities.models import Resident
from tests.factories import (
    EntranceFactory,
    HouseholdFactory,
    ResidentFactory,
    UserFactory,
)
from volunteers import urls as volunteer_urls
from volunteers.models import (
    Booking,
    HoursEntry,
    Membership,
    Shift,
    ShiftTemplate,
    Team,
    Volunteer,
)

ROLES = (
    "anonymous",
    "resident_a",
    "resident_b",
    "worker_a",
    "secretary_a",
    "secretary_b",
    "subdistrict_a",
    "superuser",
    "leader",
    "other_leader",
)
LOGIN = "login"
# A POST that was allowed: redirected back, and the row changed.
OK = "ok"
# A POST that was allowed to try but refused by a rule: redirected back, nothing changed.
NO = "refused"

# fmt: off
EXPECTED = {
    #                      anon, res_a, res_b, wrk_a, sec_a, sec_b, sub_a, super,  lead, other
    "team_list":         (LOGIN,   200,   404,   200,   200,   404,   200,   200,   200,   200),
    "team_create":       (LOGIN,   403,   404,   200,   200,   404,   403,   200,   403,   403),
    "team_detail":       (LOGIN,   200,   404,   200,   200,   404,   200,   200,   200,   200),
    "team_edit":         (LOGIN,   403,   404,   200,   200,   404,   403,   200,   403,   403),
    # Only a volunteer can ask; the leader is already in the team.
    "team_join":         (LOGIN,    NO,   404,    NO,    NO,   404,    NO,    NO,    NO,    OK),
    "membership_decide": (LOGIN,   403,   404,    OK,    OK,   404,   403,    OK,    OK,   403),
    # The list of volunteers: office, area staff and team leaders.
    "volunteer_list":    (LOGIN,   403,   404,   200,   200,   404,   200,   200,   200,   200),
    "volunteer_create":  (LOGIN,   403,   404,   200,   200,   404,   403,   200,   403,   403),
    "volunteer_detail":  (LOGIN,   403,   404,   200,   200,   404,   200,   200,   200,   200),
    "volunteer_edit":    (LOGIN,   403,   404,   200,   200,   404,   403,   200,   403,   403),
    # A verified resident of A without a volunteer record; volunteers are sent on.
    "become_volunteer":  (LOGIN,   200,   404,   403,   403,   404,   403,   403,   302,   302),
    "shift_list":        (LOGIN,   200,   404,   200,   200,   404,   200,   200,   200,   200),
    # Any leader may plan (their own team only, checked on save); the office plans all.
    "shift_create":      (LOGIN,   403,   404,   200,   200,   404,   403,   200,   200,   200),
    "shift_detail":      (LOGIN,   200,   404,   200,   200,   404,   200,   200,   200,   200),
    "shift_edit":        (LOGIN,   403,   404,   200,   200,   404,   403,   200,   200,   403),
    # A team's shift is for its members: the other team's leader is refused.
    "shift_sign_up":     (LOGIN,   403,   404,   403,   403,   404,   403,   403,    OK,    NO),
    "shift_assign":      (LOGIN,   403,   404,   200,   200,   404,   403,   200,   200,   403),
    # A member's booking inside the cut-off: only a leader or the office may cancel.
    "booking_cancel":    (LOGIN,   403,   404,    OK,    OK,   404,   403,    OK,    OK,   403),
    # The leader's own booking: only its volunteer may swap.
    "booking_swap":      (LOGIN,   403,   404,   403,   403,   404,   403,   403,   200,   403),
    "booking_action":    (LOGIN,   403,   404,    OK,    OK,   404,   403,    OK,    OK,   403),
    "template_list":     (LOGIN,   200,   404,   200,   200,   404,   200,   200,   200,   200),
    "template_create":   (LOGIN,   403,   404,   200,   200,   404,   403,   200,   200,   200),
    "roster_grid":       (LOGIN,   200,   404,   200,   200,   404,   200,   200,   200,   200),
    "roster_print":      (LOGIN,   200,   404,   200,   200,   404,   200,   200,   200,   200),
    "roster_csv":        (LOGIN,   200,   404,   200,   200,   404,   200,   200,   200,   200),
    "my_shifts":         (LOGIN,   200,   404,   200,   200,   404,   200,   200,   200,   200),
    # The leader is booked on the shift; nobody else is.
    "checkin":           (LOGIN,   403,   404,   403,   403,   404,   403,   403,   200,   403),
    # The leader's secret feed address: no login, the token is the key.
    "my_ics":            (  200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
}
# fmt: on

POST_ONLY = {"team_join", "membership_decide", "shift_sign_up", "booking_cancel", "booking_action"}
MY_MODULES = {"volunteers.views.teams", "volunteers.views.roster"}


def test_matrix_covers_every_url_name_of_teams_and_roster():
    """A new page of teams or rosters must get a row here before it ships."""
    names = {
        p.name for p in volunteer_urls.urlpatterns if p.callback.view_class.__module__ in MY_MODULES
    }
    assert set(EXPECTED) == names


# ---------------------------------------------------------------- objects


def make_volunteer(community, name, *, household=None, user=True, **extra) -> Volunteer:
    """A volunteer who is a verified resident with an account (or an outsider)."""
    account = UserFactory(display_name=name) if user else None
    resident = None
    if household is not None:
        resident = ResidentFactory(
            household=household, name=name, user=account, phone=account.phone if account else ""
        )
    return Volunteer.objects.create(
        community=community,
        resident=resident,
        user=account,
        name=name,
        phone=account.phone if account else "13700000000",
        **extra,
    )


def join(volunteer, team, role=Membership.Role.MEMBER, status=Membership.Status.APPROVED):
    return Membership.objects.create(team=team, volunteer=volunteer, role=role, status=status)


def make_shift(community, team, starts_at, hours=2, slots=3, **extra) -> Shift:
    return Shift.objects.create(
        community=community,
        team=team,
        title=extra.pop("title", "巡逻"),
        place=extra.pop("place", "南门"),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        slots=slots,
        **extra,
    )


def book(shift, volunteer, status=Booking.Status.BOOKED) -> Booking:
    return Booking.objects.create(
        shift=shift,
        volunteer=volunteer,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        status=status,
    )


@pytest.fixture
def place(world):
    community = world.community_a
    now = timezone.now()
    team = Team.objects.create(community=community, name="巡逻队", kind=Team.Kind.PATROL)
    other_team = Team.objects.create(community=community, name="绿化队", kind=Team.Kind.GREENING)
    leader = make_volunteer(community, "队长老张", household=world.household_a)
    other_leader = make_volunteer(community, "队长老李", household=world.household_a)
    join(leader, team, Membership.Role.LEADER)
    join(other_leader, other_team, Membership.Role.DEPUTY)
    member = make_volunteer(community, "队员小王", user=False)
    join(member, team)
    applicant = make_volunteer(community, "申请人", user=False)
    request = join(applicant, team, status=Membership.Status.REQUESTED)
    # Starts in 30 minutes: inside the 12-hour cut-off, and open for check-in.
    shift = make_shift(community, team, now + dt.timedelta(minutes=30))
    member_booking = book(shift, member)
    leader_booking = book(shift, leader)
    open_shift = make_shift(community, team, now + dt.timedelta(days=2), slots=2)
    later_shift = make_shift(community, team, now + dt.timedelta(days=3))
    template = ShiftTemplate.objects.create(
        community=community,
        team=team,
        title="早高峰卡口",
        place="北门",
        start_time=dt.time(7),
        end_time=dt.time(9),
        weekdays="1,3,5",
        first_day=timezone.localdate(),
        last_day=timezone.localdate() + dt.timedelta(days=6),
    )
    users = dict(world.users, leader=leader.user, other_leader=other_leader.user)
    return {
        "community": community,
        "team": team,
        "other_team": other_team,
        "leader": leader,
        "other_leader": other_leader,
        "member": member,
        "request": request,
        "shift": shift,
        "open_shift": open_shift,
        "later_shift": later_shift,
        "member_booking": member_booking,
        "leader_booking": leader_booking,
        "template": template,
        "users": users,
    }


def _request_for(short: str, place) -> tuple[str, str]:
    code = place["community"].code
    args = {
        "team_detail": [code, place["team"].pk],
        "team_edit": [code, place["team"].pk],
        "team_join": [code, place["team"].pk],
        "membership_decide": [code, place["request"].pk, "approve"],
        "volunteer_detail": [code, place["member"].pk],
        "volunteer_edit": [code, place["member"].pk],
        "shift_detail": [code, place["shift"].pk],
        "shift_edit": [code, place["shift"].pk],
        "shift_sign_up": [code, place["open_shift"].pk],
        "shift_assign": [code, place["shift"].pk],
        "booking_cancel": [code, place["member_booking"].pk],
        "booking_swap": [code, place["leader_booking"].pk],
        "booking_action": [code, place["member_booking"].pk, "check_in"],
        "checkin": [place["shift"].checkin_token],
        "my_ics": [place["leader"].calendar_token],
    }.get(short, [code])
    return ("post" if short in POST_ONLY else "get"), reverse(f"volunteers:{short}", args=args)


def _changed(name: str, place) -> bool:
    """Whether the POST of this URL name changed its row."""
    if name == "team_join":
        return Membership.objects.filter(
            team=place["team"], volunteer=place["other_leader"]
        ).exists()
    if name == "membership_decide":
        place["request"].refresh_from_db()
        return place["request"].status == Membership.Status.APPROVED
    if name == "shift_sign_up":
        return place["open_shift"].bookings.filter(status__in=Booking.LIVE).exists()
    booking = place["member_booking"]
    booking.refresh_from_db()
    if name == "booking_cancel":
        return booking.status == Booking.Status.CANCELLED
    if name == "booking_action":
        return booking.status == Booking.Status.CHECKED_IN
    raise AssertionError(name)


MATRIX = [
    pytest.param(name, role, expected, id=f"{name}-{role}")
    for name, row in EXPECTED.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(("name", "role", "expected"), MATRIX)
def test_role_url_matrix(client, place, name, role, expected):
    if role != "anonymous":
        client.force_login(place["users"][role])
    method, path = _request_for(name, place)
    response = getattr(client, method)(path)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif expected in (OK, NO):
        assert response.status_code == 302, f"{method.upper()} {path} as {role}"
        assert not response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected, f"{method.upper()} {path} as {role}"
    if name in POST_ONLY:
        assert _changed(name, place) == (expected == OK), f"{name} as {role}"


# ---------------------------------------------------------------- sign-up rules on the page


@pytest.fixture
def volunteer_client(client, place):
    """A member of the patrol team with an account, logged in."""
    volunteer = make_volunteer(
        place["community"],
        "志愿者小赵",
        household=HouseholdFactory(
            entrance=EntranceFactory(building=place["leader"].resident.household.entrance.building)
        ),
    )
    join(volunteer, place["team"])
    client.force_login(volunteer.user)
    client.volunteer = volunteer
    return client


def zh(msgid: str) -> str:
    """The text the site renders for msgid (in Simplified Chinese, the site's language)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_sign_up_for_a_full_shift_is_refused_on_the_page(volunteer_client, place):
    full = make_shift(
        place["community"], place["team"], timezone.now() + dt.timedelta(days=1), slots=1
    )
    book(full, place["member"])
    url = reverse("volunteers:shift_sign_up", args=["a", full.pk])
    response = volunteer_client.post(url, follow=True)
    assert zh("This shift is full.") in response.content.decode()
    assert not full.bookings.filter(volunteer=volunteer_client.volunteer).exists()


def test_sign_up_for_an_overlapping_shift_is_refused_on_the_page(volunteer_client, place):
    start = timezone.now() + dt.timedelta(days=1)
    first = make_shift(place["community"], place["team"], start, title="早班")
    second = make_shift(
        place["community"], place["team"], start + dt.timedelta(hours=1), title="午班"
    )
    book(first, volunteer_client.volunteer)
    response = volunteer_client.post(
        reverse("volunteers:shift_sign_up", args=["a", second.pk]), follow=True
    )
    assert (
        zh("You are already on “%(title)s” at that time.") % {"title": "早班"}
        in response.content.decode()
    )
    assert not second.bookings.exists()


def test_sign_up_books_and_shows_the_volunteer_on_the_shift(volunteer_client, place):
    url = reverse("volunteers:shift_sign_up", args=["a", place["open_shift"].pk])
    response = volunteer_client.post(url, follow=True)
    assert response.status_code == 200
    assert 'data-testid="my-booking"' in response.content.decode()
    assert place["open_shift"].bookings.get().volunteer == volunteer_client.volunteer


def test_cancel_after_the_cut_off_is_refused_but_before_it_works(volunteer_client, place):
    soon = make_shift(place["community"], place["team"], timezone.now() + dt.timedelta(hours=2))
    late = book(soon, volunteer_client.volunteer)
    response = volunteer_client.post(
        reverse("volunteers:booking_cancel", args=["a", late.pk]), follow=True
    )
    too_late = zh("It is too late to cancel this shift yourself; please ask your team leader.")
    assert too_late in response.content.decode()
    late.refresh_from_db()
    assert late.status == Booking.Status.BOOKED

    early = book(place["later_shift"], volunteer_client.volunteer)
    response = volunteer_client.post(
        reverse("volunteers:booking_cancel", args=["a", early.pk]), follow=True
    )
    assert zh("The booking has been cancelled.") in _messages(response)
    early.refresh_from_db()
    assert early.status == Booking.Status.CANCELLED


def test_swap_moves_the_booking_to_the_other_shift(client, place):
    booking = book(place["later_shift"], place["leader"])
    client.force_login(place["leader"].user)
    url = reverse("volunteers:booking_swap", args=["a", booking.pk])
    response = client.post(url, {"to_shift": place["open_shift"].pk})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert place["open_shift"].bookings.get(status="booked").volunteer == place["leader"]


# ---------------------------------------------------------------- leaders


def test_leader_check_in_and_out_credits_the_hours(client, place):
    booking = place["member_booking"]
    client.force_login(place["leader"].user)
    check_in = reverse("volunteers:booking_action", args=["a", booking.pk, "check_in"])
    response = client.post(check_in, follow=True)
    assert zh("%(name)s is checked in.") % {"name": "队员小王"} in _messages(response)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN
    # As if the volunteer had served an hour and a half since checking in.
    Booking.objects.filter(pk=booking.pk).update(
        checked_in_at=timezone.now() - dt.timedelta(minutes=90)
    )
    check_out = reverse("volunteers:booking_action", args=["a", booking.pk, "check_out"])
    response = client.post(check_out, follow=True)
    credited = zh("%(name)s is checked out: %(hours)s hours credited.")
    assert credited % {"name": "队员小王", "hours": "1.5"} in _messages(response)
    entry = HoursEntry.objects.get(booking=booking)
    assert entry.volunteer == place["member"]
    assert 90 <= entry.minutes <= 91
    # Pressing again credits nothing more.
    client.post(check_out)
    assert HoursEntry.objects.filter(volunteer=place["member"]).count() == 1


def test_unknown_booking_action_is_404_and_changes_nothing(client, place):
    client.force_login(place["leader"].user)
    url = reverse("volunteers:booking_action", args=["a", place["member_booking"].pk, "delete"])
    assert client.post(url).status_code == 404
    place["member_booking"].refresh_from_db()
    assert place["member_booking"].status == Booking.Status.BOOKED


def test_leader_assigns_a_volunteer_found_by_name(client, place):
    client.force_login(place["leader"].user)
    url = reverse("volunteers:shift_assign", args=["a", place["open_shift"].pk])
    response = client.post(url, {"find": "小王", "search": "1"})
    assert "队员小王" in response.content.decode()
    response = client.post(url, {"find": "小王", "volunteer": place["member"].pk})
    assert response.status_code == 302
    booking = place["open_shift"].bookings.get()
    assert booking.volunteer == place["member"]
    assert booking.assigned_by == place["leader"].user


def test_leader_approves_a_request_from_the_team_page(client, place):
    client.force_login(place["leader"].user)
    page = client.get(reverse("volunteers:team_detail", args=["a", place["team"].pk]))
    assert 'data-testid="requests"' in page.content.decode()
    other = client.get(reverse("volunteers:team_detail", args=["a", place["other_team"].pk]))
    assert 'data-testid="requests"' not in other.content.decode()


def test_leader_cannot_plan_a_shift_for_another_team(client, place):
    client.force_login(place["other_leader"].user)
    start = timezone.localtime() + dt.timedelta(days=5)
    response = client.post(
        reverse("volunteers:shift_create", args=["a"]),
        {
            "team": place["team"].pk,
            "title": "夜巡",
            "place": "东门",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "slots": 2,
        },
    )
    # The team is not among the choices: the form refuses it, nothing is saved.
    assert response.status_code == 200
    assert not Shift.objects.filter(title="夜巡").exists()


def test_template_create_expands_its_shifts(client, world, place):
    client.force_login(world.users["secretary_a"])
    monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    response = client.post(
        reverse("volunteers:template_create", args=["a"]),
        {
            "team": place["team"].pk,
            "title": "周末巡逻",
            "place": "中心花园",
            "start_time": "08:00",
            "end_time": "10:00",
            "weekdays": "6，7",
            "first_day": monday.isoformat(),
            "last_day": (monday + dt.timedelta(days=13)).isoformat(),
            "slots": 2,
        },
    )
    assert response.status_code == 302
    template = ShiftTemplate.objects.get(title="周末巡逻")
    assert template.weekdays == "6,7"
    assert template.shifts.count() == 4


# ---------------------------------------------------------------- volunteers


def test_resident_becomes_a_volunteer_from_their_account(client, world):
    user = world.users["resident_a"]
    client.force_login(user)
    response = client.post(
        reverse("volunteers:become_volunteer", args=["a"]), {"availability": "周末上午"}
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user=user)
    assert volunteer.resident == Resident.objects.get(user=user)
    assert volunteer.community == world.community_a
    assert volunteer.availability == "周末上午"


def test_office_adds_an_outsider_and_a_resident(client, world, place):
    client.force_login(world.users["worker_a"])
    url = reverse("volunteers:volunteer_create", args=["a"])
    response = client.post(
        url,
        {
            "name": "外来志愿者",
            "phone": "138 1234 5678",
            "status": "active",
            "teams": [place["other_team"].pk],
        },
    )
    assert response.status_code == 302
    outsider = Volunteer.objects.get(name="外来志愿者")
    assert outsider.phone == "13812345678" and outsider.resident is None
    assert outsider.memberships.get().status == Membership.Status.APPROVED

    response = client.post(url, {"name": "某人", "phone": "", "status": "active"})
    assert response.status_code == 200
    needs = zh("A volunteer from outside the community needs a mobile number.")
    assert needs in response.content.decode()

    resident = Resident.objects.get(user=world.users["resident_a"])
    response = client.post(url, {"resident": resident.pk, "status": "active"})
    assert response.status_code == 302
    assert Volunteer.objects.get(resident=resident).name == "居民甲"


def test_volunteer_list_masks_phones_and_filters(client, world, place):
    client.force_login(world.users["worker_a"])
    url = reverse("volunteers:volunteer_list", args=["a"])
    body = client.get(url).content.decode()
    phone = place["leader"].phone
    assert phone not in body
    assert f"{phone[:3]}****{phone[7:]}" in body
    body = client.get(url, {"team": place["other_team"].pk}).content.decode()
    assert "队长老李" in body and "队长老张" not in body
    body = client.get(url, {"q": "小王"}).content.decode()
    assert "队员小王" in body and "队长老李" not in body


# ---------------------------------------------------------------- another community's ids


@pytest.fixture
def foreign(world):
    """Community B's team, volunteer, request, shift and booking."""
    community = world.community_b
    team = Team.objects.create(community=community, name="B队")
    volunteer = make_volunteer(community, "乙志愿者", user=False)
    join(volunteer, team)
    request = join(make_volunteer(community, "乙申请人", user=False), team, status="requested")
    shift = make_shift(community, team, timezone.now() + dt.timedelta(minutes=30))
    return {
        "team": team,
        "volunteer": volunteer,
        "request": request,
        "shift": shift,
        "booking": book(shift, volunteer),
    }


@pytest.mark.parametrize("role", ["secretary_a", "leader"])
def test_foreign_ids_are_404_and_change_nothing(client, place, foreign, role):
    client.force_login(place["users"][role])
    booking, request, shift = foreign["booking"], foreign["request"], foreign["shift"]
    posts = [
        reverse("volunteers:booking_action", args=["a", booking.pk, "check_in"]),
        reverse("volunteers:booking_cancel", args=["a", booking.pk]),
        reverse("volunteers:membership_decide", args=["a", request.pk, "approve"]),
        reverse("volunteers:shift_sign_up", args=["a", shift.pk]),
        reverse("volunteers:team_join", args=["a", foreign["team"].pk]),
        reverse("volunteers:shift_edit", args=["a", shift.pk]),
        reverse("volunteers:shift_assign", args=["a", shift.pk]),
    ]
    if role == "secretary_a":
        # A leader may never edit a team (403 in the matrix, before any lookup).
        posts.append(reverse("volunteers:team_edit", args=["a", foreign["team"].pk]))
    for url in posts:
        assert client.post(url, {"title": "改", "name": "改"}).status_code == 404, url
    gets = [
        reverse("volunteers:team_detail", args=["a", foreign["team"].pk]),
        reverse("volunteers:volunteer_detail", args=["a", foreign["volunteer"].pk]),
        reverse("volunteers:shift_detail", args=["a", shift.pk]),
        reverse("volunteers:booking_swap", args=["a", booking.pk]),
        reverse("volunteers:roster_grid", args=["a"]) + f"?team={foreign['team'].pk}",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    booking.refresh_from_db()
    request.refresh_from_db()
    shift.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    assert request.status == Membership.Status.REQUESTED
    assert shift.title == "巡逻"
    assert Team.objects.get(pk=foreign["team"].pk).name == "B队"
    assert not Booking.objects.filter(shift=shift).exclude(pk=booking.pk).exists()


def test_checkin_link_of_another_community_is_404(client, world, foreign):
    client.force_login(world.users["resident_a"])
    url = reverse("volunteers:checkin", args=[foreign["shift"].checkin_token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


# ---------------------------------------------------------------- feeds and files


def test_calendar_feed_has_live_bookings_folded(client, place):
    cancelled = book(place["later_shift"], place["leader"], status=Booking.Status.CANCELLED)
    place["shift"].notes = "请佩戴红袖标，" * 10
    place["shift"].save()
    response = client.get(reverse("volunteers:my_ics", args=[place["leader"].calendar_token]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert f"UID:volunteer-booking-{place['leader_booking'].pk}@" in body
    assert f"volunteer-booking-{cancelled.pk}@" not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert client.get(reverse("volunteers:my_ics", args=["nope"])).status_code == 404


def test_roster_csv_has_a_bom_and_the_names(client, world, place):
    client.force_login(world.users["worker_a"])
    week = timezone.localtime(place["shift"].starts_at).date().isoformat()
    response = client.get(reverse("volunteers:roster_csv", args=["a"]), {"week": week})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "队员小王、队长老张" in text


def test_shift_detail_shows_the_checkin_qr_to_leaders_only(client, world, place):
    url = reverse("volunteers:shift_detail", args=["a", place["shift"].pk])
    client.force_login(place["leader"].user)
    body = client.get(url).content.decode()
    assert "<svg" in body and place["shift"].checkin_token in body
    client.force_login(world.users["resident_a"])
    body = client.get(url).content.decode()
    assert "<svg" not in body and place["shift"].checkin_token not in body


def test_volunteer_checks_in_and_out_from_the_checkin_link(client, place):
    client.force_login(place["leader"].user)
    url = reverse("volunteers:checkin", args=[place["shift"].checkin_token])
    assert 'data-testid="checkin-button"' in client.get(url).content.decode()
    client.post(url)
    booking = place["leader_booking"]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN
    assert 'data-testid="checkout-button"' in client.get(url).content.decode()
    client.post(url)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DONE
    assert HoursEntry.objects.filter(booking=booking).exists()


# ---------------------------------------------------------------- query counts


def _fill(place, shifts: int) -> None:
    """``shifts`` shifts this week, each with two volunteers booked."""
    community, team = place["community"], place["team"]
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    people = [make_volunteer(community, f"批量{i}", user=False) for i in range(2)]
    Shift.objects.bulk_create(
        Shift(
            community=community,
            team=team,
            title=f"岗{i % 9}",
            place="卡口",
            starts_at=timezone.make_aware(
                dt.datetime.combine(monday + dt.timedelta(days=i % 7), dt.time(6 + i % 12))
            )
            + dt.timedelta(days=7),
            ends_at=timezone.make_aware(
                dt.datetime.combine(monday + dt.timedelta(days=i % 7), dt.time(7 + i % 12))
            )
            + dt.timedelta(days=7),
            slots=3,
            checkin_token=f"bulk-{shifts}-{i}",
        )
        for i in range(shifts)
    )
    bookings = [
        Booking(shift=s, volunteer=v, starts_at=s.starts_at, ends_at=s.ends_at)
        for s in Shift.objects.filter(checkin_token__startswith=f"bulk-{shifts}-")
        for v in people
    ]
    Booking.objects.bulk_create(bookings)


def _count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["volunteers:roster_grid", "volunteers:shift_list"])
def test_query_count_does_not_grow_with_the_shifts(client, world, place, name):
    """Twelve queries for either page, however many shifts and bookings.

    Both: session, user, community, the user's roles, area roles and home (scope: 3),
    the teams the user leads, the user's own volunteer record, and the base template's
    unread-notification count. Roster grid, then: the week's shifts with their teams,
    their live bookings with volunteers (one prefetch), the team menu. Shift list: the
    COUNT for the paginator, the filter's team menu, one page of shifts with team, skill
    and a COUNT subquery of live bookings.
    """
    client.force_login(world.users["worker_a"])
    url = reverse(name, args=["a"])
    next_week = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    params = {"week": next_week} if name.endswith("grid") else {"starts_from": next_week}
    _fill(place, 5)
    small = _count_queries(client, url, params)
    _fill(place, 200)
    large = _count_queries(client, url, params)
    assert small == large
    assert large <= 12
