"""Background jobs of the accounts app."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(
    name="accounts.tasks.clear_expired_sessions",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def clear_expired_sessions() -> int:
    """Delete expired sessions; running it twice deletes nothing the second time."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
