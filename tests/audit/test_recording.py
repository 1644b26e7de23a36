"""Every tracked kind of record keeps who changed what and when, through the real pages
and services; writes that used to bypass save() now reach the history too."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services as case_services
from casework import whistle_services
from casework.models import Case, CaseAction, Whistle
from communities import services as community_services
from communities.models import AreaStaffRole, CommunityRole, Household, Resident
from deliberation import proposal_services
from deliberation import services as deliberation_services
from deliberation.models import CoSign, Opinion, Proposal, ProposalEvent
from governance import council_services, structure_services
from governance import services as governance_services
from governance.models import (
    Agreement,
    Attendance,
    CoordinationCouncil,
    JointActivity,
    JointMeeting,
    MemberUnit,
    Organisation,
    Post,
    Resolution,
)
from tests.audit.conftest import acting_as
from tests.casework.factories import CaseCategoryFactory, DepartmentFactory
from tests.deliberation.factories import BallotFactory, ProposalFactory, beijing
from tests.factories import ResidentFactory, SubdistrictFactory, UserFactory

S = Proposal.Status


def latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


# ---------------------------------------------------------------- communities


@pytest.mark.django_db
def test_verifying_a_resident_on_the_page_records_the_worker(world, login):
    resident = ResidentFactory(
        household=world.household_a, verification_status=Resident.Verification.PENDING
    )
    worker = world.users["worker_a"]
    url = reverse("communities:verification_decide", args=["a", resident.pk, "approve"])
    assert login(worker).post(url).status_code == 302
    row = latest(Resident, resident.pk)
    assert row.history_type == "~"
    assert row.history_user == worker
    assert row.verification_status == Resident.Verification.VERIFIED
    assert row.prev_record.verification_status == Resident.Verification.PENDING


@pytest.mark.django_db
def test_editing_a_household_on_the_page_records_the_worker(world, login):
    household = world.household_a
    worker = world.users["worker_a"]
    url = reverse("communities:household_edit", args=["a", household.pk])
    response = login(worker).post(
        url,
        {
            "entrance": household.entrance_id,
            "room": "101",
            "floor_area": "77.70",
            "tenure": "tenant",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = latest(Household, household.pk)
    assert (row.history_type, row.history_user, row.tenure) == ("~", worker, "tenant")


@pytest.mark.django_db
def test_ending_a_role_on_the_page_records_the_secretary(world, login):
    role = CommunityRole.objects.get(user=world.users["worker_a"])
    secretary = world.users["secretary_a"]
    response = login(secretary).post(reverse("communities:role_end", args=["a", role.pk]))
    assert response.status_code == 302
    row = latest(CommunityRole, role.pk)
    assert (row.history_type, row.history_user, row.end_date) == (
        "~",
        secretary,
        timezone.localdate(),
    )


@pytest.mark.django_db
def test_appointing_a_role_records_creation_by_the_secretary(world):
    secretary = world.users["secretary_a"]
    with acting_as(secretary):
        role, _password = community_services.role_assign(
            community=world.community_a,
            phone="13700001111",
            role=CommunityRole.Role.WORKER,
            start_date=timezone.localdate(),
            display_name="新社工",
        )
    row = latest(CommunityRole, role.pk)
    assert (row.history_type, row.history_user) == ("+", secretary)


@pytest.mark.django_db
def test_area_staff_roles_are_tracked(world):
    admin = world.users["superuser"]
    with acting_as(admin):
        role = AreaStaffRole.objects.create(
            user=UserFactory(), subdistrict=SubdistrictFactory(), start_date=timezone.localdate()
        )
    assert latest(AreaStaffRole, role.pk).history_user == admin


@pytest.mark.django_db
def test_a_write_outside_a_request_is_recorded_as_the_system(world):
    resident = world.users["resident_a"].resident
    community_services.resident_verify(resident=resident, by=None)
    assert latest(Resident, resident.pk).history_user is None


# ---------------------------------------------------------------- governance


@pytest.mark.django_db
def test_every_governance_record_keeps_who_changed_it(world):
    secretary = world.users["secretary_a"]
    community = world.community_a
    today = timezone.localdate()
    with acting_as(secretary):
        organisation = structure_services.organisation_save(
            organisation=Organisation(
                community=community, kind=Organisation.Kind.PROPERTY_COMPANY, name="城承物业"
            )
        )
        post = structure_services.post_assign(
            organisation=organisation,
            title=Post.Title.MANAGER,
            user=world.users["property_a"],
            start_date=today - dt.timedelta(days=10),
        )
        structure_services.post_end(post=post, on=today)
        council = council_services.council_save(
            council=CoordinationCouncil(community=community, name="党建协调委员会")
        )
        member = council_services.member_add(
            member=MemberUnit(council=council, organisation=organisation)
        )
        agreement = council_services.agreement_save(
            agreement=Agreement(
                member=member, signed_on=today, valid_until=today + dt.timedelta(days=365)
            )
        )
        meeting = governance_services.meeting_plan(council=council, planned_date=today)
        council_services.attendance_record(
            meeting=meeting, rows=[{"member": member.pk, "present": True}]
        )
        resolution = council_services.resolution_save(
            resolution=Resolution(meeting=meeting, text="共建充电棚", owner=member, due_date=today)
        )
        council_services.resolution_done(resolution=resolution)
        activity = council_services.activity_save(
            activity=JointActivity(council=council, date=today, title="植树"), units=[member]
        )
        council_services.member_leave(member=member, on=today)
    attendance = Attendance.objects.get(meeting=meeting)
    for model, pk in [
        (Organisation, organisation.pk),
        (Post, post.pk),
        (CoordinationCouncil, council.pk),
        (MemberUnit, member.pk),
        (Agreement, agreement.pk),
        (JointMeeting, meeting.pk),
        (Attendance, attendance.pk),
        (Resolution, resolution.pk),
        (JointActivity, activity.pk),
    ]:
        rows = list(model.history.filter(id=pk))
        assert rows, model.__name__
        assert {r.history_user for r in rows} == {secretary}, model.__name__
    assert latest(Post, post.pk).end_date == today
    assert latest(MemberUnit, member.pk).left_on == today
    assert latest(Resolution, resolution.pk).status == Resolution.Status.DONE
    # The council's calendar secret is never copied into the history.
    assert "calendar_token" not in {f.name for f in CoordinationCouncil.history.model._meta.fields}


# ---------------------------------------------------------------- deliberation


@pytest.mark.django_db
def test_proposal_steps_cosigns_and_hidden_opinions_keep_the_office_user(world, login):
    worker = world.users["worker_a"]
    proposal = ProposalFactory(community=world.community_a, status=S.SUBMITTED)
    client = login(worker)
    response = client.post(
        reverse("deliberation:proposal_step", args=["a", proposal.pk]), {"to_status": S.ON_AGENDA}
    )
    assert response.status_code == 302
    row = latest(Proposal, proposal.pk)
    assert (row.history_type, row.history_user, row.status) == ("~", worker, S.ON_AGENDA)
    event = ProposalEvent.objects.get(proposal=proposal, to_status=S.ON_AGENDA)
    assert latest(ProposalEvent, event.pk).history_user == worker

    # A co-signature the office records from paper.
    proposal.status = S.SUBMITTED
    proposal.save()
    resident = world.users["resident_a"].resident
    client.post(
        reverse("deliberation:proposal_paper_cosign", args=["a", proposal.pk]),
        {"resident": resident.pk},
    )
    cosign = CoSign.objects.get(proposal=proposal, resident=resident)
    assert latest(CoSign, cosign.pk).history_user == worker

    opinion = proposal_services.opinion_add(
        proposal=proposal, author=world.users["resident_a"], text="联系方式 13800138000"
    )
    client.post(
        reverse("deliberation:opinion_hide", args=["a", opinion.pk]), {"reason": "含有个人信息"}
    )
    row = latest(Opinion, opinion.pk)
    assert row.history_user == worker and row.hidden_reason == "含有个人信息"


@pytest.mark.django_db
def test_reaching_the_cosign_threshold_is_in_the_proposal_history(world):
    proposal = ProposalFactory(community=world.community_a, status=S.SUBMITTED)
    resident = world.users["resident_a"].resident
    with acting_as(world.users["resident_a"]):
        deliberation_services.cosign_add(proposal=proposal, resident=resident, threshold=1)
    row = latest(Proposal, proposal.pk)
    assert row.agenda_flagged_at is not None
    assert row.history_user == world.users["resident_a"]


@pytest.mark.django_db
def test_ballot_opening_and_closing_move_the_proposal_in_its_history_as_the_system(world):
    ballot = BallotFactory(proposal__community=world.community_a)
    proposal = ballot.proposal
    assert deliberation_services.ballot_open(ballot_id=ballot.pk, now=beijing(2026, 5, 1, 10))
    row = latest(Proposal, proposal.pk)
    assert (row.status, row.history_user) == (S.VOTING, None)
    assert deliberation_services.ballot_close(ballot_id=ballot.pk, now=beijing(2026, 5, 9, 10))
    row = latest(Proposal, proposal.pk)
    assert row.status in (S.PASSED, S.REJECTED)
    assert row.prev_record.status == S.VOTING
    assert row.history_user is None


# ---------------------------------------------------------------- casework


@pytest.mark.django_db
def test_case_steps_and_whistles_keep_the_handler(world, login):
    worker = world.users["worker_a"]
    with acting_as(worker):
        case = case_services.case_create(
            community=world.community_a,
            by=worker,
            source=Case.Source.PHONE,
            category=CaseCategoryFactory(),
            description="楼道灯坏了",
            reporter_name="王大爷",
            reporter_phone="13911112222",
        )
    assert latest(Case, case.pk).history_type == "+"
    response = login(worker).post(
        reverse("casework:case_action", args=["a", case.pk]),
        {"step-kind": "fixed", "step-note": "已更换灯泡"},
    )
    assert response.status_code == 302
    action = CaseAction.objects.get(case=case, kind=CaseAction.Kind.FIXED)
    assert latest(CaseAction, action.pk).history_user == worker
    assert latest(Case, case.pk).history_user == worker

    staff = world.users["subdistrict_a"]
    department = DepartmentFactory(district=world.community_a.subdistrict.district)
    with acting_as(staff):
        whistle = whistle_services.whistle_blow(
            community=world.community_a,
            by=staff,
            department=department,
            request="请园林局来修剪",
            respond_by=timezone.localdate() + dt.timedelta(days=5),
            case=case,
        )
    assert latest(Whistle, whistle.pk).history_user == staff


# ---------------------------------------------------------------- secret ballots


def test_nothing_that_could_tie_a_voter_to_a_choice_has_a_history():
    """Ballots, their options (the running tallies), participations, named choices and
    results carry no historical model: no row per vote with a time and a user exists."""
    from django.apps import apps

    from deliberation.models import (
        Ballot,
        BallotOption,
        BallotResult,
        NamedChoice,
        Participation,
    )

    for model in (Ballot, BallotOption, Participation, NamedChoice, BallotResult):
        assert not hasattr(model, "history"), model.__name__
    historical = {m._meta.model_name for m in apps.get_app_config("deliberation").get_models()}
    for name in ("ballot", "ballotoption", "participation", "namedchoice", "ballotresult"):
        assert f"historical{name}" not in historical
    # And the tracked deliberation records have one.
    assert {"historicalproposal", "historicalcosign", "historicalproposalevent"} <= historical


@pytest.mark.django_db
def test_casting_a_secret_vote_writes_no_history_row_anywhere(world):
    from deliberation.models import Ballot

    ballot = BallotFactory(proposal__community=world.community_a, secret=True)
    deliberation_services.ballot_open(ballot_id=ballot.pk, now=beijing(2026, 5, 1, 10))
    models = _tracked_models()
    before = {m: m.history.count() for m in models}
    resident = world.users["resident_a"].resident
    with acting_as(world.users["resident_a"]):
        deliberation_services.ballot_cast(
            ballot=Ballot.objects.get(pk=ballot.pk),
            resident=resident,
            option_key="for",
            now=beijing(2026, 5, 2, 10),
        )
    assert {m: m.history.count() for m in models} == before


def _tracked_models():
    from django.apps import apps

    return [m for m in apps.get_models() if hasattr(m, "history") and hasattr(m.history, "model")]


@pytest.mark.django_db
def test_admin_shows_a_records_history_read_only(world, client):
    resident = world.users["resident_a"].resident
    worker = world.users["worker_a"]
    with acting_as(worker):
        resident.birth_year = 1948
        community_services.resident_save(resident=resident)
    client.force_login(world.users["superuser"])
    history = reverse("admin:communities_resident_history", args=[resident.pk])
    response = client.get(history)
    assert response.status_code == 200
    assert worker.display_name in response.content.decode()
    row = latest(Resident, resident.pk)
    old_version = reverse(
        "admin:communities_resident_simple_history", args=[resident.pk, row.prev_record.pk]
    )
    # Rolling back from admin would bypass the services: the old version is view-only.
    client.post(old_version, {"name": "x"})
    resident.refresh_from_db()
    assert resident.birth_year == 1948


@pytest.mark.django_db
def test_a_self_registration_is_recorded_as_the_new_account(world, client):
    response = client.post(
        reverse("communities:register"),
        {
            "display_name": "新居民",
            "phone": "13755556666",
            "password1": "Gongzhi-2026-pass",
            "password2": "Gongzhi-2026-pass",
            "community": world.community_a.pk,
            "building": world.household_a.entrance.building_id,
            "entrance": world.household_a.entrance_id,
            "household": world.household_a.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    resident = Resident.objects.get(name="新居民")
    row = latest(Resident, resident.pk)
    assert row.history_type == "+" and row.history_user == resident.user
