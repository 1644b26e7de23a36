from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from casework.models import (
    CalendarDay,
    Case,
    CaseAction,
    CaseAttachment,
    CaseCategory,
    OverdueFlag,
    RatesSnapshot,
    TaskGroup,
    Visit,
    VisitProblem,
    Whistle,
)


@admin.register(CaseCategory)
class CaseCategoryAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "is_active",
        "sort_order",
        "urgent_contact",
        "urgent_contact_unit",
        "urgent_resolve",
        "urgent_resolve_unit",
        "general_contact",
        "general_contact_unit",
        "general_resolve",
        "general_resolve_unit",
    )
    list_editable = ("is_active", "sort_order")
    list_filter = ("is_active",)
    search_fields = ("name", "description")
    fieldsets = (
        (None, {"fields": ("name", "description", "sort_order", "is_active")}),
        (
            _("Urgent cases"),
            {
                "fields": (
                    ("urgent_contact", "urgent_contact_unit"),
                    ("urgent_resolve", "urgent_resolve_unit"),
                )
            },
        ),
        (
            _("General cases"),
            {
                "fields": (
                    ("general_contact", "general_contact_unit"),
                    ("general_resolve", "general_resolve_unit"),
                )
            },
        ),
    )


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind", "name")
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(TaskGroup)
class TaskGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "property_company", "is_active")
    list_filter = ("is_active", "community")
    search_fields = ("name", "community__name")
    autocomplete_fields = ("community", "property_company", "members")
    list_select_related = ("community", "property_company")


class CaseActionInline(admin.TabularInline):
    model = CaseAction
    extra = 0
    autocomplete_fields = ("by",)


class CaseAttachmentInline(admin.TabularInline):
    model = CaseAttachment
    extra = 0
    autocomplete_fields = ("uploaded_by",)


class OverdueFlagInline(admin.TabularInline):
    model = OverdueFlag
    extra = 0
    readonly_fields = ("kind", "round", "due", "flagged_at", "secretary_notified_at")
    can_delete = False


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = (
        "reference",
        "community",
        "source",
        "category",
        "urgency",
        "status",
        "outcome",
        "satisfaction",
        "received_at",
    )
    list_filter = (
        "status",
        "source",
        "urgency",
        "outcome",
        "satisfaction",
        "category",
        "community",
    )
    search_fields = ("order_number", "description", "reporter_name", "reporter_resident__name")
    autocomplete_fields = (
        "community",
        "category",
        "building",
        "entrance",
        "reporter_resident",
        "assigned_worker",
        "task_group",
        "proposal",
        "created_by",
        "rated_by",
    )
    list_select_related = ("community", "category")
    date_hierarchy = "received_at"
    # Deadlines are worked out by the service from the category and the holiday calendar.
    readonly_fields = ("contact_due", "resolve_due", "reopen_count")
    inlines = [CaseActionInline, CaseAttachmentInline, OverdueFlagInline]

    @admin.display(description=_("case"), ordering="order_number")
    def reference(self, obj):
        return obj.reference


@admin.register(OverdueFlag)
class OverdueFlagAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "round", "due", "flagged_at", "secretary_notified_at")
    list_filter = ("kind",)
    search_fields = ("case__order_number", "case__description")
    autocomplete_fields = ("case",)
    date_hierarchy = "flagged_at"


class VisitProblemInline(admin.TabularInline):
    model = VisitProblem
    extra = 0
    autocomplete_fields = ("category", "building", "entrance", "case")


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("visited_on", "community", "worker")
    list_filter = ("community",)
    search_fields = ("notes", "worker__display_name")
    autocomplete_fields = ("community", "worker", "entrances", "households")
    date_hierarchy = "visited_on"
    inlines = [VisitProblemInline]


@admin.register(Whistle)
class WhistleAdmin(SimpleHistoryAdmin):
    list_display = ("department", "community", "status", "requested_at", "respond_by", "outcome")
    list_filter = ("status", "outcome", "department")
    search_fields = ("request", "response", "department__name", "community__name")
    autocomplete_fields = ("community", "department", "case", "proposal", "requested_by")
    list_select_related = ("community", "department")
    date_hierarchy = "requested_at"


@admin.register(RatesSnapshot)
class RatesSnapshotAdmin(admin.ModelAdmin):
    """Frozen monthly figures: shown, never edited."""

    list_display = (
        "month",
        "community",
        "received",
        "responded_on_time",
        "closed",
        "resolved",
        "rated",
        "satisfied",
        "taken_at",
    )
    list_filter = ("month", "community__subdistrict")
    search_fields = ("community__name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseAction)
class CaseActionAdmin(SimpleHistoryAdmin):
    list_display = ("case", "kind", "by", "at")
    list_filter = ("kind",)
    search_fields = ("case__order_number", "note")
    autocomplete_fields = ("case", "by")
    list_select_related = ("case", "by")
    date_hierarchy = "at"


@admin.register(CaseAttachment)
class CaseAttachmentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "case", "uploaded_by", "uploaded_at")
    search_fields = ("case__order_number", "caption")
    autocomplete_fields = ("case", "uploaded_by")
    list_select_related = ("case", "uploaded_by")


@admin.register(VisitProblem)
class VisitProblemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "visit", "category", "building", "case")
    list_filter = ("category",)
    search_fields = ("description",)
    autocomplete_fields = ("visit", "category", "building", "entrance", "case")
    list_select_related = ("visit__worker", "category", "building", "case")
