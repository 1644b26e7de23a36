"""Install the periodic schedule from config/schedule.py into django-celery-beat."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.schedule import SCHEDULE


class Command(BaseCommand):
    help = "Create the default periodic tasks (idempotent; admins' edits are kept)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for name, (task, cron, description) in SCHEDULE.items():
            if PeriodicTask.objects.filter(name=name).exists():
                continue
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=cron.get("minute", "*"),
                hour=cron.get("hour", "*"),
                day_of_week=cron.get("day_of_week", "*"),
                day_of_month=cron.get("day_of_month", "*"),
                month_of_year=cron.get("month_of_year", "*"),
                timezone=settings.TIME_ZONE,
            )
            PeriodicTask.objects.create(
                name=name, task=task, crontab=crontab, description=str(description)
            )
            created += 1
        self.stdout.write(f"Periodic tasks installed: {created} new, {len(SCHEDULE)} in code.")
