"""The 1351N bodies, posts, the party-building coordination council, its member units,
co-building agreements, joint meetings and joint activities, and compliance flags."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.validators import mask_mobile
from communities import uploads
from communities.models import Community, District, Resident, phone_or_landline


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", _("Community party committee")
        RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
        SOCIAL_AFFAIRS_COMMITTEE = (
            "social_affairs_committee",
            _("Social-affairs coordination committee"),
        )
        SERVICE_STATION = "service_station", _("Community service station")
        PROPERTY_COMPANY = "property_company", _("Property-management company")
        SOCIAL_ORGANISATION = "social_organisation", _("Community social organisation")
        LOCAL_UNIT = "local_unit", _("Local unit or employer")
        SOCIAL_WORK_ORGANISATION = (
            "social_work_organisation",
            _("Professional social-work organisation"),
        )
        GOVERNMENT_DEPARTMENT = "government_department", _("Government department")

    # Bodies that belong to the community itself (as opposed to the property company
    # or outside units); used by the cross-appointment report.
    COMMUNITY_BODIES = (
        Kind.PARTY_COMMITTEE,
        Kind.RESIDENTS_COMMITTEE,
        Kind.SOCIAL_AFFAIRS_COMMITTEE,
        Kind.SERVICE_STATION,
    )

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("community"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="departments",
        verbose_name=_("district"),
        help_text=_("Only for government departments, which serve a whole district."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[phone_or_landline]
    )
    is_active = models.BooleanField(_("active"), default=True)

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="government_department", district__isnull=False, community__isnull=True)
                    | (
                        ~Q(kind="government_department")
                        & Q(community__isnull=False, district__isnull=True)
                    )
                ),
                name="organisation_belongs_to_community_or_district",
            ),
            models.UniqueConstraint(
                fields=["community", "name"], name="uniq_organisation_name_in_community"
            ),
            models.UniqueConstraint(
                fields=["district", "name"], name="uniq_department_name_in_district"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.GOVERNMENT_DEPARTMENT:
            if not self.district_id or self.community_id:
                raise ValidationError(
                    {"district": _("A government department belongs to a district.")}
                )
        elif not self.community_id or self.district_id:
            raise ValidationError({"community": _("This organisation belongs to a community.")})


class PostQuerySet(models.QuerySet):
    def current(self, on=None):
        today = on or timezone.localdate()
        return self.filter(start_date__lte=today).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        )


class Post(models.Model):
    """A person holds a post in an organisation for a term."""

    class Title(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
        DIRECTOR = "director", _("Director")
        DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")
        MANAGER = "manager", _("Manager")
        MEMBER = "member", _("Member")
        LIAISON = "liaison", _("Liaison")

    HEAD_TITLES = (Title.SECRETARY, Title.DIRECTOR, Title.MANAGER)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="posts", verbose_name=_("organisation")
    )
    title = models.CharField(_("post"), max_length=20, choices=Title)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("account"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("resident"),
        help_text=_("For a resident who has no account."),
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["organisation", "title", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, resident__isnull=True)
                | Q(user__isnull=True, resident__isnull=False),
                name="post_held_by_user_or_resident",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="post_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} · {self.organisation} · {self.get_title_display()}"

    def clean(self) -> None:
        if bool(self.user_id) == bool(self.resident_id):
            raise ValidationError(_("A post is held by exactly one account or one resident."))
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date must not be before the start date.")}
            )

    @property
    def holder_name(self) -> str:
        return self.user.display_name if self.user_id else self.resident.name

    @property
    def person_key(self) -> tuple[str, int]:
        """One person, whether recorded by account or as a resident with that account."""
        if self.user_id:
            return ("user", self.user_id)
        if self.resident.user_id:
            return ("user", self.resident.user_id)
        return ("resident", self.resident_id)

    @property
    def holder_phone(self) -> str:
        return self.user.phone if self.user_id else self.resident.phone

    @property
    def holder_phone_masked(self) -> str:
        return mask_mobile(self.holder_phone)


def new_calendar_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class CoordinationCouncil(models.Model):
    """The party-building coordination committee (党建工作协调委员会) of a community."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="council", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=100)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    # The secret part of the .ics feed's address: calendar apps cannot log in.
    calendar_token = models.CharField(
        _("calendar token"), max_length=40, unique=True, default=new_calendar_token, editable=False
    )

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords(excluded_fields=["calendar_token"])

    class Meta:
        verbose_name = _("coordination council")
        verbose_name_plural = _("coordination councils")
        ordering = ["community"]

    def __str__(self) -> str:
        return self.name


class MemberUnit(models.Model):
    council = models.ForeignKey(
        CoordinationCouncil,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("council"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        ordering = ["council", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "organisation"], name="uniq_member_unit_in_council"
            )
        ]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def community(self) -> Community:
        return self.council.community


def agreement_upload_to(instance, filename: str) -> str:
    return f"agreements/{timezone.localdate():%Y/%m}/{filename}"


AGREEMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


def validate_agreement_size(upload) -> None:
    if upload.size > settings.AGREEMENT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))


