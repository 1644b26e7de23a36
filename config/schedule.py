"""The periodic schedule, kept in code and installed into django-celery-beat.

Admins see and adjust these rows in Django admin; `install_schedule` creates missing
ones and leaves an admin's changes to existing ones alone.
"""

from django.utils.translation import gettext_lazy as _

# name: (task, crontab fields, description)
SCHEDULE = {
    "ballot-clock": (
        "deliberation.tasks.run_ballot_clock",
        {"minute": "*"},
        _("Every minute, open and close ballots on time and send closing reminders."),
    ),
    "plan-joint-meetings": (
        "governance.tasks.plan_joint_meetings",
        {"minute": "10", "hour": "6"},
        _("Every morning at 06:10, plan this half-year's joint meeting where none exists."),
    ),
    "send-meeting-reminders": (
        "governance.tasks.send_meeting_reminders",
        {"minute": "0", "hour": "8"},
        _("Every morning at 08:00, send reminders 14 and 3 days before joint meetings."),
    ),
    "flag-overdue-compliance": (
        "governance.tasks.flag_overdue_compliance",
        {"minute": "30", "hour": "6"},
        _(
            "Every morning at 06:30, flag half-years without a meeting and years with too few "
            "activities."
        ),
    ),
    "volunteer-shift-reminders": (
        "volunteers.tasks.send_shift_reminders",
        {"minute": "*/15"},
        _("Every 15 minutes, remind volunteers of shifts starting within 24 hours, once each."),
    ),
    "volunteer-unfilled-shifts": (
        "volunteers.tasks.alert_unfilled_shifts",
        {"minute": "0", "hour": "18"},
        _(
            "Every evening at 18:00, tell team leaders about tomorrow's shifts still short of "
            "volunteers."
        ),
    ),
    "volunteer-monthly-hours": (
        "volunteers.tasks.send_monthly_hours_summaries",
        {"minute": "30", "hour": "8", "day_of_month": "1"},
        _("On the 1st of every month at 08:30, send team leaders last month's service hours."),
    ),
    "casework-sla-watch": (
        "casework.tasks.watch_sla",
        {"minute": "*/5"},
        _(
            "Every five minutes, flag cases past their contact or resolution deadline and tell "
            "their handlers (and the secretaries if still overdue hours later)."
        ),
    ),
    "casework-monthly-rates": (
        "casework.tasks.snapshot_monthly_rates",
        {"minute": "15", "hour": "0", "day_of_month": "1"},
        _("On the 1st of every month at 00:15, freeze last month's three rates."),
    ),
    "deliver-pending-notifications": (
        "notifications.tasks.deliver_pending",
        {"minute": "*/5"},
        _("Every five minutes, send notifications that could not be queued (e.g. Redis was down)."),
    ),
    "clear-expired-sessions": (
        "accounts.tasks.clear_expired_sessions",
        {"minute": "30", "hour": "3"},
        _("Delete expired login sessions every night at 03:30."),
    ),
}
