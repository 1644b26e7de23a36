"""The council's forms: every bad input is answered on its field and writes nothing; every
write works end to end; uploads are served back byte for byte; the .ics feed is valid.

Requests ask for English so the messages checked here are the source strings.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from governance.compliance import half_year_bounds, half_year_of, next_half_year, previous_half_year
from governance.models import (
    ActivityPhoto,
    Agreement,
    Attendance,
    CoordinationCouncil,
    JointActivity,
    JointMeeting,
    MemberUnit,
    Resolution,
)
from tests.governance.council_factories import (
    PDF_BYTES,
    AgreementFactory,
    CoordinationCouncilFactory,
    JointActivityFactory,
    JointMeetingFactory,
    MemberUnitFactory,
    OrganisationFactory,
    png_bytes,
)

Status = JointMeeting.Status


def _today() -> dt.date:
    return timezone.localdate()


def _half(offset: int = 0) -> tuple[int, int]:
    """The current half-year, or the one `offset` halves away (±1)."""
    year, half = half_year_of(_today())
    if offset == 1:
        return next_half_year(year, half)
    if offset == -1:
        return previous_half_year(year, half)
    return year, half


def _day(value: dt.date) -> str:
    return f"{value:%Y-%m-%d}"


def _minute(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%dT%H:%M}"


@pytest.fixture
def council(world) -> CoordinationCouncil:
    return CoordinationCouncilFactory(community=world.community_a, name="双合家园协调委员会")


@pytest.fixture
def members(council) -> list[MemberUnit]:
    return [MemberUnitFactory(council=council), MemberUnitFactory(council=council)]


@pytest.fixture
def foreign_member(world) -> MemberUnit:
    """A member unit of community B's council."""
    return MemberUnitFactory(council=CoordinationCouncilFactory(community=world.community_b))


