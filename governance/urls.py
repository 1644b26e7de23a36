from django.urls import path

from governance.views import council, structure

app_name = "governance"

c = "c/<slug:code>/"

urlpatterns = [
    # The 1351N structure: organisations, posts, the board, cross appointments.
    path(c + "governance/", structure.BoardView.as_view(), name="board"),
    path(
        c + "governance/cross-appointments/",
        structure.CrossAppointmentView.as_view(),
        name="cross_appointments",
    ),
    path(
        c + "governance/organisations/",
        structure.OrganisationListView.as_view(),
        name="organisation_list",
    ),
    path(
        c + "governance/organisations/new/",
        structure.OrganisationCreateView.as_view(),
        name="organisation_create",
    ),
    path(
        c + "governance/organisations/<int:pk>/",
        structure.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        c + "governance/organisations/<int:pk>/edit/",
        structure.OrganisationUpdateView.as_view(),
        name="organisation_edit",
    ),
    path(
        c + "governance/organisations/<int:pk>/posts/new/",
        structure.PostCreateView.as_view(),
        name="post_create",
    ),
    path(c + "governance/posts/<int:pk>/end/", structure.PostEndView.as_view(), name="post_end"),
    # The coordination council, its members and agreements, meetings and activities.
    path(c + "council/", council.CouncilView.as_view(), name="council"),
    path(c + "council/setup/", council.CouncilSetupView.as_view(), name="council_setup"),
    path(c + "council/members/new/", council.MemberAddView.as_view(), name="member_add"),
    path(
        c + "council/members/<int:pk>/leave/",
        council.MemberLeaveView.as_view(),
        name="member_leave",
    ),
    path(
        c + "council/members/<int:pk>/agreements/new/",
        council.AgreementCreateView.as_view(),
        name="agreement_create",
    ),
    path(
        c + "council/agreements/<int:pk>/edit/",
        council.AgreementUpdateView.as_view(),
        name="agreement_edit",
    ),
    path(
        c + "council/agreements/<int:pk>/file/",
        council.AgreementFileView.as_view(),
        name="agreement_file",
    ),
    path(c + "council/meetings/", council.MeetingListView.as_view(), name="meeting_list"),
    path(c + "council/meetings/new/", council.MeetingCreateView.as_view(), name="meeting_create"),
    path(
        c + "council/meetings/<int:pk>/",
        council.MeetingDetailView.as_view(),
        name="meeting_detail",
    ),
    path(
        c + "council/meetings/<int:pk>/edit/",
        council.MeetingUpdateView.as_view(),
        name="meeting_edit",
    ),
    path(
        c + "council/meetings/<int:pk>/held/",
        council.MeetingHoldView.as_view(),
        name="meeting_hold",
    ),
    path(
        c + "council/meetings/<int:pk>/cancel/",
        council.MeetingCancelView.as_view(),
        name="meeting_cancel",
    ),
    path(
        c + "council/meetings/<int:pk>/attendance/",
        council.AttendanceView.as_view(),
        name="meeting_attendance",
    ),
    path(
        c + "council/meetings/<int:pk>/resolutions/new/",
        council.ResolutionCreateView.as_view(),
        name="resolution_create",
    ),
    path(
        c + "council/resolutions/<int:pk>/done/",
        council.ResolutionDoneView.as_view(),
        name="resolution_done",
    ),
    path(
        c + "council/meetings/<int:pk>/notice/",
        council.MeetingNoticeView.as_view(),
        name="meeting_notice",
    ),
    path(
        c + "council/meetings/<int:pk>/sign-in/",
        council.SignInSheetView.as_view(),
        name="meeting_signin",
    ),
    path(c + "council/activities/", council.ActivityListView.as_view(), name="activity_list"),
    path(
        c + "council/activities/new/",
        council.ActivityCreateView.as_view(),
        name="activity_create",
    ),
    path(
        c + "council/activities/<int:pk>/",
        council.ActivityDetailView.as_view(),
        name="activity_detail",
    ),
    path(
        c + "council/activities/<int:pk>/edit/",
        council.ActivityUpdateView.as_view(),
        name="activity_edit",
    ),
    path(
        c + "council/photos/<int:pk>/",
        council.ActivityPhotoView.as_view(),
        name="activity_photo",
    ),
    # Calendar feed (secret address) and the area roll-up.
    path(
        "calendar/<str:token>/meetings.ics",
        council.MeetingCalendarView.as_view(),
        name="meetings_ics",
    ),
    path("area/compliance/", council.ComplianceRollupView.as_view(), name="compliance"),
    path("area/structure/", structure.AreaStructureView.as_view(), name="area_structure"),
]
