from django.urls import path

from volunteers.views import hours, roster, teams

app_name = "volunteers"

c = "c/<slug:code>/volunteers/"

urlpatterns = [
    # Teams, membership and volunteers.
    path(c + "teams/", teams.TeamListView.as_view(), name="team_list"),
    path(c + "teams/new/", teams.TeamCreateView.as_view(), name="team_create"),
    path(c + "teams/<int:pk>/", teams.TeamDetailView.as_view(), name="team_detail"),
    path(c + "teams/<int:pk>/edit/", teams.TeamUpdateView.as_view(), name="team_edit"),
    path(c + "teams/<int:pk>/join/", teams.JoinTeamView.as_view(), name="team_join"),
    path(
        c + "memberships/<int:pk>/<str:decision>/",
        teams.MembershipDecisionView.as_view(),
        name="membership_decide",
    ),
    path(c + "people/", teams.VolunteerListView.as_view(), name="volunteer_list"),
    path(c + "people/new/", teams.VolunteerCreateView.as_view(), name="volunteer_create"),
    path(c + "people/<int:pk>/", teams.VolunteerDetailView.as_view(), name="volunteer_detail"),
    path(c + "people/<int:pk>/edit/", teams.VolunteerUpdateView.as_view(), name="volunteer_edit"),
    path(c + "become/", teams.BecomeVolunteerView.as_view(), name="become_volunteer"),
    # Rosters: shifts, recurring duties, sign-up, check-in, grids and feeds.
    path(c + "shifts/", roster.ShiftListView.as_view(), name="shift_list"),
    path(c + "shifts/new/", roster.ShiftCreateView.as_view(), name="shift_create"),
    path(c + "shifts/<int:pk>/", roster.ShiftDetailView.as_view(), name="shift_detail"),
    path(c + "shifts/<int:pk>/edit/", roster.ShiftUpdateView.as_view(), name="shift_edit"),
    path(c + "shifts/<int:pk>/sign-up/", roster.SignUpView.as_view(), name="shift_sign_up"),
    path(c + "shifts/<int:pk>/assign/", roster.AssignView.as_view(), name="shift_assign"),
    path(c + "bookings/<int:pk>/cancel/", roster.CancelView.as_view(), name="booking_cancel"),
    path(c + "bookings/<int:pk>/swap/", roster.SwapView.as_view(), name="booking_swap"),
    path(
        c + "bookings/<int:pk>/<str:action>/",
        roster.LeaderCheckView.as_view(),
        name="booking_action",
    ),
    path(c + "duties/", roster.TemplateListView.as_view(), name="template_list"),
    path(c + "duties/new/", roster.TemplateCreateView.as_view(), name="template_create"),
    path(c + "roster/", roster.RosterGridView.as_view(), name="roster_grid"),
    path(c + "roster/print/", roster.RosterPrintView.as_view(), name="roster_print"),
    path(c + "roster.csv", roster.RosterCsvView.as_view(), name="roster_csv"),
    path(c + "my-shifts/", roster.MyShiftsView.as_view(), name="my_shifts"),
    path("checkin/<str:token>/", roster.CheckInView.as_view(), name="checkin"),
    path(
        "volunteer-calendar/<str:token>/shifts.ics", roster.MyCalendarView.as_view(), name="my_ics"
    ),
    # Hours, adoptions and the dashboard.
    path(c + "hours/", hours.HoursView.as_view(), name="hours"),
    path(c + "hours/adjust/", hours.AdjustView.as_view(), name="hours_adjust"),
    path(c + "hours/confirm/", hours.ConfirmView.as_view(), name="hours_confirm"),
    path(c + "hours.csv", hours.HoursCsvView.as_view(), name="hours_csv"),
    path(
        c + "people/<int:pk>/certificate/",
        hours.CertificateView.as_view(),
        name="certificate",
    ),
    path(c + "adoptions/", hours.AdoptionListView.as_view(), name="adoption_list"),
    path(c + "adoptions/new/", hours.AdoptionCreateView.as_view(), name="adoption_create"),
    path(c + "adoptions/<int:pk>/", hours.AdoptionDetailView.as_view(), name="adoption_detail"),
    path(c + "care-photos/<int:pk>/", hours.CarePhotoView.as_view(), name="care_photo"),
    path(c, hours.DashboardView.as_view(), name="dashboard"),
]
