from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communities import services
from communities.models import (
    AreaStaffRole,
    Building,
    Community,
    CommunityRole,
    Compound,
    District,
    Entrance,
    Household,
    Resident,
    Subdistrict,
)


class SubdistrictInline(admin.TabularInline):
    model = Subdistrict
    extra = 0
    show_change_link = True


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    inlines = [SubdistrictInline]


@admin.register(Subdistrict)
class SubdistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "district")
    list_filter = ("kind", "district")
    search_fields = ("name", "code")
    autocomplete_fields = ("district",)


class CompoundInline(admin.TabularInline):
    model = Compound
    extra = 0


class CommunityRoleInline(admin.TabularInline):
    model = CommunityRole
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "subdistrict", "estimated_households", "office_phone")
    list_filter = ("kind", "subdistrict__district", "subdistrict")
    search_fields = ("name", "code", "address")
    autocomplete_fields = ("subdistrict",)
    inlines = [CompoundInline, CommunityRoleInline]


@admin.register(Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ("name", "community")
    list_filter = ("community",)
    search_fields = ("name", "community__name")
    autocomplete_fields = ("community",)


class EntranceInline(admin.TabularInline):
    model = Entrance
    extra = 0
    show_change_link = True


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "compound", "floors", "sort_order")
    list_filter = ("community",)
    search_fields = ("name", "community__name")
    autocomplete_fields = ("community", "compound")
    list_select_related = ("community", "compound")
    inlines = [EntranceInline]


class HouseholdInline(admin.TabularInline):
    model = Household
    extra = 0
    show_change_link = True


@admin.register(Entrance)
class EntranceAdmin(admin.ModelAdmin):
    list_display = ("name", "building", "community_name")
    list_filter = ("building__community",)
    search_fields = ("name", "building__name", "building__community__name")
    autocomplete_fields = ("building",)
    list_select_related = ("building__community",)
    inlines = [HouseholdInline]

    @admin.display(description=_("community"), ordering="building__community__name")
    def community_name(self, obj):
        return obj.building.community.name


class ResidentInline(admin.TabularInline):
    model = Resident
    extra = 0
    fields = ("name", "phone", "is_owner", "is_party_member", "verification_status", "user")
    autocomplete_fields = ("user",)
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "community_name", "floor_area", "tenure")
    list_filter = ("tenure", "entrance__building__community")
    search_fields = ("room", "entrance__name", "entrance__building__name")
    autocomplete_fields = ("entrance",)
    list_select_related = ("entrance__building__community",)
    inlines = [ResidentInline]

    @admin.display(description=_("community"), ordering="entrance__building__community__name")
    def community_name(self, obj):
        return obj.entrance.building.community.name


@admin.action(description=_("Mark selected residents as verified"))
def verify_residents(modeladmin, request, queryset):
    for resident in queryset:
        services.resident_verify(resident=resident, by=request.user)
    modeladmin.message_user(request, _("Residents verified."), messages.SUCCESS)


@admin.register(Resident)
class ResidentAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "household",
        "masked_phone",
        "is_owner",
        "is_party_member",
        "verification_status",
        "verified_at",
    )
    list_filter = (
        "verification_status",
        "is_owner",
        "is_party_member",
        "household__tenure",
        "household__entrance__building__community",
    )
    search_fields = ("name", "phone", "household__room", "user__phone")
    autocomplete_fields = ("household", "user", "verified_by")
    list_select_related = ("household__entrance__building",)
    readonly_fields = ("created_at",)
    actions = [verify_residents]

    @admin.display(description=_("mobile number"))
    def masked_phone(self, obj):
        return obj.masked_phone


@admin.register(CommunityRole)
class CommunityRoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "community", "role", "start_date", "end_date")
    list_filter = ("role", "community")
    search_fields = ("user__phone", "user__display_name", "community__name")
    autocomplete_fields = ("user", "community")
    list_select_related = ("user", "community")


@admin.register(AreaStaffRole)
class AreaStaffRoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "subdistrict", "district", "start_date", "end_date")
    list_filter = ("district", "subdistrict")
    search_fields = ("user__phone", "user__display_name")
    autocomplete_fields = ("user", "subdistrict", "district")
    list_select_related = ("user", "subdistrict", "district")
