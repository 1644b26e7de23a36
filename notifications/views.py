"""The inbox: every user's notifications, newest first."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from notifications.models import Notification
from notifications.services import notification_mark_read


class InboxView(LoginRequiredMixin, ListView):
    template_name = "notifications/inbox.html"
    context_object_name = "notifications"
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user).order_by("-created_at", "-pk")


class MarkReadView(LoginRequiredMixin, View):
    """Mark one notification read and follow its link; or mark all read."""

    http_method_names = ["post"]

    def post(self, request, pk=None):
        notification_mark_read(user=request.user, notification_id=pk)
        target = "notifications:inbox"
        if pk is not None:
            link = (
                Notification.objects.for_user(request.user)
                .filter(pk=pk)
                .values_list("url", flat=True)
                .first()
            )
            if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
                target = link
        return redirect(target)
