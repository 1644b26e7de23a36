from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portal import views as portal_views

admin.site.site_header = _("Gongzhi administration")
admin.site.site_title = _("Gongzhi administration")
admin.site.index_title = _("Site administration")

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("notifications/", include("notifications.urls")),
    # The communities pages and the portal pages that kept their names (me, dashboard).
    path("", include("portal.urls")),
    path("", include("governance.urls")),
    path("", include("deliberation.urls")),
    path("", include("volunteers.urls")),
    path("", include("casework.urls")),
    path("", include("audit.urls")),
]
# Uploaded files (agreement scans, activity photos) are never served from a public
# /media/ address: each goes through a view that checks who is asking.
