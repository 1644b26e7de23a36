from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path(
        "c/<slug:code>/history/<slug:kind>/<int:pk>/",
        views.RecordHistoryView.as_view(),
        name="history",
    ),
    path("c/<slug:code>/audit-log/", views.AuditLogView.as_view(), name="log"),
]
