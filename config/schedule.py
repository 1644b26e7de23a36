"""The periodic schedule, kept in code and installed into django-celery-beat.

Admins see and adjust these rows in Django admin; `install_schedule` creates missing
ones and leaves an admin's changes to existing ones alone.
"""

from django.utils.translation import gettext_lazy as _

# name: (task, crontab fields, description)
SCHEDULE = {
    "clear-expired-sessions": (
        "accounts.tasks.clear_expired_sessions",
        {"minute": "30", "hour": "3"},
        _("Delete expired login sessions every night at 03:30."),
    ),
}
