"""A demo-like community as a resident sees it, and the list of every page a resident sees.

Used by the axe-core browser check (tests/e2e/test_accessibility.py) and by the form-error
tests (tests/test_form_errors.py); the integrator can run the same pages in elder mode by
building the estate with ``elder_mode=True``.

双合家园 (垡头街道): 王秀英 (verified, a volunteer in 平安巡逻队 with a coming shift, a
finished one and another shift she could swap to), her neighbour 李建国 (verified, not a
volunteer), a worker; a proposal waiting for co-signatures, one in deliberation with
opinions and an open ballot, one passed by a closed ballot; her two reported cases (one
received, one finished and waiting for her rating); three notifications.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from casework import services as case_services
from casework.models import Case
from communities.models import Resident
from deliberation import services as ballot_services
from deliberation.models import Ballot, Opinion, Proposal
from notifications.models import Notification
from tests.casework.factories import CaseCategoryFactory, TaskGroupFactory
from tests.deliberation.factories import BallotFactory, ProposalFactory
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CommunityRoleFactory,
    EntranceFactory,
    HouseholdFactory,
    ResidentFactory,
    SubdistrictFactory,
    UserFactory,
)
from tests.volunteers.factories import (
    BookingFactory,
    MembershipFactory,
    ShiftFactory,
    SkillFactory,
    TeamFactory,
    VolunteerFactory,
)

RESIDENT_PHONE = "13812345678"
NEIGHBOUR_PHONE = "13898765432"
PENDING_PHONE = "13698761234"


@dataclass
class Estate:
    community: object
    resident_user: object  # 王秀英: a volunteer
    neighbour_user: object  # 李建国: not a volunteer
    pending_user: object  # 张桂兰: waiting for the office to verify her
    worker: object
    cosign_proposal: object
    open_proposal: object
    passed_proposal: object
    open_ballot: object
    closed_ballot: object
    open_case: object
    closed_case: object
    team: object
    my_shift: object
    other_shift: object
    my_booking: object
    checkin_shift: object


def build_estate(*, elder_mode: bool = False) -> Estate:
    """Create the community and its residents' data (demo-like, in Chinese)."""
    now = timezone.now()
    sub = SubdistrictFactory(name="垡头街道")
    community = CommunityFactory(
        subdistrict=sub, name="双合家园", code="shuanghe", office_phone="010-67471234"
    )
    b5 = BuildingFactory(community=community, name="5号楼")
    BuildingFactory(community=community, name="3号楼")
    e1 = EntranceFactory(building=b5, name="1单元")
    e2 = EntranceFactory(building=b5, name="2单元")

    def resident(name, phone, household):
        user = UserFactory(display_name=name, phone=phone, elder_mode=elder_mode)
        person = ResidentFactory(household=household, name=name, user=user, phone=phone)
        return user, person

    resident_user, me = resident(
        "王秀英", RESIDENT_PHONE, HouseholdFactory(entrance=e2, room="402")
    )
    neighbour_user, neighbour = resident(
        "李建国", NEIGHBOUR_PHONE, HouseholdFactory(entrance=e1, room="301")
    )
    # 张桂兰 registered yesterday: the office has not verified her yet.
    pending_user = UserFactory(display_name="张桂兰", phone=PENDING_PHONE, elder_mode=elder_mode)
    ResidentFactory(
        household=HouseholdFactory(entrance=e1, room="502"),
        name="张桂兰",
        user=pending_user,
        phone=PENDING_PHONE,
        verification_status=Resident.Verification.PENDING,
        verified_at=None,
    )
    voters = [ResidentFactory(household=HouseholdFactory(entrance=e1, room=r)) for r in "12"]
    worker = UserFactory(display_name="社工李娜")
    CommunityRoleFactory(user=worker, community=community, role="worker")

    # Proposals: one to co-sign, one in deliberation (opinions, open ballot), one passed.
    cosign_proposal = ProposalFactory(
        community=community,
        status=Proposal.Status.SUBMITTED,
        title="5号楼楼道加装扶手",
        description="楼里老人多，上下楼不方便，建议在楼道加装扶手。",
        resident=neighbour,
        created_by=neighbour_user,
    )
    open_proposal = ProposalFactory(
        community=community,
        status=Proposal.Status.IN_DELIBERATION,
        title="在5号楼下建电动车充电棚",
        description="电动车上楼充电有火灾隐患。建议把5号楼东侧空地改建为充电棚。",
        created_by=worker,
    )
    Opinion.objects.create(proposal=open_proposal, author=neighbour_user, text="同意，越快越好。")
    passed_proposal = ProposalFactory(
        community=community,
        status=Proposal.Status.IN_DELIBERATION,
        title="小区东门增设快递柜",
        description="快递堆在门口容易丢，建议增设快递柜。",
        created_by=worker,
    )
    open_ballot = BallotFactory(
        proposal=open_proposal,
        question="您是否同意在5号楼下建电动车充电棚？",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=2),
        quorum_percent=50,
        secret=True,
    )
    closed_ballot = BallotFactory(
        proposal=passed_proposal,
        question="您是否同意在小区东门增设快递柜？",
        opens_at=now - dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=1),
        quorum_percent=50,
        secret=True,
    )
    labels = {"for": "同意", "against": "不同意", "abstain": "弃权"}
    for ballot in (open_ballot, closed_ballot):
        for option in ballot.options.all():
            option.label = labels[option.key]
            option.save()
        assert ballot_services.ballot_open(ballot_id=ballot.pk, now=now)
    for voter, key in [(me, "for"), (neighbour, "for"), (voters[0], "against")]:
        ballot_services.ballot_cast(ballot=closed_ballot, resident=voter, option_key=key)
    Ballot.objects.filter(pk=closed_ballot.pk).update(closes_at=now - dt.timedelta(seconds=1))
    assert ballot_services.ballot_close(ballot_id=closed_ballot.pk, now=timezone.now())

    # Her cases: one just received, one finished and waiting for her rating.
    light = CaseCategoryFactory(name="楼道照明")
    CaseCategoryFactory(name="垃圾清运")
    repairs = TaskGroupFactory(community=community, name="物业维修专班")
    open_case = case_services.case_create(
        community=community,
        by=resident_user,
        source=Case.Source.ONLINE,
        category=CaseCategoryFactory(name="下水道堵塞"),
        description="2单元门口下水道堵了，一下雨就积水。",
        building=b5,
        entrance=e2,
        reporter_resident=me,
    )
    closed_case = case_services.case_create(
        community=community,
        by=resident_user,
        source=Case.Source.ONLINE,
        category=light,
        description="3楼楼道灯坏了，晚上看不见台阶。",
        building=b5,
        entrance=e2,
        reporter_resident=me,
    )
    case_services.case_assign(case=closed_case, by=worker, task_group=repairs)
    case_services.case_close(
        case=closed_case, by=worker, outcome=Case.Outcome.RESOLVED, note="楼道灯已换新。"
    )

    # Volunteering: her team, a coming shift she is on, another she could swap to.
    SkillFactory(name="电工")
    team = TeamFactory(community=community, name="平安巡逻队", description="夜间巡逻，守护平安。")
    volunteer = VolunteerFactory(
        community=community, resident=me, user=resident_user, name="王秀英", phone=RESIDENT_PHONE
    )
    MembershipFactory(team=team, volunteer=volunteer)
    start = timezone.localtime(now).replace(hour=19, minute=0, second=0, microsecond=0)
    my_shift = ShiftFactory(
        team=team,
        title="小区夜间巡逻",
        place="南门岗亭",
        starts_at=start + dt.timedelta(days=3),
        ends_at=start + dt.timedelta(days=3, hours=2),
        slots=2,
        notes="请佩戴红袖标",
    )
    other_shift = ShiftFactory(
        team=team,
        title="小区夜间巡逻",
        place="北门岗亭",
        starts_at=start + dt.timedelta(days=5),
        ends_at=start + dt.timedelta(days=5, hours=2),
        slots=2,
    )
    my_booking = BookingFactory(shift=my_shift, volunteer=volunteer)
    # A shift starting within the hour: the QR code's check-in page shows its big button.
    soon = now + dt.timedelta(minutes=30)
    checkin_shift = ShiftFactory(
        team=team,
        title="垃圾分类桶前值守",
        place="3号楼垃圾站",
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=1),
        slots=2,
    )
    BookingFactory(shift=checkin_shift, volunteer=volunteer)

    for title in ("您的报修已办结，请评价", "新议题：5号楼楼道加装扶手", "投票已开始"):
        Notification.objects.create(recipient=resident_user, title=title, url="/me/")

    return Estate(
        community=community,
        resident_user=resident_user,
        neighbour_user=neighbour_user,
        pending_user=pending_user,
        worker=worker,
        cosign_proposal=cosign_proposal,
        open_proposal=open_proposal,
        passed_proposal=passed_proposal,
        open_ballot=open_ballot,
        closed_ballot=closed_ballot,
        open_case=open_case,
        closed_case=closed_case,
        team=team,
        my_shift=my_shift,
        other_shift=other_shift,
        my_booking=my_booking,
        checkin_shift=checkin_shift,
    )


