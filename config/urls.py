from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from communities import views as community_views

admin.site.site_header = _("Gongzhi administration")
admin.site.site_title = _("Gongzhi administration")
admin.site.index_title = _("Site administration")

urlpatterns = [
    path("", community_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("notifications/", include("notifications.urls")),
    path("", include("communities.urls")),
    path("", include("governance.urls")),
    path("", include("deliberation.urls")),
    path("", include("volunteers.urls")),
    path("", include("casework.urls")),
    path("", include("audit.urls")),
]
# Uploaded files (agreement scans, activity photos) are never served from a public
# /media/ address: each goes through a view that checks who is asking.
