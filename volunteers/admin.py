from django.contrib import admin

from volunteers.models import (
    Adoption,
    Asset,
    Booking,
    CareVisit,
    HoursEntry,
    Membership,
    Shift,
    ShiftTemplate,
    Skill,
    Team,
    Volunteer,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("volunteer", "decided_by")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "kind", "status", "founded_on")
    list_filter = ("kind", "status", "community")
    search_fields = ("name", "description")
    autocomplete_fields = ("community", "organisation")
    inlines = [MembershipInline]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "masked_phone", "armband_number", "status")
    list_filter = ("status", "community", "skills")
    search_fields = ("name", "phone", "armband_number", "platform_number")
    autocomplete_fields = ("community", "resident", "user", "skills")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "team", "role", "status", "requested_at")
    list_filter = ("role", "status", "team")
    search_fields = ("volunteer__name", "team__name")
    autocomplete_fields = ("team", "volunteer", "decided_by")


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "team", "weekdays", "start_time", "end_time", "first_day", "last_day")
    list_filter = ("community", "team")
    search_fields = ("title", "place")
    autocomplete_fields = ("team", "community", "skill")


class BookingInline(admin.TabularInline):
    model = Booking
    extra = 0
    autocomplete_fields = ("volunteer", "assigned_by")
    readonly_fields = ("starts_at", "ends_at", "checked_in_at", "checked_out_at")


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("title", "team", "starts_at", "ends_at", "slots", "place")
    list_filter = ("community", "team")
    search_fields = ("title", "place")
    autocomplete_fields = ("team", "community", "template", "skill")
    date_hierarchy = "starts_at"
    readonly_fields = ("checkin_token",)
    inlines = [BookingInline]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "shift", "status", "checked_in_at", "checked_out_at")
    list_filter = ("status",)
    search_fields = ("volunteer__name", "shift__title")
    autocomplete_fields = ("shift", "volunteer", "assigned_by")


@admin.register(HoursEntry)
class HoursEntryAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "kind", "minutes", "day", "reason", "confirmed_at")
    list_filter = ("kind", ("confirmed_at", admin.EmptyFieldListFilter))
    search_fields = ("volunteer__name", "reason")
    autocomplete_fields = ("volunteer", "booking", "recorded_by", "confirmed_by")

    def has_change_permission(self, request, obj=None):
        # Hours are a history: corrections are new adjustment rows, never edits.
        return False


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "community", "location")
    list_filter = ("kind", "community")
    search_fields = ("name", "location")
    autocomplete_fields = ("community",)


class CareVisitInline(admin.TabularInline):
    model = CareVisit
    extra = 0


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ("asset", "team", "volunteer", "starts_on", "ends_on")
    search_fields = ("asset__name", "team__name", "volunteer__name")
    autocomplete_fields = ("asset", "team", "volunteer")
    inlines = [CareVisitInline]


@admin.register(CareVisit)
class CareVisitAdmin(admin.ModelAdmin):
    list_display = ("adoption", "day", "note")
    search_fields = ("note",)
    autocomplete_fields = ("adoption", "by")
