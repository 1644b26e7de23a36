from django.urls import path

from casework.views import cases, rates, resident, visits, whistles

app_name = "casework"

c = "c/<slug:code>/"

urlpatterns = [
    # Cases: the office's and the task group's desk.
    path(c + "cases/", cases.CaseListView.as_view(), name="case_list"),
    path(c + "cases/export.csv", cases.CaseExportView.as_view(), name="case_export"),
    path(c + "cases/new/", cases.CaseCreateView.as_view(), name="case_create"),
    path(c + "cases/<int:pk>/", cases.CaseDetailView.as_view(), name="case_detail"),
    path(c + "cases/<int:pk>/edit/", cases.CaseUpdateView.as_view(), name="case_edit"),
    path(c + "cases/<int:pk>/assign/", cases.CaseAssignView.as_view(), name="case_assign"),
    path(c + "cases/<int:pk>/step/", cases.CaseActionView.as_view(), name="case_action"),
    path(c + "cases/<int:pk>/close/", cases.CaseCloseView.as_view(), name="case_close"),
    path(c + "cases/<int:pk>/rate/", cases.CaseRateView.as_view(), name="case_rate"),
    path(c + "cases/<int:pk>/reopen/", cases.CaseReopenView.as_view(), name="case_reopen"),
    path(
        c + "cases/<int:pk>/attachments/",
        cases.AttachmentUploadView.as_view(),
        name="attachment_upload",
    ),
    path(
        c + "cases/<int:pk>/attachments/<int:attachment_pk>/",
        cases.AttachmentFileView.as_view(),
        name="attachment_file",
    ),
    path(c + "cases/task-groups/", cases.TaskGroupListView.as_view(), name="taskgroup_list"),
    path(
        c + "cases/task-groups/new/", cases.TaskGroupCreateView.as_view(), name="taskgroup_create"
    ),
    path(
        c + "cases/task-groups/<int:pk>/edit/",
        cases.TaskGroupUpdateView.as_view(),
        name="taskgroup_edit",
    ),
    # The three rates, hotspots and recurring problems.
    path(c + "cases/rates/", rates.RatesView.as_view(), name="rates"),
    path(c + "cases/rates.csv", rates.RatesExportView.as_view(), name="rates_export"),
    path(c + "cases/recurring/", rates.RecurringView.as_view(), name="recurring"),
    path(
        c + "cases/recurring/propose/",
        rates.RecurringProposeView.as_view(),
        name="recurring_propose",
    ),
    path("area/cases/rates/", rates.AreaRatesView.as_view(), name="area_rates"),
    # Proactive visits.
    path(c + "visits/", visits.VisitListView.as_view(), name="visit_list"),
    path(c + "visits/new/", visits.VisitCreateView.as_view(), name="visit_create"),
    path(c + "visits/coverage/", visits.CoverageView.as_view(), name="visit_coverage"),
    path(c + "visits/<int:pk>/", visits.VisitDetailView.as_view(), name="visit_detail"),
    path(c + "visits/<int:pk>/edit/", visits.VisitUpdateView.as_view(), name="visit_edit"),
    path(
        c + "visits/<int:pk>/problems/new/",
        visits.ProblemCreateView.as_view(),
        name="problem_create",
    ),
    path(
        c + "visits/<int:pk>/problems/<int:problem_pk>/case/",
        visits.ProblemToCaseView.as_view(),
        name="problem_to_case",
    ),
    # Whistle and report.
    path(c + "whistles/", whistles.WhistleListView.as_view(), name="whistle_list"),
    path(c + "whistles/new/", whistles.WhistleCreateView.as_view(), name="whistle_create"),
    path(c + "whistles/<int:pk>/", whistles.WhistleDetailView.as_view(), name="whistle_detail"),
    path(
        c + "whistles/<int:pk>/respond/",
        whistles.WhistleRespondView.as_view(),
        name="whistle_respond",
    ),
    path(c + "whistles/<int:pk>/close/", whistles.WhistleCloseView.as_view(), name="whistle_close"),
    path("area/whistles/", whistles.AreaWhistlesView.as_view(), name="area_whistles"),
    # Residents on their phones.
    path(c + "my-cases/", resident.MyCaseListView.as_view(), name="my_cases"),
    path(c + "my-cases/new/", resident.MyCaseReportView.as_view(), name="my_case_report"),
    path(c + "my-cases/<int:pk>/", resident.MyCaseDetailView.as_view(), name="my_case_detail"),
    path(c + "my-cases/<int:pk>/rate/", resident.MyCaseRateView.as_view(), name="my_case_rate"),
]
