from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("read/", views.MarkReadView.as_view(), name="read_all"),
    path("<int:pk>/read/", views.MarkReadView.as_view(), name="read"),
]
