"""The casework services: receiving a case and what it refuses (writing nothing then),
the timeline, first contact, closing, rating, reopening, assigning and forwarding, task
groups, recurring problems raised for deliberation, visits and the problems found on
them, and whistles to district departments."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from casework import services
from casework.models import (
    Case,
    CaseAction,
    CaseCategory,
    DeadlineUnit,
    TaskGroup,
    Urgency,
    Visit,
    VisitProblem,
    Whistle,
)
from casework.visit_services import visit_problem_add, visit_problem_to_case, visit_save
from casework.whistle_services import whistle_blow, whistle_close, whistle_respond
from communities.models import Resident
from deliberation.models import Proposal
from governance.models import Organisation
from notifications.models import Notification
from tests.casework.factories import (
    CaseCategoryFactory,
    CaseFactory,
    DepartmentFactory,
    TaskGroupFactory,
    VisitFactory,
)
from tests.deliberation.factories import ProposalFactory
from tests.deliberation.factories import category as proposal_category
from tests.factories import (
    BuildingFactory,
    DistrictFactory,
    EntranceFactory,
    UserFactory,
)

A = CaseAction.Kind
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English (the site speaks Chinese by default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def cw(world):
    """Community A's places and people for cases, and B's for the refusals."""
    a, b = world.community_a, world.community_b
    u = world.users
    entrance = world.household_a.entrance
    return SimpleNamespace(
        world=world,
        a=a,
        b=b,
        u=u,
        worker=u["worker_a"],
        category=CaseCategoryFactory(name="公共设施"),  # 24 h to contact, 7 days to resolve
        building=entrance.building,
        entrance=entrance,
        group=TaskGroupFactory(community=a, name="物业专班", members=[u["property_a"]]),
        reporter=Resident.objects.get(user=u["resident_a"]),
        reporter_b=Resident.objects.get(user=u["resident_b"]),
    )


def create(cw, **kwargs):
    fields = {
        "community": cw.a,
        "by": cw.worker,
        "source": Case.Source.PHONE,
        "category": cw.category,
        "description": "  3单元楼道灯不亮  ",
        "reporter_name": "王大爷",
        "reporter_phone": "13911112222",
    }
    fields.update(kwargs)
    return services.case_create(**fields)


def kinds(case):
    return list(CaseAction.objects.filter(case=case).values_list("kind", flat=True))


def keys(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("dedupe_key", flat=True))


def fields_of(exc: pytest.ExceptionInfo) -> set[str]:
    return set(exc.value.message_dict)


def written():
    return (Case.objects.count(), CaseAction.objects.count(), Notification.objects.count())


# ---------------------------------------------------------------- receiving a case


def test_a_case_is_received_with_its_deadlines_and_first_step(cw):
    received = timezone.now() - 3 * HOUR
    case = create(cw, received_at=received, entrance=cw.entrance)
    assert case.status == Case.Status.RECEIVED
    assert case.description == "3单元楼道灯不亮"
    assert case.building == cw.building  # an entrance alone fills in its building
    assert case.contact_due == received + 24 * HOUR
    assert case.resolve_due == received + 7 * DAY
    assert case.created_by == cw.worker
    step = case.actions.get()
    assert (step.kind, step.at, step.by) == (A.RECEIVED, received, cw.worker)
    assert Notification.objects.count() == 0


def test_an_urgent_case_has_the_urgent_limits(cw):
    received = timezone.now() - HOUR
    case = create(cw, received_at=received, urgency=Urgency.URGENT)
    assert (case.contact_due, case.resolve_due) == (received + 2 * HOUR, received + 24 * HOUR)


def test_a_case_given_to_a_worker_and_the_task_group_tells_them(cw):
    case = create(cw, assigned_worker=cw.u["secretary_a"], task_group=cw.group)
    assert case.status == Case.Status.IN_PROGRESS
    assert kinds(case) == [A.RECEIVED, A.ASSIGNED, A.FORWARDED]
    secretary, prop = cw.u["secretary_a"], cw.u["property_a"]
    assert keys(secretary) == [f"case-assigned-{case.pk}-{secretary.pk}-0:{secretary.pk}"]
    assert keys(prop) == [f"case-forwarded-{case.pk}-{cw.group.pk}-0:{prop.pk}"]
    assert Notification.objects.count() == 2


def test_a_resident_reporter_replaces_the_typed_name_and_phone(cw):
    case = create(cw, reporter_resident=cw.reporter)
    assert case.reporter_resident == cw.reporter
    assert (case.reporter_name, case.reporter_phone) == ("", "")
    assert case.reporter_display == "居民甲"


def test_a_12345_order_number_is_unique_per_source_only(cw):
    first = create(cw, source=Case.Source.HOTLINE, order_number=" 2026100100001 ")
    assert first.order_number == "2026100100001"
    assert first.reference == "2026100100001"
    # The same number from another source (a walk-in's paper slip) is another case.
    other = create(cw, source=Case.Source.WALK_IN, order_number="2026100100001")
    assert other.pk != first.pk
    # Twice from the hotline: refused on the order number field, nothing written.
    before = written()
    with pytest.raises(ValidationError) as exc:
        create(cw, source=Case.Source.HOTLINE, order_number="2026100100001")
    assert fields_of(exc) == {"order_number"}
    assert written() == before


def test_an_order_number_taken_by_another_community_is_refused_too(cw):
    create(cw, source=Case.Source.HOTLINE, order_number="2026100100002")
    with pytest.raises(ValidationError) as exc:
        create(
            cw,
            community=cw.b,
            by=cw.u["secretary_b"],
            source=Case.Source.HOTLINE,
            order_number="2026100100002",
        )
    assert fields_of(exc) == {"order_number"}


def test_the_unique_index_catches_a_duplicate_the_checks_missed(cw, monkeypatch):
    """Two workers who both passed the checks: the database's unique index refuses the
    second insert, and the worker is told on the order number field."""
    create(cw, source=Case.Source.HOTLINE, order_number="2026100100003")
    monkeypatch.setattr(services, "_check_order_number_free", lambda *args, **kwargs: None)
    before = written()
    with pytest.raises(ValidationError) as exc:
        create(cw, source=Case.Source.HOTLINE, order_number="2026100100003")
    assert fields_of(exc) == {"order_number"}
    assert written() == before


def test_correcting_a_case_to_a_taken_order_number_is_refused(cw):
    create(cw, source=Case.Source.HOTLINE, order_number="2026100100004")
    case = create(cw, source=Case.Source.HOTLINE, order_number="2026100100005")
    # Saving it with its own number is fine.
    services.case_update(case=case, by=cw.worker, description="屋顶漏水")
    with pytest.raises(ValidationError) as exc:
        services.case_update(case=case, by=cw.worker, order_number="2026100100004")
    assert fields_of(exc) == {"order_number"}
    case.refresh_from_db()
    assert (case.order_number, case.description) == ("2026100100005", "屋顶漏水")


def test_a_received_time_a_few_minutes_ahead_is_accepted(cw):
    # A worker's clock a few minutes fast is not "the future".
    case = create(cw, received_at=timezone.now() + dt.timedelta(minutes=5))
    assert case.pk


REFUSALS = {
    "12345 without its number": (
        lambda cw: {"source": Case.Source.HOTLINE, "order_number": "   "},
        "order_number",
    ),
    "building of another community": (
        lambda cw: {"building": cw.world.household_b.entrance.building},
        "building",
    ),
    "entrance of another community": (
        lambda cw: {"entrance": cw.world.household_b.entrance},
        "building",
    ),
    "entrance not in the building": (
        lambda cw: {
            "building": cw.building,
            "entrance": EntranceFactory(building=BuildingFactory(community=cw.a)),
        },
        "entrance",
    ),
    "reporter of another community": (
        lambda cw: {"reporter_resident": cw.reporter_b},
        "reporter_resident",
    ),
    "no reporter at all": (lambda cw: {"reporter_name": "  "}, "reporter_name"),
    "online case without its resident": (
        lambda cw: {"source": Case.Source.ONLINE},
        "reporter_resident",
    ),
    "property staff as the worker": (
        lambda cw: {"assigned_worker": cw.u["property_a"]},
        "assigned_worker",
    ),
    "a resident as the worker": (
        lambda cw: {"assigned_worker": cw.u["resident_a"]},
        "assigned_worker",
    ),
    "another community's secretary as the worker": (
        lambda cw: {"assigned_worker": cw.u["secretary_b"]},
        "assigned_worker",
    ),
    "task group of another community": (
        lambda cw: {"task_group": TaskGroupFactory(community=cw.b, members=[cw.u["secretary_b"]])},
        "task_group",
    ),
    "inactive task group": (
        lambda cw: {
            "task_group": TaskGroupFactory(
                community=cw.a, is_active=False, members=[cw.u["property_a"]]
            ),
            "assigned_worker": cw.worker,
        },
        "task_group",
    ),
    "received in the future": (
        lambda cw: {"received_at": timezone.now() + HOUR, "assigned_worker": cw.worker},
        "received_at",
    ),
    "inactive category": (
        lambda cw: {"category": CaseCategoryFactory(name="停用类别", is_active=False)},
        "category",
    ),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_case_create_refuses_bad_input_and_writes_nothing(cw, name):
    make_kwargs, field = REFUSALS[name]
    kwargs = make_kwargs(cw)
    before = written()
    with pytest.raises(ValidationError) as exc:
        create(cw, **kwargs)
    assert fields_of(exc) == {field}
    assert written() == before


def test_a_failure_after_the_first_write_leaves_nothing_behind(cw, monkeypatch):
    """Everything happens in one transaction: a failure while notifying the task group
    undoes the case, its steps and the worker's notification."""

    def broken(case, task_group):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(services, "_notify_forwarded", broken)
    before = written()
    with pytest.raises(RuntimeError):
        create(cw, assigned_worker=cw.worker, task_group=cw.group)
    assert written() == before