class Agreement(models.Model):
    """A co-building agreement (共建协议书) signed by a member unit."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        TERMINATED = "terminated", _("Terminated")

    member = models.ForeignKey(
        MemberUnit,
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("member unit"),
    )
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"))
    file = models.FileField(
        _("scanned agreement"),
        upload_to=agreement_upload_to,
        blank=True,
        # Name, size and the file's own bytes, in Django admin too (communities.uploads).
        validators=[uploads.UploadValidator("document", "AGREEMENT_MAX_BYTES")],
        help_text=_("PDF, JPG or PNG, at most 10 MB."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.ACTIVE)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("co-building agreement")
        verbose_name_plural = _("co-building agreements")
        ordering = ["valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("signed_on")),
                name="agreement_valid_after_signing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.signed_on:%Y-%m-%d}"

    def clean(self) -> None:
        if self.signed_on and self.valid_until and self.valid_until < self.signed_on:
            raise ValidationError(
                {"valid_until": _("An agreement cannot expire before it is signed.")}
            )

    @property
    def community(self) -> Community:
        return self.member.council.community


class JointMeeting(models.Model):
    """A joint meeting (党建工作联席会); one per council per half-year."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Half(models.IntegerChoices):
        H1 = 1, _("First half (Jan–Jun)")
        H2 = 2, _("Second half (Jul–Dec)")

    council = models.ForeignKey(
        CoordinationCouncil,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("council"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Half)
    planned_date = models.DateField(_("planned date"))
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=100, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    planned_automatically = models.BooleanField(_("planned by the schedule"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-year", "-half"]
        constraints = [
            # Exactly one live meeting per council per half-year, whoever plans it and
            # however many times the scheduler runs; a cancelled one may be replaced.
            models.UniqueConstraint(
                fields=["council", "year", "half"],
                condition=~Q(status="cancelled"),
                name="one_live_meeting_per_council_half_year",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_at__isnull=False),
                name="held_meeting_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="cancelled_meeting_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} {self.year} {self.get_half_display()}"

    def clean(self) -> None:
        from governance.compliance import half_year_of

        if self.planned_date and (self.year, self.half) != half_year_of(self.planned_date):
            raise ValidationError(
                {"planned_date": _("The planned date must fall in the meeting's half-year.")}
            )

    @property
    def community(self) -> Community:
        return self.council.community


class MeetingReminder(models.Model):
    """Records that the reminder N days before a meeting went out, so it goes out once."""

    meeting = models.ForeignKey(
        JointMeeting,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("meeting"),
    )
    days_before = models.PositiveSmallIntegerField(_("days before"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting reminder")
        verbose_name_plural = _("meeting reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "days_before"], name="one_reminder_per_meeting_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} −{self.days_before}"


class Attendance(models.Model):
    meeting = models.ForeignKey(
        JointMeeting,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("meeting"),
    )
    member = models.ForeignKey(
        MemberUnit,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("member unit"),
    )
    present = models.BooleanField(_("present"), default=True)
    representative = models.CharField(_("representative"), max_length=50, blank=True)

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="uniq_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.member}"


class Resolution(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    meeting = models.ForeignKey(
        JointMeeting,
        on_delete=models.CASCADE,
        related_name="resolutions",
        verbose_name=_("meeting"),
    )
    text = models.CharField(_("resolution"), max_length=300)
    owner = models.ForeignKey(
        MemberUnit,
        on_delete=models.PROTECT,
        related_name="resolutions",
        verbose_name=_("responsible unit"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=6, choices=Status, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["due_date"]

    def __str__(self) -> str:
        return self.text


class JointActivity(models.Model):
    """A joint co-building activity (联建共创活动); at least four a year."""

    council = models.ForeignKey(
        CoordinationCouncil,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("council"),
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    units = models.ManyToManyField(
        MemberUnit, related_name="activities", verbose_name=_("participating units")
    )
    participants = models.PositiveIntegerField(
        _("number of participants"), default=0, validators=[MinValueValidator(0)]
    )

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("joint activity")
        verbose_name_plural = _("joint activities")
        ordering = ["-date"]

    def __str__(self) -> str:
        return self.title

    @property
    def community(self) -> Community:
        return self.council.community


def activity_photo_upload_to(instance, filename: str) -> str:
    return f"activities/{timezone.localdate():%Y/%m}/{filename}"


def validate_photo_size(upload) -> None:
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo is larger than 5 MB."))


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(
        JointActivity,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("activity"),
    )
    image = models.ImageField(
        _("photo"),
        upload_to=activity_photo_upload_to,
        validators=[uploads.UploadValidator("photo")],
    )
    caption = models.CharField(_("caption"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


class ComplianceFlag(models.Model):
    """Recorded once when a half-year ends without a held meeting, or a year with fewer
    than four joint activities."""

    class Kind(models.TextChoices):
        MEETING_MISSED = "meeting_missed", _("No joint meeting held in the half-year")
        TOO_FEW_ACTIVITIES = "too_few_activities", _("Too few joint activities in the year")

    council = models.ForeignKey(
        CoordinationCouncil,
        on_delete=models.CASCADE,
        related_name="flags",
        verbose_name=_("council"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    year = models.PositiveSmallIntegerField(_("year"))
    # 1 or 2 for a half-year; 0 for a whole year (a real value, so the unique index holds).
    half = models.PositiveSmallIntegerField(_("half-year"), default=0)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("compliance flag")
        verbose_name_plural = _("compliance flags")
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "kind", "year", "half"], name="one_flag_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.council} {self.year} {self.get_kind_display()}"
