"""Self-governing teams, volunteers, duty rosters with sign-up and check-in, service hours,
and adoptions of trees and facilities."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.validators import mask_mobile, validate_mobile
from communities import uploads
from communities.models import Community, Resident


class Team(models.Model):
    class Kind(models.TextChoices):
        EDITORIAL = "editorial", _("Editorial board")
        CHOIR = "choir", _("Choir")
        DANCE = "dance", _("Dance")
        GREENING = "greening", _("Greening")
        ENTRANCE_GUARD = "entrance_guard", _("Entrance guards")
        PATROL = "patrol", _("Patrol")
        ELDERLY_VISITS = "elderly_visits", _("Elderly visits")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        DISSOLVED = "dissolved", _("Dissolved")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="teams", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    description = models.TextField(_("description"), blank=True)
    organisation = models.OneToOneField(
        "governance.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team",
        verbose_name=_("registered as organisation"),
    )
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancel or swap up to (hours before a shift)"),
        default=12,
        validators=[MaxValueValidator(24 * 14)],
    )

    class Meta:
        verbose_name = _("self-governing team")
        verbose_name_plural = _("self-governing teams")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="uniq_team_name")]

    def __str__(self) -> str:
        return self.name


def new_checkin_token() -> str:
    return secrets.token_urlsafe(12)


class Volunteer(models.Model):
    """A person who volunteers: a resident, or someone from outside with a name and phone."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="volunteers", verbose_name=_("community")
    )
    resident = models.OneToOneField(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("resident"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[validate_mobile]
    )
    skills = models.ManyToManyField(
        "Skill", blank=True, related_name="volunteers", verbose_name=_("skills")
    )
    availability = models.CharField(
        _("usual availability"), max_length=100, blank=True, help_text=_("e.g. weekday mornings")
    )
    platform_number = models.CharField(
        _("city volunteer platform number"), max_length=30, blank=True
    )
    armband_number = models.CharField(_("armband number"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    joined_on = models.DateField(_("joined on"), auto_now_add=True)
    # The secret part of the address of the volunteer's own .ics feed.
    calendar_token = models.CharField(
        _("calendar token"), max_length=24, unique=True, default=new_checkin_token, editable=False
    )

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "armband_number"],
                condition=~Q(armband_number=""),
                name="uniq_armband_in_community",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)


class Skill(models.Model):
    name = models.CharField(_("skill"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY = "deputy", _("Deputy leader")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        APPROVED = "approved", _("Member")
        DECLINED = "declined", _("Request declined")
        LEFT = "left", _("Left")

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("volunteer")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.REQUESTED)
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "volunteer"], name="uniq_membership")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.team}"


class ShiftTemplate(models.Model):
    """A recurring duty, e.g. checkpoint duty every day 07:00–09:00, or patrol on Saturdays."""

    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shift_templates",
        verbose_name=_("team"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="shift_templates",
        verbose_name=_("community"),
    )
    title = models.CharField(_("title"), max_length=80)
    place = models.CharField(_("place"), max_length=100)
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(
        _("end time"), help_text=_("Earlier than the start: ends the next day.")
    )
    weekdays = models.CharField(
        _("weekdays"),
        max_length=13,
        help_text=_("Days of the week, 1 = Monday … 7 = Sunday, comma-separated."),
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    slots = models.PositiveSmallIntegerField(
        _("volunteers needed"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    skill = models.ForeignKey(
        Skill,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("required skill"),
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("recurring duty")
        verbose_name_plural = _("recurring duties")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="template_days_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Shift(models.Model):
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shifts",
        verbose_name=_("team"),
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("community")
    )
    template = models.ForeignKey(
        ShiftTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shifts",
        verbose_name=_("recurring duty"),
    )
    title = models.CharField(_("title"), max_length=80)
    place = models.CharField(_("place"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    slots = models.PositiveSmallIntegerField(
        _("volunteers needed"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    skill = models.ForeignKey(
        Skill,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("required skill"),
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    checkin_token = models.CharField(
        _("check-in code"), max_length=24, unique=True, default=new_checkin_token, editable=False
    )

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
            # Expanding a recurring duty twice never makes the same shift twice.
            models.UniqueConstraint(
                fields=["template", "starts_at"],
                condition=Q(template__isnull=False),
                name="one_shift_per_template_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    """A volunteer on a shift: signed up or assigned, checked in and out, or a no-show."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        CHECKED_IN = "checked_in", _("Checked in")
        DONE = "done", _("Checked out")
        NO_SHOW = "no_show", _("No-show")

    LIVE = ("booked", "checked_in", "done")

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("shift")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("volunteer")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.BOOKED)
    # Copied from the shift so overlaps can be checked in one indexed query.
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(status__in=["booked", "checked_in", "done"]),
                name="one_live_booking_per_volunteer_and_shift",
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gt=models.F("checked_in_at")),
                name="checkout_after_checkin",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "starts_at"], name="booking_volunteer_time")]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.shift}"


class HoursEntry(models.Model):
    """Service hours: credited from a checked-out booking, or an adjustment with a reason;
    never edited or deleted, so the history is the record. A worker confirms them."""

    class Kind(models.TextChoices):
        CREDIT = "credit", _("Credited from a shift")
        ADJUSTMENT = "adjustment", _("Adjustment")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="hours", verbose_name=_("volunteer")
    )
    booking = models.OneToOneField(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hours",
        verbose_name=_("booking"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    minutes = models.IntegerField(_("minutes served"))
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service hours")
        verbose_name_plural = _("service hours")
        ordering = ["-day", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="credit", booking__isnull=False, minutes__gt=0)
                | (Q(kind="adjustment", booking__isnull=True) & ~Q(reason="")),
                name="hours_credit_or_reasoned_adjustment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.minutes / 60:.1f}h"


class Asset(models.Model):
    """Something a team or volunteer can adopt: a tree, a flower bed, a bench, a shed."""

    class Kind(models.TextChoices):
        TREE = "tree", _("Tree")
        FLOWER_BED = "flower_bed", _("Flower bed")
        BENCH = "bench", _("Bench")
        CHARGING_SHED = "charging_shed", _("Charging shed")
        OTHER = "other", _("Other")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="assets", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    name = models.CharField(_("name"), max_length=60)
    location = models.CharField(_("location"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("adoptable asset")
        verbose_name_plural = _("adoptable assets")
        ordering = ["community", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="uniq_asset_name")
        ]

    def __str__(self) -> str:
        return self.name


class Adoption(models.Model):
    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="adoptions", verbose_name=_("asset")
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("team"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("volunteer"),
    )
    starts_on = models.DateField(_("adopted from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=False, volunteer__isnull=True)
                | Q(team__isnull=True, volunteer__isnull=False),
                name="adopted_by_team_or_volunteer",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="adoption_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset} ← {self.team or self.volunteer}"


def care_photo_upload_to(instance, filename: str) -> str:
    from django.utils import timezone

    return f"care/{timezone.localdate():%Y/%m}/{filename}"


class CareVisit(models.Model):
    adoption = models.ForeignKey(
        Adoption, on_delete=models.CASCADE, related_name="visits", verbose_name=_("adoption")
    )
    day = models.DateField(_("day"))
    note = models.CharField(_("note"), max_length=200)
    photo = models.ImageField(
        _("photo"),
        upload_to=care_photo_upload_to,
        blank=True,
        validators=[uploads.UploadValidator("photo")],
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("care visit")
        verbose_name_plural = _("care visits")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.adoption} {self.day}"
