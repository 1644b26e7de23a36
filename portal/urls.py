"""The portal's pages keep the names they had when they lived in communities
("communities:me", "communities:dashboard"), so their patterns join that namespace here
rather than communities reaching up for them."""

from django.urls import path

from communities import urls as community_urls
from portal import views

app_name = community_urls.app_name

urlpatterns = [
    path("me/", views.ResidentHomeView.as_view(), name="me"),
    path("c/<slug:code>/", views.DashboardView.as_view(), name="dashboard"),
    *community_urls.urlpatterns,
]