# ---------------------------------------------------------------- the timeline


def test_the_first_response_marks_the_reporter_contacted_notes_do_not(cw):
    received = timezone.now() - 5 * HOUR
    case = create(cw, received_at=received)
    services.case_act(case=case, by=cw.worker, kind=A.NOTE, note="已电话未接通")
    case.refresh_from_db()
    assert case.contacted_at is None
    assert case.status == Case.Status.IN_PROGRESS
    services.case_act(case=case, by=cw.worker, kind=A.CONTACTED, at=received + 2 * HOUR)
    case.refresh_from_db()
    assert case.contacted_at == received + 2 * HOUR
    # A later response doesn't move it.
    services.case_act(case=case, by=cw.worker, kind=A.ON_SITE, at=received + 3 * HOUR)
    case.refresh_from_db()
    assert case.contacted_at == received + 2 * HOUR
    # A response recorded afterwards but back-dated before it moves it earlier.
    services.case_act(case=case, by=cw.worker, kind=A.EXPLAINED, at=received + HOUR)
    case.refresh_from_db()
    assert case.contacted_at == received + HOUR
    assert kinds(case) == [A.RECEIVED, A.EXPLAINED, A.CONTACTED, A.ON_SITE, A.NOTE]


def test_case_act_refusals(cw):
    received = timezone.now() - 5 * HOUR
    case = create(cw, received_at=received)
    for kind in (A.CLOSED, A.OVERDUE, A.RATED, "nonsense"):
        with pytest.raises(ValidationError) as exc:
            services.case_act(case=case, by=cw.worker, kind=kind, note="x")
        assert fields_of(exc) == {"kind"}
    with pytest.raises(ValidationError) as exc:
        services.case_act(case=case, by=cw.worker, kind=A.NOTE, note="   ")
    assert fields_of(exc) == {"note"}
    with pytest.raises(ValidationError) as exc:
        services.case_act(case=case, by=cw.worker, kind=A.CONTACTED, at=received - HOUR)
    assert fields_of(exc) == {"at"}
    with pytest.raises(ValidationError) as exc:
        services.case_act(case=case, by=cw.worker, kind=A.CONTACTED, at=timezone.now() + HOUR)
    assert fields_of(exc) == {"at"}
    case.refresh_from_db()
    assert case.contacted_at is None
    assert kinds(case) == [A.RECEIVED]
    services.case_close(case=case, by=cw.worker, outcome=Case.Outcome.RESOLVED, note="已修好")
    with pytest.raises(ValidationError):
        services.case_act(case=case, by=cw.worker, kind=A.CONTACTED)


