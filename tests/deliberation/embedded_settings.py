"""The embedded default (``make run``: config.settings.local on SQLite) as the concurrent-vote
test serves it from a subprocess: same database settings, a fast password hasher so that 40
log-ins don't dominate the run, tasks run in the process, no Redis needed."""

from config.settings.local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