@pytest.fixture
def secretary(login, world):
    client = login(world.users["secretary_a"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(name: str, *args) -> str:
    return reverse(f"governance:{name}", args=["a", *args])


def field_errors(response, field: str) -> list[str]:
    """The errors the re-rendered form shows on one field (None: above the form)."""
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    key = "__all__" if field is None else field
    return list(form.errors.get(key, []))


def assert_refused_on(response, field: str | None) -> list[str]:
    errors = field_errors(response, field)
    assert errors, f"no error on {field!r}: {response.context['form'].errors}"
    return errors


def served_bytes(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


# ---------------------------------------------------------------- council and members


def test_council_setup_saves_the_council(secretary, world):
    response = secretary.post(
        url("council_setup"), {"name": "新协调委员会", "established_on": _day(_today())}
    )
    assert response.status_code == 302
    council = CoordinationCouncil.objects.get(community=world.community_a)
    assert council.name == "新协调委员会"
    assert council.established_on == _today()


def test_member_add_and_leave(secretary, world, council):
    organisation = OrganisationFactory(community=world.community_a)
    response = secretary.post(
        url("member_add"), {"organisation": organisation.pk, "joined_on": _day(_today())}
    )
    assert response.status_code == 302
    member = MemberUnit.objects.get(council=council, organisation=organisation)

    response = secretary.post(url("member_leave", member.pk))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == _today()


def test_member_add_refuses_an_organisation_of_another_community(secretary, world, council):
    outsider = OrganisationFactory(community=world.community_b)
    response = secretary.post(
        url("member_add"), {"organisation": outsider.pk, "joined_on": _day(_today())}
    )
    assert_refused_on(response, "organisation")
    assert not MemberUnit.objects.exists()


# ---------------------------------------------------------------- agreements


def _agreement_data(**overrides) -> dict:
    data = {
        "signed_on": _day(_today() - dt.timedelta(days=10)),
        "valid_until": _day(_today() + dt.timedelta(days=365)),
        "status": Agreement.Status.ACTIVE,
        "notes": "",
    }
    data.update(overrides)
    return data


def test_agreement_with_a_real_pdf_is_saved_and_served(secretary, members):
    member = members[0]
    upload = SimpleUploadedFile("协议.pdf", PDF_BYTES, content_type="application/pdf")
    response = secretary.post(url("agreement_create", member.pk), _agreement_data(file=upload))
    assert response.status_code == 302
    agreement = Agreement.objects.get(member=member)
    assert agreement.file.name.endswith(".pdf")

    assert served_bytes(secretary.get(url("agreement_file", agreement.pk))) == PDF_BYTES


def test_agreement_edit_changes_the_status(secretary, members):
    agreement = AgreementFactory(member=members[0])
    response = secretary.post(
        url("agreement_edit", agreement.pk),
        _agreement_data(
            signed_on=_day(agreement.signed_on),
            valid_until=_day(agreement.valid_until),
            status=Agreement.Status.TERMINATED,
        ),
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.TERMINATED


def test_agreement_file_without_a_file_is_404(secretary, members):
    agreement = AgreementFactory(member=members[0])
    assert secretary.get(url("agreement_file", agreement.pk)).status_code == 404


def test_agreement_expiring_before_it_is_signed_is_refused(secretary, members):
    response = secretary.post(
        url("agreement_create", members[0].pk),
        _agreement_data(signed_on=_day(_today()), valid_until=_day(_today() - dt.timedelta(1))),
    )
    assert_refused_on(response, "valid_until")
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        # The browser's type and the bytes both say PDF; the name does not.
        pytest.param("setup.exe", PDF_BYTES, "application/pdf", id="exe-extension"),
        pytest.param("setup.exe", b"MZ\x90\x00", "application/x-msdownload", id="exe"),
        pytest.param("协议.pdf", b"MZ\x90\x00 not a pdf", "application/pdf", id="pdf-name-not-pdf"),
        pytest.param("协议.pdf", b"<html></html>", "text/html", id="html-as-pdf"),
    ],
)
def test_agreement_file_that_is_not_a_pdf_or_image_is_refused(
    secretary, members, name, content, content_type
):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = secretary.post(url("agreement_create", members[0].pk), _agreement_data(file=upload))
    assert_refused_on(response, "file")
    assert not Agreement.objects.exists()


def test_agreement_file_over_the_size_limit_is_refused(secretary, members, settings):
    settings.AGREEMENT_MAX_BYTES = 1024
    big = PDF_BYTES + b"%" * 2048
    upload = SimpleUploadedFile("协议.pdf", big, content_type="application/pdf")
    response = secretary.post(url("agreement_create", members[0].pk), _agreement_data(file=upload))
    assert_refused_on(response, "file")
    assert not Agreement.objects.exists()


def test_agreement_file_just_under_the_size_limit_is_accepted(secretary, members, settings):
    settings.AGREEMENT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("协议.pdf", PDF_BYTES, content_type="application/pdf")
    response = secretary.post(url("agreement_create", members[0].pk), _agreement_data(file=upload))
    assert response.status_code == 302
    assert Agreement.objects.count() == 1


# ---------------------------------------------------------------- meetings: planning


def test_plan_a_meeting(secretary, council):
    year, half = _half()
    planned = half_year_bounds(year, half)[1]
    response = secretary.post(
        url("meeting_create"),
        {"planned_date": _day(planned), "location": "会议室", "agenda": "议程"},
    )
    assert response.status_code == 302
    meeting = JointMeeting.objects.get(council=council)
    assert (meeting.year, meeting.half, meeting.planned_date) == (year, half, planned)
    assert meeting.status == Status.PLANNED
    assert response["Location"] == url("meeting_detail", meeting.pk)


def test_plan_a_meeting_where_the_last_one_was_cancelled(secretary, council):
    cancelled = JointMeetingFactory(council=council, status=Status.CANCELLED, cancel_reason="改期")
    response = secretary.post(
        url("meeting_create"),
        {"planned_date": _day(cancelled.planned_date), "location": "", "agenda": ""},
    )
    assert response.status_code == 302
    assert council.meetings.exclude(status=Status.CANCELLED).count() == 1


def test_plan_a_second_meeting_in_the_same_half_year_is_refused(secretary, council):
    existing = JointMeetingFactory(council=council)
    response = secretary.post(
        url("meeting_create"),
        {"planned_date": _day(existing.planned_date), "location": "别处", "agenda": ""},
    )
    assert_refused_on(response, "planned_date")
    assert list(council.meetings.all()) == [existing]


def test_plan_a_second_meeting_points_to_the_existing_one(secretary, council):
    existing = JointMeetingFactory(council=council)
    response = secretary.post(
        url("meeting_create"),
        {"planned_date": _day(existing.planned_date), "location": "", "agenda": ""},
    )
    errors = assert_refused_on(response, "planned_date")
    assert any("already has a meeting" in e for e in errors), errors


def test_edit_a_meeting(secretary, council):
    meeting = JointMeetingFactory(council=council)
    first, last = half_year_bounds(meeting.year, meeting.half)
    new_date = last if meeting.planned_date != last else first
    response = secretary.post(
        url("meeting_edit", meeting.pk),
        {"planned_date": _day(new_date), "location": "新会议室", "agenda": "新议程"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.planned_date, meeting.location, meeting.agenda) == (
        new_date,
        "新会议室",
        "新议程",
    )


def test_edit_a_meetings_date_into_a_half_year_that_has_one_is_refused(secretary, council):
    meeting = JointMeetingFactory(council=council)
    next_year, next_half = _half(1)
    other_day = half_year_bounds(next_year, next_half)[0]
    JointMeetingFactory(council=council, planned_date=other_day)
    response = secretary.post(
        url("meeting_edit", meeting.pk),
        {"planned_date": _day(other_day), "location": "改了", "agenda": "改了"},
    )
    assert_refused_on(response, "planned_date")
    before = (meeting.year, meeting.half, meeting.planned_date, meeting.location)
    meeting.refresh_from_db()
    assert (meeting.year, meeting.half, meeting.planned_date, meeting.location) == before


# ---------------------------------------------------------------- meetings: held, cancelled


def test_record_a_meeting_as_held(secretary, council):
    meeting = JointMeetingFactory(council=council)
    held_at = timezone.localtime().replace(second=0, microsecond=0)
    response = secretary.post(
        url("meeting_hold", meeting.pk), {"held_at": _minute(held_at), "minutes": "会议纪要"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD
    assert meeting.held_at == held_at
    assert meeting.minutes == "会议纪要"


def test_record_as_held_in_the_future_is_refused(secretary, council):
    year, half = _half(1)  # next half-year: the time is in its half-year, but ahead
    meeting = JointMeetingFactory(council=council, planned_date=half_year_bounds(year, half)[0])
    held_at = timezone.make_aware(dt.datetime.combine(meeting.planned_date, dt.time(9, 30)))
    response = secretary.post(url("meeting_hold", meeting.pk), {"held_at": _minute(held_at)})
    errors = assert_refused_on(response, "held_at")
    assert any("future" in e for e in errors), errors
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_at) == (Status.PLANNED, None)


def test_record_as_held_outside_its_half_year_is_refused(secretary, council):
    year, half = _half(-1)
    meeting = JointMeetingFactory(council=council, planned_date=half_year_bounds(year, half)[1])
    response = secretary.post(
        url("meeting_hold", meeting.pk), {"held_at": _minute(timezone.localtime())}
    )
    errors = assert_refused_on(response, "held_at")
    assert any("half-year" in e for e in errors), errors
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_at) == (Status.PLANNED, None)


def test_record_a_cancelled_meeting_as_held_is_refused(secretary, council):
    meeting = JointMeetingFactory(council=council, status=Status.CANCELLED, cancel_reason="改期")
    response = secretary.post(
        url("meeting_hold", meeting.pk), {"held_at": _minute(timezone.localtime())}
    )
    assert_refused_on(response, None)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_at) == (Status.CANCELLED, None)


def test_cancel_a_meeting(secretary, council):
    meeting = JointMeetingFactory(council=council)
    response = secretary.post(url("meeting_cancel", meeting.pk), {"cancel_reason": "  改期  "})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (Status.CANCELLED, "改期")


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancel_without_a_reason_is_refused(secretary, council, reason):
    meeting = JointMeetingFactory(council=council)
    response = secretary.post(url("meeting_cancel", meeting.pk), {"cancel_reason": reason})
    assert_refused_on(response, "cancel_reason")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (Status.PLANNED, "")


def test_cancelling_a_held_meeting_is_refused(secretary, council):
    held_at = timezone.localtime().replace(microsecond=0)
    meeting = JointMeetingFactory(council=council, status=Status.HELD, held_at=held_at)
    response = secretary.post(url("meeting_cancel", meeting.pk), {"cancel_reason": "不开了"})
    assert_refused_on(response, None)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (Status.HELD, "")


# ---------------------------------------------------------------- attendance, resolutions


def _attendance_post(rows: list[tuple[int, bool, str]]) -> dict:
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for i, (member_id, present, representative) in enumerate(rows):
        data[f"form-{i}-member"] = str(member_id)
        if present:
            data[f"form-{i}-present"] = "on"
        data[f"form-{i}-representative"] = representative
    return data


def test_record_attendance(secretary, council, members):
    meeting = JointMeetingFactory(council=council)
    page = secretary.get(url("meeting_attendance", meeting.pk))
    assert page.status_code == 200
    assert len(page.context["formset"].forms) == 2

    data = _attendance_post([(members[0].pk, True, " 张三 "), (members[1].pk, False, "")])
    response = secretary.post(url("meeting_attendance", meeting.pk), data)
    assert response.status_code == 302
    rows = {a.member_id: (a.present, a.representative) for a in meeting.attendance.all()}
    assert rows == {members[0].pk: (True, "张三"), members[1].pk: (False, "")}

    # Saving again updates the same rows rather than adding more.
    data = _attendance_post([(members[0].pk, False, ""), (members[1].pk, True, "李四")])
    secretary.post(url("meeting_attendance", meeting.pk), data)
    rows = {a.member_id: (a.present, a.representative) for a in meeting.attendance.all()}
    assert rows == {members[0].pk: (False, ""), members[1].pk: (True, "李四")}


def test_attendance_with_a_member_of_another_council_writes_nothing(
    secretary, council, members, foreign_member
):
    meeting = JointMeetingFactory(council=council)
    data = _attendance_post([(members[0].pk, True, "张三"), (foreign_member.pk, True, "外人")])
    response = secretary.post(url("meeting_attendance", meeting.pk), data)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("another council" in m for m in messages), messages
    assert not Attendance.objects.exists()


def test_add_a_resolution_and_mark_it_done(secretary, council, members):
    meeting = JointMeetingFactory(council=council)
    due = _today() + dt.timedelta(days=30)
    response = secretary.post(
        url("resolution_create", meeting.pk),
        {"text": "修缮车棚", "owner": members[1].pk, "due_date": _day(due)},
    )
    assert response.status_code == 302
    resolution = Resolution.objects.get(meeting=meeting)
    assert (resolution.text, resolution.owner, resolution.due_date) == ("修缮车棚", members[1], due)
    assert resolution.status == Resolution.Status.OPEN

    response = secretary.post(url("resolution_done", resolution.pk))
    assert response.status_code == 302
    assert response["Location"] == url("meeting_detail", meeting.pk)
    resolution.refresh_from_db()
    assert (resolution.status, resolution.done_on) == (Resolution.Status.DONE, _today())


def test_resolution_owned_by_a_unit_of_another_council_is_refused(
    secretary, council, members, foreign_member
):
    meeting = JointMeetingFactory(council=council)
    response = secretary.post(
        url("resolution_create", meeting.pk),
        {"text": "越权", "owner": foreign_member.pk, "due_date": _day(_today())},
    )
    assert_refused_on(response, "owner")
    assert not Resolution.objects.exists()


def test_resolution_owned_by_a_unit_that_left_is_refused(secretary, council, members):
    meeting = JointMeetingFactory(council=council)
    MemberUnit.objects.filter(pk=members[0].pk).update(left_on=_today())
    response = secretary.post(
        url("resolution_create", meeting.pk),
        {"text": "已退出", "owner": members[0].pk, "due_date": _day(_today())},
    )
    assert_refused_on(response, "owner")
    assert not Resolution.objects.exists()


# ---------------------------------------------------------------- activities and photos


def _activity_data(units, **overrides) -> dict:
    data = {
        "date": _day(_today()),
        "title": "重阳节敬老",
        "description": "为老人理发",
        "units": [u.pk for u in units],
        "participants": "12",
    }
    data.update(overrides)
    return data


def test_record_an_activity_and_upload_a_photo(secretary, council, members):
    response = secretary.post(url("activity_create"), _activity_data(members))
    assert response.status_code == 302
    activity = JointActivity.objects.get(council=council)
    assert response["Location"] == url("activity_detail", activity.pk)
    assert set(activity.units.all()) == set(members)
    assert (activity.title, activity.participants) == ("重阳节敬老", 12)

    picture = png_bytes()
    upload = SimpleUploadedFile("合影.png", picture, content_type="image/png")
    response = secretary.post(
        url("activity_detail", activity.pk), {"image": upload, "caption": "合影"}
    )
    assert response.status_code == 302
    photo = ActivityPhoto.objects.get(activity=activity)
    assert photo.caption == "合影"

    assert served_bytes(secretary.get(url("activity_photo", photo.pk))) == picture


def test_edit_an_activity(secretary, council, members):
    activity = JointActivityFactory(council=council, units=members)
    response = secretary.post(
        url("activity_edit", activity.pk), _activity_data(members[:1], title="改名")
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "改名"
    assert list(activity.units.all()) == [members[0]]


def test_activity_in_the_future_is_refused(secretary, council, members):
    tomorrow = _day(_today() + dt.timedelta(days=1))
    response = secretary.post(url("activity_create"), _activity_data(members, date=tomorrow))
    assert_refused_on(response, "date")
    assert not JointActivity.objects.exists()


def test_activity_with_units_of_another_council_is_refused(
    secretary, council, members, foreign_member
):
    response = secretary.post(url("activity_create"), _activity_data([members[0], foreign_member]))
    assert_refused_on(response, "units")
    assert not JointActivity.objects.exists()


def test_activity_edit_with_units_of_another_council_changes_nothing(
    secretary, council, members, foreign_member
):
    activity = JointActivityFactory(council=council, units=members, title="原名")
    response = secretary.post(
        url("activity_edit", activity.pk), _activity_data([foreign_member], title="改名")
    )
    assert_refused_on(response, "units")
    activity.refresh_from_db()
    assert activity.title == "原名"
    assert set(activity.units.all()) == set(members)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        pytest.param("合影.png", b"this is not a picture", "image/png", id="text-as-png"),
        pytest.param("合影.png", PDF_BYTES, "image/png", id="pdf-as-png"),
        pytest.param("run.exe", b"MZ\x90\x00", "application/x-msdownload", id="exe"),
    ],
)
def test_photo_that_is_not_an_image_is_refused(
    secretary, council, members, name, content, content_type
):
    activity = JointActivityFactory(council=council, units=members)
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = secretary.post(url("activity_detail", activity.pk), {"image": upload})
    assert response.status_code == 200
    form = response.context["photo_form"]
    assert form.errors.get("image"), form.errors
    assert not ActivityPhoto.objects.exists()


def test_photo_over_the_size_limit_is_refused(secretary, council, members, settings):
    settings.PHOTO_MAX_BYTES = 10
    activity = JointActivityFactory(council=council, units=members)
    upload = SimpleUploadedFile("合影.png", png_bytes(), content_type="image/png")
    response = secretary.post(url("activity_detail", activity.pk), {"image": upload})
    assert response.status_code == 200
    assert response.context["photo_form"].errors.get("image")
    assert not ActivityPhoto.objects.exists()


def test_worker_cannot_upload_a_photo(login, world, council, members):
    activity = JointActivityFactory(council=council, units=members)
    upload = SimpleUploadedFile("合影.png", png_bytes(), content_type="image/png")
    response = login(world.users["worker_a"]).post(
        url("activity_detail", activity.pk), {"image": upload}
    )
    assert response.status_code == 403
    assert not ActivityPhoto.objects.exists()


# ---------------------------------------------------------------- the .ics feed


def _unfold(body: str) -> list[str]:
    """RFC 5545 §3.1: a CRLF followed by one space continues the previous line."""
    return body.replace("\r\n ", "").split("\r\n")


def test_calendar_feed_is_a_valid_icalendar(client, council):
    long_agenda = "讨论小区加装电梯、停车位改造、垃圾分类; 以及, 其他\\事项。" * 6
    this_half = JointMeetingFactory(council=council, agenda=long_agenda, location="党群服务中心")
    year, half = _half(-1)
    held = JointMeetingFactory(
        council=council,
        planned_date=half_year_bounds(year, half)[0],
        status=Status.HELD,
        held_at=timezone.make_aware(
            dt.datetime.combine(half_year_bounds(year, half)[0], dt.time(9))
        ),
    )
    year, half = _half(1)
    cancelled = JointMeetingFactory(
        council=council,
        planned_date=half_year_bounds(year, half)[0],
        status=Status.CANCELLED,
        cancel_reason="改期",
    )

    response = client.get(reverse("governance:meetings_ics", args=[council.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    body = raw.decode("utf-8")

    # CRLF everywhere, and no physical line longer than 75 octets.
    assert body.endswith("\r\n")
    assert "\n" not in body.replace("\r\n", "")
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical), max(physical, key=len)
    assert any(line.startswith(b" ") for line in physical), "the long agenda should fold"
    for line in physical:
        line.decode("utf-8")  # a fold never splits a character

    lines = _unfold(body)[:-1]
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    uids = {line.split(":", 1)[1].split("@")[0] for line in lines if line.startswith("UID:")}
    assert uids == {f"joint-meeting-{this_half.pk}", f"joint-meeting-{held.pk}"}
    assert f"joint-meeting-{cancelled.pk}" not in body

    # The agenda survives folding, escaped as TEXT.
    escaped = long_agenda.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    assert f"DESCRIPTION:{escaped}" in lines
    # The held meeting is timed (UTC), the planned one an all-day event.
    assert f"DTSTART;VALUE=DATE:{this_half.planned_date:%Y%m%d}" in lines
    assert f"DTSTART:{held.held_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" in lines


def test_calendar_feed_of_a_council_without_meetings(client, council):
    response = client.get(reverse("governance:meetings_ics", args=[council.calendar_token]))
    lines = _unfold(response.content.decode())
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "BEGIN:VEVENT" not in lines
