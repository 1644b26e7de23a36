from django.urls import path

from communities import views

app_name = "communities"

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("register/options/", views.register_options, name="register_options"),
    path("area/", views.AreaView.as_view(), name="area"),
    path("c/<slug:code>/start/", views.RoleHomeView.as_view(), name="role_home"),
    path("c/<slug:code>/profile/", views.ProfileEditView.as_view(), name="profile_edit"),
    path("c/<slug:code>/buildings/", views.BuildingListView.as_view(), name="building_list"),
    path(
        "c/<slug:code>/compounds/new/", views.CompoundCreateView.as_view(), name="compound_create"
    ),
    path(
        "c/<slug:code>/compounds/<int:pk>/edit/",
        views.CompoundUpdateView.as_view(),
        name="compound_edit",
    ),
    path(
        "c/<slug:code>/<str:kind>/<int:pk>/delete/",
        views.RosterDeleteView.as_view(),
        name="roster_delete",
    ),
    path(
        "c/<slug:code>/buildings/new/", views.BuildingCreateView.as_view(), name="building_create"
    ),
    path(
        "c/<slug:code>/buildings/<int:pk>/",
        views.BuildingDetailView.as_view(),
        name="building_detail",
    ),
    path(
        "c/<slug:code>/buildings/<int:pk>/edit/",
        views.BuildingUpdateView.as_view(),
        name="building_edit",
    ),
    path(
        "c/<slug:code>/entrances/new/", views.EntranceCreateView.as_view(), name="entrance_create"
    ),
    path(
        "c/<slug:code>/entrances/<int:pk>/edit/",
        views.EntranceUpdateView.as_view(),
        name="entrance_edit",
    ),
    path("c/<slug:code>/households/", views.HouseholdListView.as_view(), name="household_list"),
    path(
        "c/<slug:code>/households/new/",
        views.HouseholdCreateView.as_view(),
        name="household_create",
    ),
    path(
        "c/<slug:code>/households/<int:pk>/",
        views.HouseholdDetailView.as_view(),
        name="household_detail",
    ),
    path(
        "c/<slug:code>/households/<int:pk>/edit/",
        views.HouseholdUpdateView.as_view(),
        name="household_edit",
    ),
    path("c/<slug:code>/residents/", views.ResidentListView.as_view(), name="resident_list"),
    path(
        "c/<slug:code>/residents/new/", views.ResidentCreateView.as_view(), name="resident_create"
    ),
    path(
        "c/<slug:code>/residents/<int:pk>/",
        views.ResidentDetailView.as_view(),
        name="resident_detail",
    ),
    path(
        "c/<slug:code>/residents/<int:pk>/edit/",
        views.ResidentUpdateView.as_view(),
        name="resident_edit",
    ),
    path(
        "c/<slug:code>/residents/<int:pk>/move-out/",
        views.ResidentMoveOutView.as_view(),
        name="resident_move_out",
    ),
    path(
        "c/<slug:code>/residents/<int:pk>/move-back/",
        views.ResidentMoveBackView.as_view(),
        name="resident_move_back",
    ),
    path(
        "c/<slug:code>/residents/<int:pk>/account/",
        views.ResidentLinkAccountView.as_view(),
        name="resident_link_account",
    ),
    path(
        "c/<slug:code>/residents/<int:pk>/reset-password/",
        views.ResidentResetPasswordView.as_view(),
        name="resident_reset_password",
    ),
    path(
        "c/<slug:code>/verification/",
        views.VerificationQueueView.as_view(),
        name="verification",
    ),
    path(
        "c/<slug:code>/verification/<int:pk>/<str:decision>/",
        views.VerificationDecisionView.as_view(),
        name="verification_decide",
    ),
    path("c/<slug:code>/roles/", views.RoleListView.as_view(), name="role_list"),
    path("c/<slug:code>/roles/new/", views.RoleAssignView.as_view(), name="role_assign"),
    path("c/<slug:code>/roles/<int:pk>/end/", views.RoleEndView.as_view(), name="role_end"),
    path("c/<slug:code>/roster/import/", views.RosterImportView.as_view(), name="roster_import"),
    path(
        "c/<slug:code>/roster/import/<str:token>/",
        views.RosterImportPreviewView.as_view(),
        name="roster_import_preview",
    ),
    path(
        "c/<slug:code>/roster/export.<str:fmt>",
        views.RosterExportView.as_view(),
        name="roster_export",
    ),
    path(
        "c/<slug:code>/roster/template.<str:fmt>",
        views.RosterExportView.as_view(),
        {"template": True},
        name="roster_template",
    ),
]