# ---------------------------------------------------------------- closing and rating


def test_closing_needs_an_outcome_and_a_note(cw):
    case = create(cw, reporter_resident=cw.reporter)
    with pytest.raises(ValidationError) as exc:
        services.case_close(case=case, by=cw.worker, outcome="fixed-ish", note="已修好")
    assert fields_of(exc) == {"outcome"}
    with pytest.raises(ValidationError) as exc:
        services.case_close(case=case, by=cw.worker, outcome=Case.Outcome.RESOLVED, note="  ")
    assert fields_of(exc) == {"note"}
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED
    assert Notification.objects.count() == 0


def test_closing_tells_the_reporter_and_the_assigned_worker(cw):
    secretary = cw.u["secretary_a"]
    case = create(cw, reporter_resident=cw.reporter, assigned_worker=cw.worker)
    Notification.objects.all().delete()
    services.case_close(case=case, by=secretary, outcome=Case.Outcome.EXPLAINED, note=" 已解释 ")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert (case.outcome, case.outcome_note) == (Case.Outcome.EXPLAINED, "已解释")
    assert case.closed_at is not None
    assert kinds(case)[-1] == A.CLOSED
    resident = cw.u["resident_a"]
    assert keys(resident) == [f"case-closed-{case.pk}-0:{resident.pk}"]
    notice = Notification.objects.get(recipient=resident)
    assert notice.url == reverse("casework:my_case_detail", args=[cw.a.code, case.pk])
    assert keys(cw.worker) == [f"case-callback-{case.pk}-0:{cw.worker.pk}"]
    assert keys(secretary) == []
    with pytest.raises(ValidationError):
        services.case_close(case=case, by=secretary, outcome=Case.Outcome.RESOLVED, note="again")