@dataclass(frozen=True)
class ResidentPage:
    """One page a resident sees: who looks at it (None: nobody logged in), its address,
    and the HTTP status it answers with."""

    name: str
    user: str | None
    url: str
    status: int = 200


def resident_pages(estate: Estate) -> dict[str, ResidentPage]:
    """Every page a resident sees, in the estate built by ``build_estate``, by name."""
    code = estate.community.code

    def url(name, *args):
        return reverse(name, args=[code, *args])

    me, neighbour = "resident", "neighbour"
    pages = [
        ResidentPage("public_home", None, reverse("home")),
        ResidentPage("login", None, reverse("accounts:login")),
        ResidentPage("register", None, reverse("communities:register")),
        ResidentPage("resident_home", me, reverse("communities:me")),
        ResidentPage("resident_home_pending", "pending", reverse("communities:me")),
        ResidentPage("proposal_list", me, url("deliberation:proposal_list")),
        ResidentPage(
            "proposal_cosign", me, url("deliberation:proposal_detail", estate.cosign_proposal.pk)
        ),
        ResidentPage(
            "proposal_opinions", me, url("deliberation:proposal_detail", estate.open_proposal.pk)
        ),
        ResidentPage("proposal_raise", me, url("deliberation:proposal_create")),
        ResidentPage("ballot", me, url("deliberation:ballot", estate.open_ballot.pk)),
        ResidentPage(
            "ballot_not_verified",
            "pending",
            url("deliberation:ballot", estate.open_ballot.pk),
            status=403,
        ),
        ResidentPage("ballot_closed", me, url("deliberation:ballot", estate.closed_ballot.pk)),
        ResidentPage(
            "ballot_results", me, url("deliberation:ballot_results", estate.closed_ballot.pk)
        ),
        ResidentPage(
            "ballot_notice", me, url("deliberation:ballot_notice", estate.closed_ballot.pk)
        ),
        ResidentPage("my_cases", me, url("casework:my_cases")),
        ResidentPage("report_problem", me, url("casework:my_case_report")),
        ResidentPage("my_case_open", me, url("casework:my_case_detail", estate.open_case.pk)),
        ResidentPage("my_case_rate", me, url("casework:my_case_detail", estate.closed_case.pk)),
        ResidentPage("team_list", me, url("volunteers:team_list")),
        ResidentPage("team_detail", me, url("volunteers:team_detail", estate.team.pk)),
        ResidentPage("become_volunteer", neighbour, url("volunteers:become_volunteer")),
        ResidentPage("shift_list", me, url("volunteers:shift_list")),
        ResidentPage("shift_detail", me, url("volunteers:shift_detail", estate.my_shift.pk)),
        ResidentPage("shift_sign_up", me, url("volunteers:shift_detail", estate.other_shift.pk)),
        ResidentPage("my_shifts", me, url("volunteers:my_shifts")),
        ResidentPage(
            "shift_checkin",
            me,
            reverse("volunteers:checkin", args=[estate.checkin_shift.checkin_token]),
        ),
        ResidentPage("swap_shift", me, url("volunteers:booking_swap", estate.my_booking.pk)),
        ResidentPage(
            "hours_certificate",
            me,
            url("volunteers:certificate", estate.my_booking.volunteer_id),
        ),
        ResidentPage("notifications", me, reverse("notifications:inbox")),
        ResidentPage("password_change", me, reverse("accounts:password_change")),
        ResidentPage("forbidden", me, url("communities:resident_list"), status=403),
        ResidentPage("not_found", me, "/no-such-page/", status=404),
    ]
    return {page.name: page for page in pages}


# The names of resident_pages(), known before any data exists (for test parameters).
RESIDENT_PAGE_NAMES = (
    "public_home",
    "login",
    "register",
    "resident_home",
    "resident_home_pending",
    "proposal_list",
    "proposal_cosign",
    "proposal_opinions",
    "proposal_raise",
    "ballot",
    "ballot_not_verified",
    "ballot_closed",
    "ballot_results",
    "ballot_notice",
    "my_cases",
    "report_problem",
    "my_case_open",
    "my_case_rate",
    "team_list",
    "team_detail",
    "become_volunteer",
    "shift_list",
    "shift_detail",
    "shift_sign_up",
    "my_shifts",
    "shift_checkin",
    "swap_shift",
    "hours_certificate",
    "notifications",
    "password_change",
    "forbidden",
    "not_found",
)
