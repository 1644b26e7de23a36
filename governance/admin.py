from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from governance.models import (
    ActivityPhoto,
    Agreement,
    Attendance,
    ComplianceFlag,
    CoordinationCouncil,
    JointActivity,
    JointMeeting,
    MeetingReminder,
    MemberUnit,
    Organisation,
    Post,
    Resolution,
)


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    autocomplete_fields = ("user", "resident")


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "community", "district", "contact_name", "is_active")
    list_filter = ("kind", "is_active", "community", "district")
    search_fields = ("name", "contact_name", "community__name")
    autocomplete_fields = ("community", "district")
    list_select_related = ("community", "district")
    inlines = [PostInline]


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "title", "user", "resident", "start_date", "end_date")
    list_filter = ("title", "organisation__kind", "organisation__community")
    search_fields = ("organisation__name", "user__display_name", "user__phone", "resident__name")
    autocomplete_fields = ("organisation", "user", "resident")
    list_select_related = ("organisation", "user", "resident")


class MemberUnitInline(admin.TabularInline):
    model = MemberUnit
    extra = 0
    autocomplete_fields = ("organisation",)
    show_change_link = True


@admin.register(CoordinationCouncil)
class CoordinationCouncilAdmin(SimpleHistoryAdmin):
    list_display = ("name", "community", "established_on")
    search_fields = ("name", "community__name")
    autocomplete_fields = ("community",)
    readonly_fields = ("calendar_token",)
    inlines = [MemberUnitInline]


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0


@admin.register(MemberUnit)
class MemberUnitAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "council", "joined_on", "left_on")
    list_filter = ("council",)
    search_fields = ("organisation__name", "council__name")
    autocomplete_fields = ("council", "organisation")
    list_select_related = ("organisation", "council")
    inlines = [AgreementInline]


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ("member", "signed_on", "valid_until", "status")
    list_filter = ("status", "member__council")
    search_fields = ("member__organisation__name", "notes")
    autocomplete_fields = ("member",)
    list_select_related = ("member__organisation",)
    date_hierarchy = "valid_until"


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ("member",)


class ResolutionInline(admin.TabularInline):
    model = Resolution
    extra = 0
    autocomplete_fields = ("owner",)


class ReminderInline(admin.TabularInline):
    model = MeetingReminder
    extra = 0
    readonly_fields = ("days_before", "sent_at")


@admin.register(JointMeeting)
class JointMeetingAdmin(SimpleHistoryAdmin):
    list_display = ("council", "year", "half", "planned_date", "status", "held_at")
    list_filter = ("status", "year", "half", "planned_automatically", "council")
    search_fields = ("council__name", "location", "agenda")
    autocomplete_fields = ("council",)
    list_select_related = ("council",)
    inlines = [AttendanceInline, ResolutionInline, ReminderInline]


@admin.register(Resolution)
class ResolutionAdmin(SimpleHistoryAdmin):
    list_display = ("text", "meeting", "owner", "due_date", "status")
    list_filter = ("status",)
    search_fields = ("text", "owner__organisation__name")
    autocomplete_fields = ("meeting", "owner")


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ("meeting", "member", "present", "representative")
    list_filter = ("present",)
    search_fields = ("member__organisation__name", "representative")
    autocomplete_fields = ("meeting", "member")


@admin.register(MeetingReminder)
class MeetingReminderAdmin(admin.ModelAdmin):
    list_display = ("meeting", "days_before", "sent_at")
    search_fields = ("meeting__council__name",)
    autocomplete_fields = ("meeting",)


class PhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0


@admin.register(JointActivity)
class JointActivityAdmin(SimpleHistoryAdmin):
    list_display = ("title", "council", "date", "participants")
    list_filter = ("council",)
    search_fields = ("title", "description")
    autocomplete_fields = ("council", "units")
    date_hierarchy = "date"
    inlines = [PhotoInline]


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(admin.ModelAdmin):
    list_display = ("activity", "caption")
    search_fields = ("caption", "activity__title")
    autocomplete_fields = ("activity",)


@admin.register(ComplianceFlag)
class ComplianceFlagAdmin(admin.ModelAdmin):
    list_display = ("council", "kind", "year", "half", "created_at")
    list_filter = ("kind", "year")
    search_fields = ("council__name", "detail")
    autocomplete_fields = ("council",)