def test_the_worker_closing_their_own_case_is_not_told_to_call_back(cw):
    case = create(cw, assigned_worker=cw.worker)  # a typed-in reporter: no account to tell
    Notification.objects.all().delete()
    services.case_close(case=case, by=cw.worker, outcome=Case.Outcome.RESOLVED, note="已修好")
    assert Notification.objects.count() == 0


def test_a_case_is_rated_once_and_only_when_closed(cw):
    case = create(cw, reporter_resident=cw.reporter)
    resident = cw.u["resident_a"]
    with pytest.raises(ValidationError):
        services.case_rate(case=case, by=resident, satisfaction="satisfied", via="online")
    services.case_close(case=case, by=cw.worker, outcome=Case.Outcome.RESOLVED, note="已修好")
    with pytest.raises(ValidationError) as exc:
        services.case_rate(case=case, by=resident, satisfaction="delighted", via="online")
    assert fields_of(exc) == {"satisfaction"}
    with pytest.raises(ValidationError) as exc:
        services.case_rate(case=case, by=resident, satisfaction="satisfied", via="pigeon")
    assert fields_of(exc) == {"via"}
    services.case_rate(
        case=case, by=resident, satisfaction=Case.Satisfaction.BASICALLY, via="online"
    )
    case.refresh_from_db()
    assert (case.satisfaction, case.rated_via, case.rated_by) == ("basically", "online", resident)
    assert case.rated_at is not None
    with pytest.raises(ValidationError):
        services.case_rate(
            case=case, by=cw.worker, satisfaction=Case.Satisfaction.DISSATISFIED, via="callback"
        )
    case.refresh_from_db()
    assert case.satisfaction == Case.Satisfaction.BASICALLY
    assert kinds(case).count(A.RATED) == 1


# ---------------------------------------------------------------- reopening


