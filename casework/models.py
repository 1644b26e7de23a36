"""Casework: 12345 orders and other cases, their deadlines and timeline, the property
task group, proactive visits, whistles to district departments, and monthly rates."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.validators import mask_mobile, validate_mobile
from casework import deadlines
from communities import uploads
from communities.models import Building, Community, Entrance, Household, Resident


class DeadlineUnit(models.TextChoices):
    HOURS = deadlines.HOURS, _("hours")
    CALENDAR_DAYS = deadlines.CALENDAR_DAYS, _("calendar days")
    WORKING_DAYS = deadlines.WORKING_DAYS, _("working days")


class Urgency(models.TextChoices):
    GENERAL = "general", _("General")
    URGENT = "urgent", _("Urgent")


# Used for a category that sets no limit of its own.
DEFAULT_LIMITS = {
    Urgency.URGENT: ((2, DeadlineUnit.HOURS), (24, DeadlineUnit.HOURS)),
    Urgency.GENERAL: ((24, DeadlineUnit.HOURS), (7, DeadlineUnit.CALENDAR_DAYS)),
}


def _amount_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )


def _unit_field(label, default):
    return models.CharField(label, max_length=20, choices=DeadlineUnit, default=default)


class CaseCategory(models.Model):
    """What a case is about (a catalogue admins edit), with its deadlines per urgency."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)
    # Urgent cases.
    urgent_contact = _amount_field(_("urgent: contact within"))
    urgent_contact_unit = _unit_field(_("unit"), DeadlineUnit.HOURS)
    urgent_resolve = _amount_field(_("urgent: resolve within"))
    urgent_resolve_unit = _unit_field(_("unit"), DeadlineUnit.HOURS)
    # General cases.
    general_contact = _amount_field(_("general: contact within"))
    general_contact_unit = _unit_field(_("unit"), DeadlineUnit.HOURS)
    general_resolve = _amount_field(_("general: resolve within"))
    general_resolve_unit = _unit_field(_("unit"), DeadlineUnit.CALENDAR_DAYS)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["sort_order", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new category starts from the default limits.
        if self._state.adding:
            for urgency, (
                (contact, contact_unit),
                (resolve, resolve_unit),
            ) in DEFAULT_LIMITS.items():
                prefix = str(urgency)
                for attr, value in (
                    (f"{prefix}_contact", contact),
                    (f"{prefix}_contact_unit", contact_unit),
                    (f"{prefix}_resolve", resolve),
                    (f"{prefix}_resolve_unit", resolve_unit),
                ):
                    # Through __dict__: a field deferred by .only()/.defer() is absent
                    # there, and reading it here would load the row again, for ever.
                    if attr in self.__dict__ and self.__dict__[attr] in (None, ""):
                        setattr(self, attr, value)

    def __str__(self) -> str:
        return self.name

    def limits(self, urgency: str) -> tuple[tuple[int, str], tuple[int, str]]:
        """((contact amount, unit), (resolve amount, unit)) for an urgency."""
        prefix = "urgent" if urgency == Urgency.URGENT else "general"
        return (
            (getattr(self, f"{prefix}_contact"), getattr(self, f"{prefix}_contact_unit")),
            (getattr(self, f"{prefix}_resolve"), getattr(self, f"{prefix}_resolve_unit")),
        )


class CalendarDay(models.Model):
    """A public holiday, or a weekend day worked instead (调休上班), as the State Council
    announces them each year."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        MAKEUP = "makeup", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    name = models.CharField(_("name"), max_length=30, help_text=_("For example 春节."))

    class Meta:
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name} ({self.get_kind_display()})"


class TaskGroup(models.Model):
    """The community's task group (专班) with the property company: the office takes the
    order, the property company's people in the group fix it."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="task_groups", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=60)
    property_company = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="task_groups",
        verbose_name=_("property company"),
        limit_choices_to={"kind": "property_company"},
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="task_groups",
        verbose_name=_("members"),
        help_text=_("Property-company staff (and any workers) who act on the group's cases."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="uniq_task_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class CaseQuerySet(models.QuerySet):
    def for_community(self, community) -> CaseQuerySet:
        return self.filter(community=community)

    def open(self) -> CaseQuerySet:
        return self.exclude(status=Case.Status.CLOSED)

    def for_task_group_member(self, user) -> CaseQuerySet:
        return self.filter(task_group__members=user, task_group__is_active=True)


class Case(models.Model):
    class Source(models.TextChoices):
        HOTLINE = "hotline_12345", _("12345 hotline order")
        WALK_IN = "walk_in", _("Walk-in")
        PHONE = "phone", _("Phone call to the office")
        ONLINE = "online", _("Resident online")
        VISIT = "visit", _("Found on a visit")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        EXPLAINED = "explained", _("Explained")
        UNRESOLVED = "unresolved", _("Unresolved")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    class RatedVia(models.TextChoices):
        CALLBACK = "callback", _("Call-back by a worker")
        ONLINE = "online", _("By the resident online")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="cases", verbose_name=_("community")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source)
    order_number = models.CharField(
        _("order number"),
        max_length=40,
        blank=True,
        help_text=_("The 12345 work-order number; required for hotline orders."),
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    category = models.ForeignKey(
        CaseCategory, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency, default=Urgency.GENERAL
    )
    description = models.TextField(_("description"), max_length=2000)
    building = models.ForeignKey(
        Building,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("building"),
    )
    entrance = models.ForeignKey(
        Entrance,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("entrance"),
    )
    location_detail = models.CharField(
        _("where exactly"),
        max_length=100,
        blank=True,
        help_text=_("For example: roof, bicycle shed, east gate."),
    )
    reporter_resident = models.ForeignKey(
        Resident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("reporter (resident)"),
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(
        _("reporter's phone"), max_length=11, blank=True, validators=[validate_mobile]
    )
    assigned_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("handling worker"),
    )
    task_group = models.ForeignKey(
        TaskGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("task group"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.RECEIVED, db_index=True
    )
    # Deadlines are fixed when the case is received (and the resolution one again when it
    # is reopened), from the category's limits and the holiday calendar of that moment.
    contact_due = models.DateTimeField(_("contact the reporter by"))
    resolve_due = models.DateTimeField(_("resolve by"))
    contacted_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    outcome_note = models.TextField(_("how it was handled"), max_length=2000, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction, blank=True
    )
    rated_via = models.CharField(_("rated via"), max_length=10, choices=RatedVia, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rated by"),
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    proposal = models.ForeignKey(
        "deliberation.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("proposal for a lasting fix"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_recorded",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "order_number"],
                condition=~Q(order_number=""),
                name="uniq_case_order_number_per_source",
                violation_error_message=_("A case with this order number already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(source="hotline_12345") | ~Q(order_number=""),
                name="hotline_case_has_order_number",
                violation_error_message=_("A 12345 order needs its order number."),
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")
                | ~Q(status="closed") & Q(outcome=""),
                name="closed_case_has_outcome",
                violation_error_message=_("Only a closed case has an outcome."),
            ),
        ]
        indexes = [models.Index(fields=["community", "received_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """What the office calls the case: its 12345 number, else its own number."""
        return self.order_number or f"#{self.pk}"

    @property
    def masked_reporter_phone(self) -> str:
        return mask_mobile(self.reporter_phone)

    @property
    def reporter_display(self) -> str:
        if self.reporter_resident_id:
            return self.reporter_resident.name
        return self.reporter_name

    def is_contact_overdue(self, now) -> bool:
        if self.contacted_at:
            return self.contacted_at > self.contact_due
        return self.status != self.Status.CLOSED and now > self.contact_due

    def is_resolve_overdue(self, now) -> bool:
        if self.status == self.Status.CLOSED:
            return self.closed_at > self.resolve_due
        return now > self.resolve_due


class CaseAction(models.Model):
    """One step on a case's timeline."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned to a worker")
        FORWARDED = "forwarded", _("Forwarded to the task group")
        CONTACTED = "contacted", _("Contacted the reporter")
        ON_SITE = "on_site", _("On site")
        FIXED = "fixed", _("Fixed")
        EXPLAINED = "explained", _("Explained to the reporter")
        NOTE = "note", _("Note")
        CLOSED = "closed", _("Closed")
        RATED = "rated", _("Satisfaction recorded")
        REOPENED = "reopened", _("Reopened")
        WHISTLE = "whistle", _("Whistle blown to a department")
        OVERDUE = "overdue", _("Deadline missed")
        PROPOSAL = "proposal", _("Raised for deliberation")

    # Steps a handler records by hand; the rest are written by the services.
    MANUAL = (Kind.CONTACTED, Kind.ON_SITE, Kind.FIXED, Kind.EXPLAINED, Kind.NOTE)
    # Steps that count as having responded to the reporter.
    RESPONSES = (Kind.CONTACTED, Kind.ON_SITE, Kind.FIXED, Kind.EXPLAINED)

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="actions", verbose_name=_("case")
    )
    kind = models.CharField(_("step"), max_length=20, choices=Kind)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


def attachment_path(instance, filename: str) -> str:
    return f"casework/{instance.case.community_id}/{instance.case_id}/{filename}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case")
    )
    file = models.FileField(
        _("file"),
        upload_to=attachment_path,
        max_length=255,
        validators=[uploads.UploadValidator("document", "CASEWORK_ATTACHMENT_MAX_BYTES")],
    )
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.caption or self.file.name.rsplit("/", 1)[-1]


class OverdueFlag(models.Model):
    """A missed deadline, flagged once per case, deadline and round (a reopened case can
    miss its new resolution deadline again)."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Contact deadline missed")
        RESOLVE = "resolve", _("Resolution deadline missed")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="overdue_flags", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    due = models.DateTimeField(_("was due"))
    flagged_at = models.DateTimeField(_("flagged at"))
    secretary_notified_at = models.DateTimeField(_("secretary told at"), null=True, blank=True)

    class Meta:
        verbose_name = _("overdue flag")
        verbose_name_plural = _("overdue flags")
        ordering = ["-flagged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "round"], name="one_overdue_flag_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


class Visit(models.Model):
    """A worker's proactive visit (未诉先办) to entrances and households."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="visits", verbose_name=_("community")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("worker"),
    )
    visited_on = models.DateField(_("visited on"), db_index=True)
    entrances = models.ManyToManyField(
        Entrance, related_name="visits", verbose_name=_("entrances walked")
    )
    households = models.ManyToManyField(
        Household, blank=True, related_name="visits", verbose_name=_("households visited")
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} · {self.worker}"


class VisitProblem(models.Model):
    """A problem found on a visit; the office may turn it into a case."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="problems", verbose_name=_("visit")
    )
    description = models.TextField(_("problem"), max_length=2000)
    category = models.ForeignKey(
        CaseCategory,
        on_delete=models.PROTECT,
        related_name="visit_problems",
        verbose_name=_("category"),
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit_problems",
        verbose_name=_("building"),
    )
    entrance = models.ForeignKey(
        Entrance,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit_problems",
        verbose_name=_("entrance"),
    )
    case = models.OneToOneField(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit_problem",
        verbose_name=_("case"),
    )

    class Meta:
        verbose_name = _("problem found on a visit")
        verbose_name_plural = _("problems found on visits")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description[:40]


class WhistleQuerySet(models.QuerySet):
    def open(self) -> WhistleQuerySet:
        return self.exclude(status=Whistle.Status.CLOSED)


class Whistle(models.Model):
    """吹哨报到: the subdistrict calls a district department to a problem beyond the
    community's powers; the department must come, respond by the deadline and act."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the department")
        RESPONDED = "responded", _("Department responded")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        SOLVED = "solved", _("Solved")
        PARTLY = "partly", _("Partly solved")
        NOT_SOLVED = "not_solved", _("Not solved")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="whistles", verbose_name=_("community")
    )
    department = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.PROTECT,
        related_name="whistles",
        verbose_name=_("department"),
        limit_choices_to={"kind": "government_department"},
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="whistles",
        verbose_name=_("case"),
    )
    proposal = models.ForeignKey(
        "deliberation.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="whistles",
        verbose_name=_("proposal"),
    )
    request = models.TextField(_("what the department is asked to do"), max_length=2000)
    requested_at = models.DateTimeField(_("whistle blown at"), db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("blown by"),
    )
    respond_by = models.DateField(_("respond by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.OPEN, db_index=True
    )
    response = models.TextField(_("department's response"), max_length=2000, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    outcome_note = models.TextField(_("outcome notes"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = WhistleQuerySet.as_manager()

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("whistle")
        verbose_name_plural = _("whistles")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, proposal__isnull=True)
                | Q(case__isnull=True, proposal__isnull=False),
                name="whistle_for_case_or_proposal",
                violation_error_message=_("A whistle concerns one case or one proposal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.requested_at:%Y-%m-%d}"

    @property
    def subject(self):
        return self.case or self.proposal


class RatesSnapshot(models.Model):
    """A community's three rates for one month as they stood when the month was closed.
    Written once by the monthly task; never changed (the model refuses and so does a
    database trigger)."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="rates_snapshots",
        verbose_name=_("community"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    received = models.PositiveIntegerField(_("cases received"))
    responded_on_time = models.PositiveIntegerField(_("contacted in time"))
    closed = models.PositiveIntegerField(_("cases closed"))
    resolved = models.PositiveIntegerField(_("resolved"))
    rated = models.PositiveIntegerField(_("rated"))
    satisfied = models.PositiveIntegerField(_("satisfied or basically satisfied"))
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("monthly rates snapshot")
        verbose_name_plural = _("monthly rates snapshots")
        ordering = ["-month", "community"]
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="one_snapshot_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="snapshot_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.month:%Y-%m}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A monthly rates snapshot can't be changed.")
        super().save(*args, **kwargs)
