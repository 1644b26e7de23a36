from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.services import delivery_queue


@admin.action(description=_("Send again by email"))
def resend(modeladmin, request, queryset):
    for notification in queryset:
        Notification.objects.filter(pk=notification.pk).update(
            delivery=Notification.Delivery.PENDING
        )
        delivery_queue(notification.pk)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "created_at", "read_at", "delivery", "attempts")
    list_filter = ("delivery", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "body", "recipient__phone", "recipient__display_name")
    autocomplete_fields = ("recipient",)
    readonly_fields = ("created_at", "delivered_at", "attempts", "last_error")
    date_hierarchy = "created_at"
    actions = [resend]