def test_reopening_clears_the_outcome_and_restarts_the_resolution_clock(cw):
    received = timezone.now() - 10 * DAY
    case = create(
        cw,
        received_at=received,
        reporter_resident=cw.reporter,
        assigned_worker=cw.worker,
        task_group=cw.group,
    )
    contact_due = case.contact_due
    services.case_close(case=case, by=cw.worker, outcome=Case.Outcome.RESOLVED, note="已修好")
    services.case_rate(
        case=case, by=cw.worker, satisfaction=Case.Satisfaction.DISSATISFIED, via="callback"
    )
    with pytest.raises(ValidationError) as exc:
        services.case_reopen(case=case, by=cw.worker, reason="   ")
    assert fields_of(exc) == {"reason"}
    Notification.objects.all().delete()
    moment = (timezone.now() + HOUR).replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        services.case_reopen(case=case, by=cw.worker, reason="居民反映又漏了")
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert (case.outcome, case.outcome_note, case.closed_at) == ("", "", None)
    assert (case.satisfaction, case.rated_via, case.rated_at, case.rated_by) == ("", "", None, None)
    assert case.reopen_count == 1
    assert case.resolve_due == moment + 7 * DAY  # from now, not from when it came in
    assert case.contact_due == contact_due
    assert case.actions.filter(kind=A.REOPENED).get().note == "居民反映又漏了"
    prop = cw.u["property_a"]
    assert keys(cw.worker) == [f"case-reopened-{case.pk}-1:{cw.worker.pk}"]
    assert keys(prop) == [f"case-reopened-{case.pk}-1:{prop.pk}"]
    assert keys(cw.u["resident_a"]) == []
    # Reopening an open case is refused; the new round can be closed and rated again.
    with pytest.raises(ValidationError):
        services.case_reopen(case=case, by=cw.worker, reason="再次")
    services.case_close(case=case, by=cw.worker, outcome=Case.Outcome.RESOLVED, note="彻底修好")
    services.case_rate(
        case=case, by=cw.worker, satisfaction=Case.Satisfaction.SATISFIED, via="callback"
    )
    case.refresh_from_db()
    assert case.satisfaction == Case.Satisfaction.SATISFIED
    assert keys(cw.u["resident_a"]) == [f"case-closed-{case.pk}-1:{cw.u['resident_a'].pk}"]


def test_a_reopened_case_counts_working_days_from_now(cw):
    leak = CaseCategory.objects.create(
        name="漏水(工作日)", general_resolve=3, general_resolve_unit=DeadlineUnit.WORKING_DAYS
    )
    case = create(cw, category=leak, received_at=timezone.now() - 20 * DAY)
    services.case_close(case=case, by=cw.worker, outcome=Case.Outcome.RESOLVED, note="已修好")
    moment = timezone.localtime((timezone.now() + HOUR).replace(microsecond=0))
    with time_machine.travel(moment, tick=False):
        services.case_reopen(case=case, by=cw.worker, reason="又漏了")
    case.refresh_from_db()
    calendar = services.work_calendar()
    expected_day = calendar.add_working_days(moment.date(), 3) + DAY
    assert timezone.localtime(case.resolve_due) == timezone.make_aware(
        dt.datetime.combine(expected_day, dt.time.min)
    )


# ---------------------------------------------------------------- assigning and forwarding


def test_assigning_and_forwarding_tell_the_new_handlers_once(cw):
    case = create(cw)
    prop = cw.u["property_a"]
    second = UserFactory()
    cw.group.members.add(second)
    services.case_assign(case=case, by=cw.u["secretary_a"], worker=cw.worker)
    case.refresh_from_db()
    assert (case.assigned_worker, case.status) == (cw.worker, Case.Status.IN_PROGRESS)
    assert keys(cw.worker) == [f"case-assigned-{case.pk}-{cw.worker.pk}-0:{cw.worker.pk}"]
    services.case_assign(case=case, by=cw.u["secretary_a"], worker=cw.worker, task_group=cw.group)
    assert keys(prop) == [f"case-forwarded-{case.pk}-{cw.group.pk}-0:{prop.pk}"]
    assert len(keys(second)) == 1
    # The same worker again: no new step, no new notice.
    assert kinds(case) == [A.RECEIVED, A.ASSIGNED, A.FORWARDED]
    assert len(keys(cw.worker)) == 1
    with pytest.raises(ValidationError):
        services.case_assign(case=case, by=cw.worker)
    with pytest.raises(ValidationError) as exc:
        services.case_assign(case=case, by=cw.worker, worker=prop)
    assert fields_of(exc) == {"assigned_worker"}
    other_group = TaskGroupFactory(community=cw.b)
    with pytest.raises(ValidationError) as exc:
        services.case_assign(case=case, by=cw.worker, task_group=other_group)
    assert fields_of(exc) == {"task_group"}
    services.case_close(case=case, by=cw.worker, outcome=Case.Outcome.RESOLVED, note="已修好")
    with pytest.raises(ValidationError):
        services.case_assign(case=case, by=cw.worker, worker=cw.u["secretary_a"])


