from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from deliberation.models import (
    Ballot,
    BallotOption,
    BallotResult,
    CoSign,
    DeliberationSettings,
    Hall,
    Milestone,
    NamedChoice,
    Opinion,
    Participation,
    Project,
    ProjectPhoto,
    Proposal,
    ProposalCategory,
    ProposalEvent,
    ProposalPhoto,
    Representative,
    Session,
    SessionPhoto,
)


@admin.register(ProposalCategory)
class ProposalCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("name", "code")


class EventInline(admin.TabularInline):
    model = ProposalEvent
    extra = 0
    readonly_fields = ("from_status", "to_status", "by", "at", "comment")
    can_delete = False


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ("title", "community", "category", "status", "created_at")
    list_filter = ("status", "category", "community")
    search_fields = ("title", "description")
    autocomplete_fields = ("community", "category", "resident", "organisation", "created_by")
    filter_horizontal = ("buildings",)
    date_hierarchy = "created_at"
    # Steps are recorded by the lifecycle service with who and when; not edited here.
    readonly_fields = ("status", "agenda_flagged_at", "submitted_at")
    inlines = [EventInline]


@admin.register(ProposalEvent)
class ProposalEventAdmin(SimpleHistoryAdmin):
    list_display = ("proposal", "from_status", "to_status", "by", "at")
    list_filter = ("to_status",)
    search_fields = ("proposal__title", "comment")
    autocomplete_fields = ("proposal", "by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CoSign)
class CoSignAdmin(SimpleHistoryAdmin):
    list_display = ("proposal", "resident", "at")
    search_fields = ("proposal__title", "resident__name")
    autocomplete_fields = ("proposal", "resident")


@admin.register(Opinion)
class OpinionAdmin(SimpleHistoryAdmin):
    list_display = ("proposal", "author", "created_at", "hidden_at")
    list_filter = (("hidden_at", admin.EmptyFieldListFilter),)
    search_fields = ("text", "proposal__title")
    autocomplete_fields = ("proposal", "author", "hidden_by")


class OptionInline(admin.TabularInline):
    model = BallotOption
    extra = 0
    readonly_fields = ("heads", "households", "area")


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = (
        "question",
        "proposal",
        "status",
        "rule",
        "unit",
        "secret",
        "opens_at",
        "closes_at",
    )
    list_filter = ("status", "rule", "unit", "secret")
    search_fields = ("question", "proposal__title", "short_code")
    autocomplete_fields = ("proposal", "created_by")
    readonly_fields = (
        "short_code",
        "eligible_heads",
        "eligible_households",
        "eligible_area",
        "reminded_at",
    )
    inlines = [OptionInline]


@admin.register(BallotOption)
class BallotOptionAdmin(admin.ModelAdmin):
    list_display = ("label", "ballot", "key", "heads", "households", "area")
    search_fields = ("label", "ballot__question")
    autocomplete_fields = ("ballot",)
    readonly_fields = ("heads", "households", "area")


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ("ballot", "resident", "household", "channel", "at")
    list_filter = ("channel",)
    search_fields = ("ballot__question", "resident__name")
    autocomplete_fields = ("ballot", "resident", "household", "recorded_by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NamedChoice)
class NamedChoiceAdmin(admin.ModelAdmin):
    list_display = ("participation", "option")
    search_fields = ("participation__resident__name",)
    autocomplete_fields = ("participation", "option")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BallotResult)
class BallotResultAdmin(admin.ModelAdmin):
    list_display = ("ballot", "passed", "winner", "computed_at")
    list_filter = ("passed",)
    search_fields = ("ballot__question",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(DeliberationSettings)
class DeliberationSettingsAdmin(admin.ModelAdmin):
    list_display = ("community", "cosign_threshold")
    search_fields = ("community__name",)
    autocomplete_fields = ("community",)


@admin.register(ProposalPhoto)
class ProposalPhotoAdmin(admin.ModelAdmin):
    list_display = ("proposal", "caption")
    search_fields = ("proposal__title", "caption")
    autocomplete_fields = ("proposal",)


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "kind", "usual_place", "is_active")
    list_filter = ("kind", "is_active", "community")
    search_fields = ("name", "usual_place")
    autocomplete_fields = ("community",)


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = ("resident", "community", "elected_on", "term_ends_on")
    list_filter = ("community",)
    search_fields = ("resident__name",)
    autocomplete_fields = ("community", "resident")


class SessionPhotoInline(admin.TabularInline):
    model = SessionPhoto
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "place", "community", "hall", "host")
    list_filter = ("community", "hall")
    search_fields = ("place", "minutes")
    autocomplete_fields = ("community", "hall", "building", "host", "agenda", "attendees")
    date_hierarchy = "starts_at"
    inlines = [SessionPhotoInline]


@admin.register(SessionPhoto)
class SessionPhotoAdmin(admin.ModelAdmin):
    list_display = ("session", "caption")
    search_fields = ("caption",)
    autocomplete_fields = ("session",)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ProjectPhotoInline(admin.TabularInline):
    model = ProjectPhoto
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "status", "progress", "budget", "completed_on")
    list_filter = ("status", "community")
    search_fields = ("title", "funding_source")
    autocomplete_fields = ("proposal", "community", "organisation")
    inlines = [MilestoneInline, ProjectPhotoInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "due_on", "done_on")
    search_fields = ("title", "project__title")
    autocomplete_fields = ("project",)


@admin.register(ProjectPhoto)
class ProjectPhotoAdmin(admin.ModelAdmin):
    list_display = ("project", "caption")
    search_fields = ("caption", "project__title")
    autocomplete_fields = ("project",)
