"""Places and people: district … household, resident, and roles in a community."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.validators import mask_mobile, validate_mobile

phone_or_landline = RegexValidator(
    r"^[0-9\-]{7,20}$",
    _("Enter a telephone number using digits and dashes only, e.g. 010-67301234."),
)


class District(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subdistrict(models.Model):
    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", _("Subdistrict")
        TOWNSHIP = "township", _("Township")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="subdistricts", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=50)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.SUBDISTRICT)

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["district__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="uniq_subdistrict_name")
        ]

    def __str__(self) -> str:
        return self.name


class CommunityQuerySet(models.QuerySet):
    def visible_to(self, user) -> CommunityQuerySet:
        """Communities a user works in, oversees as area staff, or lives in."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        today = timezone.localdate()
        active = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
        role_communities = CommunityRole.objects.filter(active, user=user).values("community")
        sub_ids = AreaStaffRole.objects.filter(active, user=user, subdistrict__isnull=False).values(
            "subdistrict"
        )
        dist_ids = AreaStaffRole.objects.filter(active, user=user, district__isnull=False).values(
            "district"
        )
        home = Resident.objects.filter(
            user=user, verification_status=Resident.Verification.VERIFIED, moved_out_on__isnull=True
        ).values("household__entrance__building__community")
        return self.filter(
            Q(pk__in=role_communities)
            | Q(subdistrict__in=sub_ids)
            | Q(subdistrict__district__in=dist_ids)
            | Q(pk__in=home)
        )


class Community(models.Model):
    class Kind(models.TextChoices):
        OLD_ESTATE = "old_estate", _("Old estate")
        AFFORDABLE = "affordable", _("Affordable housing")
        MIXED_CBD = "mixed_cbd", _("Mixed CBD")
        OTHER = "other", _("Other")

    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        related_name="communities",
        verbose_name=_("subdistrict"),
    )
    name = models.CharField(_("name"), max_length=50)
    code = models.SlugField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_("Short code used in web addresses, letters, digits and dashes."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    address = models.CharField(_("address"), max_length=200, blank=True)
    estimated_households = models.PositiveIntegerField(
        _("estimated households"),
        default=0,
        validators=[MaxValueValidator(100000)],
    )
    office_phone = models.CharField(
        _("office phone"), max_length=20, blank=True, validators=[phone_or_landline]
    )
    hotline_forward_mobile = models.CharField(
        _("hotline forward mobile"),
        max_length=11,
        blank=True,
        validators=[validate_mobile],
        help_text=_("When the office line is busy, calls are forwarded to this mobile."),
    )

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["subdistrict__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["subdistrict", "name"], name="uniq_community_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def community(self) -> Community:
        return self


class Compound(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="compounds", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="uniq_compound_name")
        ]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="buildings", verbose_name=_("community")
    )
    compound = models.ForeignKey(
        Compound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buildings",
        verbose_name=_("compound"),
    )
    name = models.CharField(_("building"), max_length=30, help_text=_("For example 5号楼."))
    floors = models.PositiveSmallIntegerField(
        _("floors"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(150)],
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["community", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="uniq_building_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.compound_id
            and self.community_id
            and self.compound.community_id != self.community_id
        ):
            raise ValidationError({"compound": _("This compound belongs to another community.")})


class Entrance(models.Model):
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="entrances", verbose_name=_("building")
    )
    name = models.CharField(_("entrance"), max_length=30, help_text=_("For example 1单元."))

    class Meta:
        verbose_name = _("entrance")
        verbose_name_plural = _("entrances")
        ordering = ["building", "name"]
        constraints = [
            models.UniqueConstraint(fields=["building", "name"], name="uniq_entrance_name")
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.name}"

    @property
    def community(self) -> Community:
        return self.building.community


class HouseholdQuerySet(models.QuerySet):
    def for_community(self, community: Community) -> HouseholdQuerySet:
        return self.filter(entrance__building__community=community)