# ---------------------------------------------------------------- task groups


def test_task_group_members_must_work_in_the_community(cw):
    company = Organisation.objects.create(
        kind=Organisation.Kind.PROPERTY_COMPANY, community=cw.a, name="甲物业公司"
    )
    group = services.task_group_save(
        community=cw.a,
        by=cw.worker,
        name=" 二号专班 ",
        members=[cw.u["property_a"], cw.worker],
        property_company=company,
    )
    assert group.name == "二号专班"
    assert set(group.members.all()) == {cw.u["property_a"], cw.worker}
    for outsider in (cw.u["resident_a"], cw.u["secretary_b"], cw.u["subdistrict_a"]):
        with pytest.raises(ValidationError) as exc:
            services.task_group_save(
                community=cw.a,
                by=cw.worker,
                name="二号专班",
                members=[cw.u["property_a"], outsider],
                group=group,
            )
        assert fields_of(exc) == {"members"}
    group.refresh_from_db()
    assert set(group.members.all()) == {cw.u["property_a"], cw.worker}
    company_b = Organisation.objects.create(
        kind=Organisation.Kind.PROPERTY_COMPANY, community=cw.b, name="乙物业公司"
    )
    with pytest.raises(ValidationError) as exc:
        services.task_group_save(
            community=cw.a, by=cw.worker, name="三号专班", members=[], property_company=company_b
        )
    assert fields_of(exc) == {"property_company"}
    with pytest.raises(ValidationError):
        services.task_group_save(
            community=cw.b, by=cw.u["secretary_b"], name="借用", members=[], group=group
        )
    assert TaskGroup.objects.filter(community=cw.a).count() == 2


# ---------------------------------------------------------------- recurring problems


def recurring_pair(cw, days_apart=10):
    t = timezone.now() - 40 * DAY
    one = CaseFactory(community=cw.a, category=cw.category, building=cw.building, received_at=t)
    two = CaseFactory(
        community=cw.a,
        category=cw.category,
        building=cw.building,
        received_at=t + days_apart * DAY,
    )
    return one, two


def propose(cw, cases, **kwargs):
    return services.recurring_propose(
        community=kwargs.pop("community", cw.a),
        by=kwargs.pop("by", cw.u["secretary_a"]),
        case_ids=[c.pk for c in cases],
        proposal_category=proposal_category(),
        title="1号楼屋顶反复漏水，建议整体翻修",
        description="一个月内两次报修屋顶漏水。",
    )


def test_a_recurring_problem_becomes_one_submitted_proposal(cw):
    one, two = recurring_pair(cw)
    proposal = propose(cw, [one, two])
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.community == cw.a
    assert list(proposal.buildings.all()) == [cw.building]
    assert not proposal.whole_community
    assert set(proposal.cases.all()) == {one, two}
    for case in (one, two):
        assert kinds(case) == [A.PROPOSAL]
    # Linked cases can't be raised again.
    with pytest.raises(ValidationError):
        propose(cw, [one, two])
    assert Proposal.objects.count() == 1


def test_recurring_propose_refuses_cases_that_are_not_one_group(cw):
    one, two = recurring_pair(cw)
    far_one, far_two = recurring_pair(cw, days_apart=31)
    elsewhere = CaseFactory(
        community=cw.a,
        category=cw.category,
        building=BuildingFactory(community=cw.a),
        received_at=one.received_at + DAY,
    )
    other_category = CaseFactory(
        community=cw.a, building=cw.building, received_at=one.received_at + DAY
    )
    in_b = CaseFactory(community=cw.b, category=cw.category, received_at=one.received_at + DAY)
    for cases in (
        [one],  # one case is not a recurring problem
        [far_one, far_two],  # 31 days apart
        [one, elsewhere],  # another building
        [one, other_category],  # another category
        [one, two, in_b],  # a case of another community
    ):
        with pytest.raises(ValidationError):
            propose(cw, cases)
    # Asked from community B, A's cases are not found.
    with pytest.raises(ValidationError):
        propose(cw, [one, two], community=cw.b, by=cw.u["secretary_b"])
    assert Proposal.objects.count() == 0
    assert not Case.objects.filter(proposal__isnull=False).exists()


