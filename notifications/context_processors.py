"""The unread count shown beside the inbox link: one query per page."""

from django.utils.functional import SimpleLazyObject

from notifications.models import Notification


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.for_user(user).unread().count()
        )
    }
