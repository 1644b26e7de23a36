"""Service hours, adoptions and the volunteers dashboard: who may open which page (a role ×
URL matrix), the hours arithmetic the pages show, confirmation as compare-and-swap, the
certificate's confirmed-only total, care-visit photos, and query counts that do not grow
with the number of volunteers.

The matrix is written out by hand so a reader can check each cell against
``volunteers/rules.py``, ``communities/mixins.py`` and ``volunteers/views/hours.py``:

- anonymous visitors are sent to the login page; a user with no tie to community A
  (resident_b, secretary_b) gets 404 for every ``/c/a/…`` address;
- everyone who may see A's volunteer work (office, subdistrict, team leaders, verified
  residents) reads the dashboard, hours, adoptions and photos; a resident sees only their
  own hours;
- adjusting is for the office and team leaders, confirming for the office only;
- a certificate is for the volunteer themself and the office;
- adopting is for the office and team leaders.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from tests.factories import ResidentFactory, UserFactory
from tests.volunteers.factories import (
    AdoptionFactory,
    AssetFactory,
    HoursEntryFactory,
    MembershipFactory,
    ShiftFactory,
    TeamFactory,
    VolunteerFactory,
    beijing,
)
from volunteers import hour_services, services
from volunteers import urls as volunteer_urls
from volunteers.models import Booking, CareVisit, HoursEntry, Membership, Shift, Team, Volunteer
from volunteers.views import hours as hours_views

ROLES = (
    "anonymous",
    "resident_a",
    "resident_b",
    "worker_a",
    "secretary_a",
    "secretary_b",
    "subdistrict_a",
    "superuser",
    "leader_a",
    "leader_b",
)
LOGIN = "login"

# fmt: off
EXPECTED = {
    #                  anon   res_a res_b work_a sec_a sec_b sub_a super lead_a lead_b
    "dashboard":       (LOGIN, 200,  404,  200,   200,  404,  200,  200,  200,   200),
    "hours":           (LOGIN, 200,  404,  200,   200,  404,  200,  200,  200,   200),
    "hours_csv":       (LOGIN, 200,  404,  200,   200,  404,  200,  200,  200,   200),
    "hours_adjust":    (LOGIN, 403,  404,  200,   200,  404,  403,  200,  200,   200),
    "hours_confirm":   (LOGIN, 403,  404,  200,   200,  404,  403,  200,  403,   403),
    "certificate":     (LOGIN, 200,  404,  200,   200,  404,  403,  200,  403,   403),
    "adoption_list":   (LOGIN, 200,  404,  200,   200,  404,  200,  200,  200,   200),
    "adoption_create": (LOGIN, 403,  404,  200,   200,  404,  403,  200,  200,   200),
    "adoption_detail": (LOGIN, 200,  404,  200,   200,  404,  200,  200,  200,   200),
    "care_photo":      (LOGIN, 200,  404,  200,   200,  404,  200,  200,  200,   200),
}
# fmt: on

PAST_YEAR = 2025


def png_bytes(size=(8, 8), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 160, 60)).save(buffer, fmt)
    return buffer.getvalue()


def upload(name="tree.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type)


def resident_volunteer(world, name, community=None, household=None):
    """A verified resident with an account who is also a volunteer."""
    community = community or world.community_a
    user = UserFactory(display_name=name)
    resident = ResidentFactory(
        household=household or world.household_a, name=name, user=user, phone=user.phone
    )
    volunteer = VolunteerFactory(
        community=community, resident=resident, user=user, name=name, phone=user.phone
    )
    return user, volunteer


@pytest.fixture
def place(world):
    """Community A: the green team led by leader_a (resident_a and 王阿姨 are members) and the
    patrol team led by leader_b; an adoption of the green team with a photographed visit."""
    a = world.community_a
    green = TeamFactory(community=a, name="绿色卫士护绿队", kind=Team.Kind.GREENING)
    patrol = TeamFactory(community=a, name="巡逻志愿队")
    leader_a, leader_a_vol = resident_volunteer(world, "队长甲")
    leader_b, leader_b_vol = resident_volunteer(world, "队长乙")
    MembershipFactory(team=green, volunteer=leader_a_vol, role=Membership.Role.LEADER)
    MembershipFactory(team=patrol, volunteer=leader_b_vol, role=Membership.Role.LEADER)
    user_a = world.users["resident_a"]
    own = VolunteerFactory(community=a, resident=user_a.resident, user=user_a, name="居民甲")
    MembershipFactory(team=green, volunteer=own)
    member = VolunteerFactory(community=a, name="王阿姨")
    MembershipFactory(team=green, volunteer=member)
    world.users["leader_a"] = leader_a
    world.users["leader_b"] = leader_b
    adoption = AdoptionFactory(
        asset=AssetFactory(community=a, name="1号楼国槐"), team=green, starts_on=dt.date(2025, 3, 1)
    )
    visit = hour_services.care_visit_add(
        adoption=adoption, day=dt.date(2025, 4, 1), note="浇水", by=leader_a, photo=upload()
    )
    return {
        "green": green,
        "patrol": patrol,
        "own": own,
        "member": member,
        "leader_a_vol": leader_a_vol,
        "adoption": adoption,
        "visit": visit,
    }


def url_for(name, world, place):
    code = world.community_a.code
    args = {
        "certificate": [code, place["own"].pk],
        "adoption_detail": [code, place["adoption"].pk],
        "care_photo": [code, place["visit"].pk],
    }.get(name, [code])
    return reverse(f"volunteers:{name}", args=args)


def test_matrix_covers_every_hours_url_name():
    """A new URL of the hours module must get a row here before it ships."""
    names = {
        p.name
        for p in volunteer_urls.urlpatterns
        if p.callback.view_class.__module__ == hours_views.__name__
    }
    assert set(EXPECTED) == names


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, world, place, name, role):
    expected = EXPECTED[name][ROLES.index(role)]
    if role != "anonymous":
        client.force_login(world.users[role])
    response = client.get(url_for(name, world, place))
    if expected == LOGIN:
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    else:
        assert response.status_code == expected, (name, role)


def test_another_communitys_objects_are_404_even_for_the_office(client, world, place):
    b = world.community_b
    other = VolunteerFactory(community=b, name="外社区志愿者")
    team_b = TeamFactory(community=b)
    adoption_b = AdoptionFactory(asset=AssetFactory(community=b), team=team_b)
    visit_b = hour_services.care_visit_add(
        adoption=adoption_b,
        day=adoption_b.starts_on,
        note="x",
        by=world.users["secretary_b"],
        photo=upload(),
        today=adoption_b.starts_on,
    )
    client.force_login(world.users["secretary_a"])
    code = world.community_a.code
    assert client.get(reverse("volunteers:certificate", args=[code, other.pk])).status_code == 404
    assert (
        client.get(reverse("volunteers:adoption_detail", args=[code, adoption_b.pk])).status_code
        == 404
    )
    assert client.get(reverse("volunteers:care_photo", args=[code, visit_b.pk])).status_code == 404
    response = client.get(reverse("volunteers:hours", args=[code]), {"volunteer": other.pk})
    assert response.status_code == 404


def test_care_photo_is_the_stored_image(client, world, place):
    client.force_login(world.users["resident_a"])
    response = client.get(url_for("care_photo", world, place))
    assert b"".join(response.streaming_content) == place["visit"].photo.open("rb").read()


# ---------------------------------------------------------------- hours arithmetic


def served(volunteer, starts_at, ends_at, *, team, check_in=None, check_out=None) -> HoursEntry:
    """Book, check in and check out through the services, at explicit past times."""
    shift = ShiftFactory(
        team=team, community=team.community, starts_at=starts_at, ends_at=ends_at, slots=2
    )
    booking = services.shift_sign_up(
        shift=shift, volunteer=volunteer, now=starts_at - dt.timedelta(days=1)
    )
    services.check_in(booking=booking, at=check_in or starts_at)
    return services.check_out(booking=booking, at=check_out or ends_at)


def rows_of(response, prefix="volunteer") -> dict[int, int]:
    """``data-minutes`` of every row with data-testid ``<prefix>-<pk>``."""
    html = response.content.decode()
    found = re.findall(rf'data-testid="{prefix}-(\d+)" data-minutes="(-?\d+)"', html)
    return {int(pk): int(minutes) for pk, minutes in found}


def hours_page(client, world, **params):
    return client.get(reverse("volunteers:hours", args=[world.community_a.code]), params)


def test_an_overnight_shift_is_credited_in_full_to_the_month_it_starts(client, world, place):
    member = place["member"]
    # 31 January 22:00 to 1 February 06:00 Beijing time: 8 hours, all in January.
    served(member, beijing(PAST_YEAR, 1, 31, 22), beijing(PAST_YEAR, 2, 1, 6), team=place["green"])
    client.force_login(world.users["worker_a"])
    january = hours_page(client, world, year=PAST_YEAR, month=1)
    assert rows_of(january)[member.pk] == 480
    assert rows_of(january, "team")[place["green"].pk] == 480
    months = rows_of(january, "month")
    assert months[1] == 480 and months[2] == 0
    february = hours_page(client, world, year=PAST_YEAR, month=2)
    assert member.pk not in rows_of(february)
    whole_year = hours_page(client, world, year=PAST_YEAR)
    assert rows_of(whole_year)[member.pk] == 480


def test_late_check_in_and_early_check_out_credit_only_the_time_served(client, world, place):
    member = place["member"]
    start = beijing(PAST_YEAR, 5, 3, 7)
    served(
        member,
        start,
        start + dt.timedelta(hours=2),
        team=place["green"],
        check_in=start + dt.timedelta(minutes=10),
        check_out=start + dt.timedelta(minutes=100),
    )
    client.force_login(world.users["worker_a"])
    assert rows_of(hours_page(client, world, year=PAST_YEAR, month=5))[member.pk] == 90


def adjust(client, world, volunteer, hours, reason, day=dt.date(PAST_YEAR, 2, 10)):
    return client.post(
        reverse("volunteers:hours_adjust", args=[world.community_a.code]),
        {"volunteer": volunteer.pk, "hours": hours, "day": day.isoformat(), "reason": reason},
    )


def test_adjustments_with_reasons_add_up_and_stay_in_the_history(client, world, place):
    member = place["member"]
    served(member, beijing(PAST_YEAR, 2, 3, 8), beijing(PAST_YEAR, 2, 3, 10), team=place["green"])
    client.force_login(world.users["leader_a"])
    assert adjust(client, world, member, "1.5", "纸质签到表补录").status_code == 302
    assert adjust(client, world, member, "-0.25", "重复签到").status_code == 302
    client.force_login(world.users["worker_a"])
    page = hours_page(client, world, year=PAST_YEAR, month=2)
    assert rows_of(page)[member.pk] == 120 + 90 - 15
    # Adjustments are the volunteer's, not the team's.
    assert rows_of(page, "team")[place["green"].pk] == 120
    history = hours_page(client, world, year=PAST_YEAR, month=2, volunteer=member.pk)
    text = history.content.decode()
    assert "纸质签到表补录" in text and "重复签到" in text
    assert sorted(rows_of(history, "entry").values()) == [-15, 90, 120]
    assert HoursEntry.objects.filter(volunteer=member).count() == 3


def test_a_negative_adjustment_cannot_take_the_total_below_zero(client, world, place):
    member = place["member"]
    served(member, beijing(PAST_YEAR, 2, 3, 8), beijing(PAST_YEAR, 2, 3, 10), team=place["green"])
    client.force_login(world.users["worker_a"])
    response = adjust(client, world, member, "-2.5", "扣减")
    assert response.status_code == 200
    assert response.context["form"].errors["hours"]
    assert adjust(client, world, member, "-2", "全部撤销").status_code == 302
    assert rows_of(hours_page(client, world, year=PAST_YEAR, month=2))[member.pk] == 0


def test_an_adjustment_needs_a_reason_and_a_change(client, world, place):
    client.force_login(world.users["worker_a"])
    assert adjust(client, world, place["member"], "1", "   ").context["form"].errors["reason"]
    assert adjust(client, world, place["member"], "0", "无").context["form"].errors["hours"]
    assert not HoursEntry.objects.exists()


def test_a_leader_adjusts_only_members_of_teams_they_lead_and_never_themself(client, world, place):
    client.force_login(world.users["leader_b"])
    response = adjust(client, world, place["member"], "1", "不是我队的")
    assert response.status_code == 200 and response.context["form"].errors["volunteer"]
    client.force_login(world.users["leader_a"])
    response = adjust(client, world, place["leader_a_vol"], "5", "给自己加")
    assert response.status_code == 200 and response.context["form"].errors["volunteer"]
    assert not HoursEntry.objects.exists()
    assert adjust(client, world, place["member"], "1", "队员补录").status_code == 302
    entry = HoursEntry.objects.get()
    assert entry.recorded_by == world.users["leader_a"] and entry.reason == "队员补录"


def test_a_resident_volunteer_sees_only_their_own_hours(client, world, place):
    own, member = place["own"], place["member"]
    served(own, beijing(PAST_YEAR, 3, 1, 8), beijing(PAST_YEAR, 3, 1, 9), team=place["green"])
    served(member, beijing(PAST_YEAR, 3, 2, 8), beijing(PAST_YEAR, 3, 2, 11), team=place["green"])
    client.force_login(world.users["resident_a"])
    page = hours_page(client, world, year=PAST_YEAR, month=3, volunteer=member.pk)
    assert page.context["volunteer"] == own
    assert "王阿姨" not in page.content.decode()
    assert rows_of(page, "team")[place["green"].pk] == 60
    assert [e.minutes for e in page.context["history"]] == [60]
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("volunteers:hours_csv", args=[world.community_a.code]),
                    {"year": PAST_YEAR, "month": 3},
                ).content.decode("utf-8-sig")
            )
        )
    )
    names = [row[0] for row in rows if row]
    assert "居民甲" in names and "王阿姨" not in names


def test_hours_csv_has_a_byte_order_mark_and_every_volunteers_total(client, world, place):
    served(
        place["member"],
        beijing(PAST_YEAR, 3, 2, 8),
        beijing(PAST_YEAR, 3, 2, 11),
        team=place["green"],
    )
    client.force_login(world.users["leader_b"])
    response = client.get(
        reverse("volunteers:hours_csv", args=[world.community_a.code]),
        {"year": PAST_YEAR, "month": 3},
    )
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["王阿姨", "", "", "3.0", "0.0", "180", "1"] in rows


# ---------------------------------------------------------------- confirmation


def confirm(client, world, entries):
    return client.post(
        reverse("volunteers:hours_confirm", args=[world.community_a.code]),
        {"entries": [e.pk for e in entries]},
    )


def test_confirming_is_compare_and_swap(client, world, place):
    first = HoursEntryFactory(volunteer=place["member"], minutes=60)
    second = HoursEntryFactory(volunteer=place["own"], minutes=30)
    client.force_login(world.users["worker_a"])
    assert confirm(client, world, [first]).status_code == 302
    first.refresh_from_db()
    stamped = first.confirmed_at
    assert first.confirmed_by == world.users["worker_a"]
    # The secretary confirms both: only the second changes; the first keeps its confirmer.
    client.force_login(world.users["secretary_a"])
    assert confirm(client, world, [first, second]).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.confirmed_by, first.confirmed_at) == (world.users["worker_a"], stamped)
    assert second.confirmed_by == world.users["secretary_a"]
    assert (
        hour_services.hours_confirm_selected(
            community=world.community_a,
            entry_ids=[first.pk, second.pk],
            by=world.users["superuser"],
        )
        == 0
    )


def test_the_office_cannot_confirm_another_communitys_hours(client, world, place):
    foreign = HoursEntryFactory(volunteer=VolunteerFactory(community=world.community_b))
    client.force_login(world.users["secretary_a"])
    confirm(client, world, [foreign])
    foreign.refresh_from_db()
    assert foreign.confirmed_at is None
    assert (
        hour_services.hours_confirm_selected(
            community=world.community_a, entry_ids=[foreign.pk], by=world.users["secretary_a"]
        )
        == 0
    )


def test_the_confirm_page_lists_only_unconfirmed_hours(client, world, place):
    done = HoursEntryFactory(volunteer=place["member"], reason="已确认的")
    HoursEntryFactory(volunteer=place["member"], reason="待确认的")
    hour_services.hours_confirm_selected(
        community=world.community_a, entry_ids=[done.pk], by=world.users["worker_a"]
    )
    client.force_login(world.users["worker_a"])
    text = client.get(reverse("volunteers:hours_confirm", args=["a"])).content.decode()
    assert "待确认的" in text and "已确认的" not in text


# ---------------------------------------------------------------- certificate


def test_the_certificate_counts_only_confirmed_hours(client, world, place):
    own = place["own"]
    credit = served(
        own, beijing(PAST_YEAR, 4, 5, 8), beijing(PAST_YEAR, 4, 5, 16), team=place["green"]
    )
    HoursEntryFactory(volunteer=own, minutes=90, day=dt.date(PAST_YEAR, 4, 6))
    hour_services.hours_confirm_selected(
        community=world.community_a, entry_ids=[credit.pk], by=world.users["worker_a"]
    )
    client.force_login(world.users["resident_a"])
    response = client.get(url_for("certificate", world, place))
    assert response.context["totals"]["minutes"] == 480
    assert 'data-testid="certified-hours" data-minutes="480">8.0<' in response.content.decode()
    assert "no-print" in response.content.decode()


# ---------------------------------------------------------------- adoptions and care visits


def log_visit(client, world, place, photo=None, day="2025-04-02"):
    data = {"day": day, "note": "修剪"}
    if photo is not None:
        data["photo"] = photo
    return client.post(url_for("adoption_detail", world, place), data)


def test_team_members_and_the_office_log_care_visits_others_may_not(client, world, place):
    client.force_login(world.users["leader_b"])
    assert log_visit(client, world, place).status_code == 403
    client.force_login(world.users["subdistrict_a"])
    assert log_visit(client, world, place).status_code == 403
    for role in ("resident_a", "leader_a", "worker_a"):
        client.force_login(world.users[role])
        assert log_visit(client, world, place).status_code == 302, role
    assert CareVisit.objects.filter(adoption=place["adoption"]).count() == 1 + 3


@pytest.mark.parametrize(
    ("photo", "error"),
    [
        (
            SimpleUploadedFile("x.png", b"not an image at all", "image/png"),
            "Upload a JPG or PNG photo.",
        ),
        (
            SimpleUploadedFile("x.gif", png_bytes(fmt="GIF"), "image/gif"),
            "Upload a JPG or PNG photo.",
        ),
        (
            SimpleUploadedFile("big.png", png_bytes() + b"\0" * (5 * 1024 * 1024), "image/png"),
            "The photo is larger than 5 MB.",
        ),
    ],
    ids=["not-an-image", "gif", "over-5-mb"],
)
def test_a_care_photo_must_be_a_real_jpg_or_png_of_at_most_5_mb(client, world, place, photo, error):
    client.force_login(world.users["leader_a"])
    response = log_visit(client, world, place, photo=photo)
    assert response.status_code == 200
    assert response.context["visit_form"].errors["photo"] == [_(error)]
    assert CareVisit.objects.count() == 1


def test_a_jpeg_care_photo_is_stored_under_a_name_of_our_own(client, world, place):
    client.force_login(world.users["leader_a"])
    photo = SimpleUploadedFile("../../evil name.jpg", png_bytes(fmt="JPEG"), "image/jpeg")
    assert log_visit(client, world, place, photo=photo).status_code == 302
    visit = CareVisit.objects.latest("pk")
    assert visit.photo.name.endswith(".jpg") and "evil" not in visit.photo.name


def test_a_leader_adopts_for_their_own_team_only(client, world, place):
    client.force_login(world.users["leader_b"])
    url = reverse("volunteers:adoption_create", args=[world.community_a.code])
    data = {"new_kind": "tree", "new_name": "南门银杏", "starts_on": "2025-05-01"}
    response = client.post(url, {**data, "team": place["green"].pk})
    assert response.status_code == 200 and response.context["form"].errors["team"]
    response = client.post(url, {**data, "team": place["patrol"].pk})
    assert response.status_code == 302
    # The tree is now adopted: nobody can adopt it a second time.
    client.force_login(world.users["worker_a"])
    adopted = place["patrol"].adoptions.get().asset
    response = client.post(
        url, {"asset": adopted.pk, "team": place["green"].pk, "starts_on": "2025-06-01"}
    )
    assert response.status_code == 200 and response.context["form"].errors["asset"]


# ---------------------------------------------------------------- query counts


def grow(world, team_list, start, count):
    """``count`` volunteers of community A, each with a finished shift credited (two hours)
    and an adjustment, plus an upcoming shift per ten volunteers that is short of people."""
    a = world.community_a
    now = timezone.now()
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(community=a, name=f"批量志愿者{i}", phone="") for i in range(start, start + count)
    )
    Membership.objects.bulk_create(
        Membership(team=team_list[i % len(team_list)], volunteer=v, status="approved")
        for i, v in enumerate(volunteers)
    )
    shifts = Shift.objects.bulk_create(
        Shift(
            team=team_list[i % len(team_list)],
            community=a,
            title=f"值守{i}",
            place="东门",
            starts_at=now - dt.timedelta(days=3 + i % 20, hours=2),
            ends_at=now - dt.timedelta(days=3 + i % 20),
            slots=1,
        )
        for i in range(start, start + count)
    )
    bookings = Booking.objects.bulk_create(
        Booking(
            shift=s,
            volunteer=v,
            status=Booking.Status.DONE,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            checked_in_at=s.starts_at,
            checked_out_at=s.ends_at,
        )
        for s, v in zip(shifts, volunteers, strict=True)
    )
    HoursEntry.objects.bulk_create(
        [
            HoursEntry(
                volunteer=b.volunteer,
                booking=b,
                kind=HoursEntry.Kind.CREDIT,
                minutes=120,
                day=timezone.localtime(b.starts_at).date(),
            )
            for b in bookings
        ]
        + [
            HoursEntry(
                volunteer=v, kind="adjustment", minutes=30, day=timezone.localdate(), reason="补录"
            )
            for v in volunteers
        ]
    )
    Shift.objects.bulk_create(
        Shift(
            team=team_list[i % len(team_list)],
            community=a,
            title=f"未来值守{i}",
            place="东门",
            starts_at=now + dt.timedelta(days=1 + i % 10),
            ends_at=now + dt.timedelta(days=1 + i % 10, hours=2),
            slots=3,
        )
        for i in range(start, start + count, 10)
    )


# Every page: session, user, community, the user's scope (roles, area roles, home), and
# the navigation's unread badge = 7; a team leader adds one for the teams they lead.
PAGES = {
    # + hours per month (12 months), teams by hours, volunteer counts, unfilled shifts
    # (ten soonest + count), the viewer's own volunteer record = 13 (14 for a leader).
    "dashboard": ({}, 14),
    # + period summary, volunteers page (count + rows), team totals, months, the team
    # filter's choices = 13 (14 for a leader).
    "hours": ({}, 14),
    # No page chrome: session, user, community, scope (3), the rows = 7 (8 for a leader).
    "hours_csv": ({}, 8),
    # + unconfirmed page (count + rows) = 9.
    "hours_confirm": ({}, 9),
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("viewer", ["worker_a", "leader_a"])
def test_query_count_does_not_grow_with_volunteers(client, world, place, name, viewer):
    if name == "hours_confirm" and viewer == "leader_a":
        pytest.skip("the office's page")
    params, ceiling = PAGES[name]
    teams = [place["green"], place["patrol"]] + [
        TeamFactory(community=world.community_a) for _ in range(3)
    ]
    client.force_login(world.users[viewer])
    url = reverse(f"volunteers:{name}", args=[world.community_a.code])
    grow(world, teams, 0, 10)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url, params)
    assert response.status_code == 200
    grow(world, teams, 10, 490)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, params)
    assert response.status_code == 200
    sql = "\n".join(q["sql"] for q in large.captured_queries)
    assert len(large) == len(small), f"{name}: {len(small)} → {len(large)}\n{sql}"
    assert len(large) <= ceiling, f"{name}: {len(large)} queries\n{sql}"


def test_dashboard_numbers_agree_with_the_data(client, world, place):
    teams = [place["green"], place["patrol"]]
    grow(world, teams, 0, 40)
    Volunteer.objects.filter(name="批量志愿者0").update(status=Volunteer.Status.INACTIVE)
    client.force_login(world.users["worker_a"])
    response = client.get(reverse("volunteers:dashboard", args=[world.community_a.code]))
    # 40 grown + resident_a, 王阿姨 and the two leaders; one grown volunteer is inactive.
    assert response.context["counts"] == {"registered": 43, "active_recently": 39}
    assert response.context["total_hours"] == f"{40 * 150 / 60:.1f}"
    assert response.context["unfilled_count"] == 4
    chart = response.context["chart"]
    assert len(chart) == 12 and chart[-1]["month"] == timezone.localdate().replace(day=1)
    assert sum(bar["height"] > 0 for bar in chart) >= 1
    team_minutes = {t.pk: t.minutes for t in response.context["team_rows"]}
    assert team_minutes[place["green"].pk] == 20 * 120
    assert '<svg viewBox="0 0' in response.content.decode()