def test_a_case_already_linked_blocks_the_whole_group(cw):
    one, two = recurring_pair(cw)
    three = CaseFactory(
        community=cw.a,
        category=cw.category,
        building=cw.building,
        received_at=one.received_at + 20 * DAY,
    )
    propose(cw, [one, two])
    with pytest.raises(ValidationError):
        propose(cw, [two, three])
    three.refresh_from_db()
    assert three.proposal is None


# ---------------------------------------------------------------- visits


def test_a_visit_adds_the_entrances_of_the_households_visited(cw):
    other = EntranceFactory(building=cw.building)
    visit = visit_save(
        community=cw.a,
        by=cw.worker,
        worker=cw.worker,
        visited_on=timezone.localdate(),
        entrances=[other],
        households=[cw.world.household_a],
        notes="  走访独居老人  ",
    )
    assert set(visit.entrances.all()) == {other, cw.entrance}
    assert list(visit.households.all()) == [cw.world.household_a]
    assert visit.notes == "走访独居老人"
    # Households alone are enough.
    only_households = visit_save(
        community=cw.a,
        by=cw.worker,
        worker=cw.worker,
        visited_on=timezone.localdate() - DAY,
        entrances=[],
        households=[cw.world.household_a],
    )
    assert list(only_households.entrances.all()) == [cw.entrance]


@pytest.mark.parametrize(
    ("make_kwargs", "field"),
    [
        (lambda cw: {"visited_on": timezone.localdate() + DAY}, "visited_on"),
        (lambda cw: {"worker": cw.u["property_a"]}, "worker"),
        (lambda cw: {"worker": cw.u["secretary_b"]}, "worker"),
        (lambda cw: {"entrances": [cw.world.household_b.entrance]}, "entrances"),
        (lambda cw: {"households": [cw.world.household_b]}, "households"),
        (lambda cw: {"entrances": [], "households": []}, "entrances"),
    ],
)
def test_visit_save_refusals(cw, make_kwargs, field):
    kwargs = {
        "community": cw.a,
        "by": cw.worker,
        "worker": cw.worker,
        "visited_on": timezone.localdate(),
        "entrances": [cw.entrance],
    }
    kwargs.update(make_kwargs(cw))
    with pytest.raises(ValidationError) as exc:
        visit_save(**kwargs)
    assert fields_of(exc) == {field}
    assert Visit.objects.count() == 0


def test_a_problem_found_on_a_visit_becomes_a_case_once(cw):
    visit = VisitFactory(community=cw.a, worker=cw.worker)
    problem = visit_problem_add(
        visit=visit,
        by=cw.worker,
        description=" 楼道堆放杂物 ",
        category=cw.category,
        entrance=cw.entrance,
    )
    assert problem.building == cw.building
    with pytest.raises(ValidationError) as exc:
        visit_problem_add(
            visit=visit,
            by=cw.worker,
            description="x",
            category=cw.category,
            building=cw.world.household_b.entrance.building,
        )
    assert fields_of(exc) == {"building"}
    case = visit_problem_to_case(problem=problem, by=cw.worker, task_group=cw.group)
    assert case.source == Case.Source.VISIT
    assert (case.community, case.category, case.building, case.entrance) == (
        cw.a,
        cw.category,
        cw.building,
        cw.entrance,
    )
    assert case.description == "楼道堆放杂物"
    assert case.task_group == cw.group
    problem.refresh_from_db()
    assert problem.case == case
    with pytest.raises(ValidationError):
        visit_problem_to_case(problem=problem, by=cw.worker)
    assert Case.objects.count() == 1
    assert VisitProblem.objects.get().case == case


# ---------------------------------------------------------------- whistles


@pytest.fixture
def department(cw):
    return DepartmentFactory(district=cw.a.subdistrict.district, name="区城管委")


def test_a_whistle_on_a_case_goes_on_its_timeline(cw, department):
    case = create(cw)
    whistle = whistle_blow(
        community=cw.a,
        by=cw.u["subdistrict_a"],
        department=department,
        request="  请区城管委协调拆除违建  ",
        respond_by=timezone.localdate() + 7 * DAY,
        case=case,
    )
    assert whistle.status == Whistle.Status.OPEN
    assert whistle.request == "请区城管委协调拆除违建"
    step = case.actions.get(kind=A.WHISTLE)
    assert "区城管委" in step.note


