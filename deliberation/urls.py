from django.urls import path

from deliberation.views import ballots, halls, projects, proposals

app_name = "deliberation"

c = "c/<slug:code>/"

urlpatterns = [
    # Proposals: raise, co-sign, discuss, move through the lifecycle.
    path(c + "proposals/", proposals.ProposalListView.as_view(), name="proposal_list"),
    path(c + "proposals/new/", proposals.ProposalCreateView.as_view(), name="proposal_create"),
    path(c + "proposals/<int:pk>/", proposals.ProposalDetailView.as_view(), name="proposal_detail"),
    path(
        c + "proposals/<int:pk>/edit/", proposals.ProposalUpdateView.as_view(), name="proposal_edit"
    ),
    path(
        c + "proposals/<int:pk>/step/", proposals.ProposalStepView.as_view(), name="proposal_step"
    ),
    path(c + "proposals/<int:pk>/cosign/", proposals.CoSignView.as_view(), name="proposal_cosign"),
    path(
        c + "proposals/<int:pk>/cosign/paper/",
        proposals.PaperCoSignView.as_view(),
        name="proposal_paper_cosign",
    ),
    path(c + "deliberation/settings/", proposals.SettingsView.as_view(), name="settings"),
    path(
        c + "proposals/<int:pk>/opinions/",
        proposals.OpinionCreateView.as_view(),
        name="opinion_create",
    ),
    path(c + "opinions/<int:pk>/hide/", proposals.OpinionHideView.as_view(), name="opinion_hide"),
    path(
        c + "proposals/<int:pk>/photos/",
        proposals.ProposalPhotoUploadView.as_view(),
        name="proposal_photo_upload",
    ),
    path(
        c + "proposal-photos/<int:pk>/",
        proposals.ProposalPhotoView.as_view(),
        name="proposal_photo",
    ),
    # Ballots: schedule, vote (online or paper), results, public notice, QR code.
    path(
        c + "proposals/<int:pk>/ballots/new/",
        ballots.BallotCreateView.as_view(),
        name="ballot_create",
    ),
    path("b/<str:short_code>/", ballots.ShortLinkView.as_view(), name="ballot_short"),
    path(c + "ballots/<int:pk>/", ballots.BallotView.as_view(), name="ballot"),
    path(c + "ballots/<int:pk>/paper/", ballots.PaperVoteView.as_view(), name="ballot_paper"),
    path(c + "ballots/<int:pk>/results/", ballots.ResultView.as_view(), name="ballot_results"),
    path(
        c + "ballots/<int:pk>/results.csv",
        ballots.ResultCsvView.as_view(),
        name="ballot_results_csv",
    ),
    path(c + "ballots/<int:pk>/notice/", ballots.PublicNoticeView.as_view(), name="ballot_notice"),
    path(c + "ballots/<int:pk>/voters/", ballots.VoterListView.as_view(), name="ballot_voters"),
    path(c + "ballots/<int:pk>/qr.<str:fmt>", ballots.QrCodeView.as_view(), name="ballot_qr"),
    # Halls, sessions and representatives.
    path(c + "halls/", halls.HallListView.as_view(), name="hall_list"),
    path(c + "halls/new/", halls.HallCreateView.as_view(), name="hall_create"),
    path(c + "halls/<int:pk>/edit/", halls.HallUpdateView.as_view(), name="hall_edit"),
    path(c + "sessions/", halls.SessionListView.as_view(), name="session_list"),
    path(c + "sessions/new/", halls.SessionCreateView.as_view(), name="session_create"),
    path(c + "sessions/<int:pk>/", halls.SessionDetailView.as_view(), name="session_detail"),
    path(c + "sessions/<int:pk>/edit/", halls.SessionUpdateView.as_view(), name="session_edit"),
    path(c + "session-photos/<int:pk>/", halls.SessionPhotoView.as_view(), name="session_photo"),
    path(
        c + "representatives/",
        halls.RepresentativeListView.as_view(),
        name="representative_list",
    ),
    path(
        c + "representatives/new/",
        halls.RepresentativeCreateView.as_view(),
        name="representative_create",
    ),
    # Practical projects.
    path(c + "projects/", projects.ProjectListView.as_view(), name="project_list"),
    path(
        c + "proposals/<int:pk>/project/new/",
        projects.ProjectCreateView.as_view(),
        name="project_create",
    ),
    path(c + "projects/<int:pk>/", projects.ProjectDetailView.as_view(), name="project_detail"),
    path(c + "projects/<int:pk>/edit/", projects.ProjectUpdateView.as_view(), name="project_edit"),
    path(
        c + "projects/<int:pk>/milestones/new/",
        projects.MilestoneCreateView.as_view(),
        name="milestone_create",
    ),
    path(
        c + "milestones/<int:pk>/done/", projects.MilestoneDoneView.as_view(), name="milestone_done"
    ),
    path(c + "project-photos/<int:pk>/", projects.ProjectPhotoView.as_view(), name="project_photo"),
    path("area/projects/", projects.AreaProjectsView.as_view(), name="area_projects"),
]