class Household(models.Model):
    class Tenure(models.TextChoices):
        OWNER = "owner", _("Owner-occupied")
        TENANT = "tenant", _("Tenant")
        PUBLIC_RENTAL = "public_rental", _("Public rental")

    entrance = models.ForeignKey(
        Entrance, on_delete=models.CASCADE, related_name="households", verbose_name=_("entrance")
    )
    room = models.CharField(_("room"), max_length=20, help_text=_("For example 301."))
    floor_area = models.DecimalField(
        _("exclusive floor area (m²)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("5000.00"))],
    )
    tenure = models.CharField(_("tenure"), max_length=20, choices=Tenure, default=Tenure.OWNER)

    objects = HouseholdQuerySet.as_manager()

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = [
            "entrance__building__sort_order",
            "entrance__building__name",
            "entrance__name",
            "room",
        ]
        constraints = [
            models.UniqueConstraint(fields=["entrance", "room"], name="uniq_household_room"),
            models.CheckConstraint(
                condition=Q(floor_area__gt=0), name="household_floor_area_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entrance.building.name}{self.entrance.name}{self.room}"

    @property
    def community(self) -> Community:
        return self.entrance.building.community


class ResidentQuerySet(models.QuerySet):
    def for_community(self, community: Community) -> ResidentQuerySet:
        return self.filter(household__entrance__building__community=community)

    def verified(self) -> ResidentQuerySet:
        return self.filter(verification_status=Resident.Verification.VERIFIED)

    def pending(self) -> ResidentQuerySet:
        return self.filter(verification_status=Resident.Verification.PENDING)

    def current(self) -> ResidentQuerySet:
        """Residents still living here (not moved out)."""
        return self.filter(moved_out_on__isnull=True)

    def moved_out(self) -> ResidentQuerySet:
        return self.filter(moved_out_on__isnull=False)


class Resident(models.Model):
    class Verification(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("household")
    )
    name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[validate_mobile]
    )
    is_owner = models.BooleanField(_("owner"), default=False)
    is_party_member = models.BooleanField(_("party member"), default=False)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident",
        verbose_name=_("account"),
    )
    verification_status = models.CharField(
        _("verification"),
        max_length=10,
        choices=Verification,
        default=Verification.PENDING,
        db_index=True,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    rejection_reason = models.CharField(_("rejection reason"), max_length=200, blank=True)
    # Residents who move out are kept (votes, cases and history keep their reference);
    # lists show current residents unless asked otherwise.
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True, db_index=True)
    moved_out_note = models.CharField(_("moving-out note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ResidentQuerySet.as_manager()

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = [
            "household__entrance__building__sort_order",
            "household__entrance__building__name",
            "household__entrance__name",
            "household__room",
            "name",
        ]
        constraints = [
            # One current resident of a name per household; people who moved out may share
            # the name of someone who lives there now.
            models.UniqueConstraint(
                fields=["household", "name"],
                condition=Q(moved_out_on__isnull=True),
                name="uniq_resident_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.birth_year and self.birth_year > timezone.localdate().year:
            raise ValidationError({"birth_year": _("The birth year cannot be in the future.")})

    @property
    def community(self) -> Community:
        return self.household.entrance.building.community

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.Verification.VERIFIED

    @property
    def has_moved_out(self) -> bool:
        return self.moved_out_on is not None


def _active_q(today: dt.date) -> Q:
    return Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


class RoleQuerySet(models.QuerySet):
    def active(self, today: dt.date | None = None) -> RoleQuerySet:
        return self.filter(_active_q(today or timezone.localdate()))


class CommunityRole(models.Model):
    class Role(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
        WORKER = "worker", _("Community worker")
        PROPERTY_MANAGER = "property_manager", _("Property manager")
        TEAM_LEADER = "team_leader", _("Volunteer team leader")
        REPRESENTATIVE = "representative", _("Deliberation representative")

    # The groups of roles, named once: the community office, its heads, and who may
    # handle a case (the office and the property company's staff).
    OFFICE_ROLES = frozenset({Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.WORKER})
    SECRETARY_ROLES = frozenset({Role.SECRETARY, Role.DEPUTY_SECRETARY})
    HANDLER_ROLES = OFFICE_ROLES | {Role.PROPERTY_MANAGER}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_roles",
        verbose_name=_("user"),
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="roles", verbose_name=_("community")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = RoleQuerySet.as_manager()

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("community role")
        verbose_name_plural = _("community roles")
        ordering = ["community", "role", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="community_role_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["user", "community", "role", "start_date"], name="uniq_community_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.get_role_display()} · {self.user}"

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date must not be before the start date.")}
            )


class AreaStaffRole(models.Model):
    """A subdistrict or district staff member who sees every community beneath."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="area_roles",
        verbose_name=_("user"),
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("subdistrict"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("district"),
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = RoleQuerySet.as_manager()

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("subdistrict or district staff role")
        verbose_name_plural = _("subdistrict and district staff roles")
        constraints = [
            models.CheckConstraint(
                condition=(Q(subdistrict__isnull=False) & Q(district__isnull=True))
                | (Q(subdistrict__isnull=True) & Q(district__isnull=False)),
                name="area_role_exactly_one_area",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="area_role_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subdistrict or self.district} · {self.user}"

    def clean(self) -> None:
        if bool(self.subdistrict_id) == bool(self.district_id):
            raise ValidationError(_("Choose either a subdistrict or a district, not both."))
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date must not be before the start date.")}
            )