def test_a_whistle_on_a_passed_proposal(cw, department):
    passed = ProposalFactory(community=cw.a, status=Proposal.Status.PASSED)
    whistle = whistle_blow(
        community=cw.a,
        by=cw.worker,
        department=department,
        request="请协调加装电梯",
        respond_by=timezone.localdate(),
        proposal=passed,
    )
    assert whistle.subject == passed


def test_whistle_blow_refusals(cw, department):
    case = create(cw)
    today = timezone.localdate()
    base = {
        "community": cw.a,
        "by": cw.worker,
        "department": department,
        "request": "请协调",
        "respond_by": today + DAY,
        "case": case,
    }
    other_district = DepartmentFactory(district=DistrictFactory())
    inactive = DepartmentFactory(district=cw.a.subdistrict.district, is_active=False)
    not_a_department = Organisation.objects.create(
        kind=Organisation.Kind.PROPERTY_COMPANY, community=cw.a, name="物业公司"
    )
    case_b = CaseFactory(community=cw.b)
    draft = ProposalFactory(community=cw.a, status=Proposal.Status.SUBMITTED)
    passed_b = ProposalFactory(community=cw.b, status=Proposal.Status.PASSED)
    for changes, field in (
        ({"department": other_district}, "department"),
        ({"department": inactive}, "department"),
        ({"department": not_a_department}, "department"),
        ({"case": case_b}, "case"),
        ({"respond_by": today - DAY}, "respond_by"),
        ({"case": None, "proposal": draft}, "proposal"),
        ({"case": None, "proposal": passed_b}, "proposal"),
        ({"case": None}, None),  # neither a case nor a proposal
        ({"proposal": ProposalFactory(community=cw.a, status="passed")}, None),  # both
    ):
        with pytest.raises(ValidationError) as exc:
            whistle_blow(**{**base, **changes})
        if field is None:
            assert not hasattr(exc.value, "error_dict")
        else:
            assert fields_of(exc) == {field}
    assert Whistle.objects.count() == 0
    assert not case.actions.filter(kind=A.WHISTLE).exists()


def test_a_whistle_is_answered_then_closed(cw, department):
    whistle = whistle_blow(
        community=cw.a,
        by=cw.worker,
        department=department,
        request="请协调",
        respond_by=timezone.localdate() + DAY,
        case=create(cw),
    )
    with pytest.raises(ValidationError):
        whistle_close(whistle=whistle, by=cw.worker, outcome=Whistle.Outcome.SOLVED)
    with pytest.raises(ValidationError) as exc:
        whistle_respond(whistle=whistle, by=cw.worker, response="  ")
    assert fields_of(exc) == {"response"}
    for when in (timezone.now() + HOUR, whistle.requested_at - HOUR):
        with pytest.raises(ValidationError) as exc:
            whistle_respond(whistle=whistle, by=cw.worker, response="已到场", responded_at=when)
        assert fields_of(exc) == {"responded_at"}
    whistle_respond(whistle=whistle, by=cw.worker, response="  已到场查看 ")
    whistle.refresh_from_db()
    assert (whistle.status, whistle.response) == (Whistle.Status.RESPONDED, "已到场查看")
    assert whistle.responded_at is not None
    with pytest.raises(ValidationError) as exc:
        whistle_close(whistle=whistle, by=cw.worker, outcome="great")
    assert fields_of(exc) == {"outcome"}
    whistle_close(whistle=whistle, by=cw.worker, outcome=Whistle.Outcome.PARTLY, note=" 部分拆除 ")
    whistle.refresh_from_db()
    assert (whistle.status, whistle.outcome, whistle.outcome_note) == (
        Whistle.Status.CLOSED,
        Whistle.Outcome.PARTLY,
        "部分拆除",
    )
    assert whistle.closed_at is not None
    with pytest.raises(ValidationError):
        whistle_close(whistle=whistle, by=cw.worker, outcome=Whistle.Outcome.SOLVED)
    with pytest.raises(ValidationError):
        whistle_respond(whistle=whistle, by=cw.worker, response="补充")
    whistle.refresh_from_db()
    assert whistle.outcome == Whistle.Outcome.PARTLY
    assert Whistle.objects.open().count() == 0
