"""Proposals, co-signing and opinions, and ballots whose counts are kept so that a secret
ballot's choices can never be linked to its voters."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from communities import uploads
from communities.models import Building, Community, Household, Resident
from deliberation.rules_tally import Rule


class ProposalCategory(models.Model):
    """The catalogue of proposal topics; admins edit it."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("proposal category")
        verbose_name_plural = _("proposal categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ON_AGENDA = "on_agenda", _("On the agenda")
        DECLINED = "declined", _("Declined")
        IN_DELIBERATION = "in_deliberation", _("In deliberation")
        VOTING = "voting", _("Voting")
        PASSED = "passed", _("Passed")
        REJECTED = "rejected", _("Rejected")
        IN_IMPLEMENTATION = "in_implementation", _("In implementation")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    category = models.ForeignKey(
        ProposalCategory,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("category"),
    )
    whole_community = models.BooleanField(
        _("whole community"),
        default=True,
        help_text=_("Untick to limit the proposal to the buildings chosen below."),
    )
    buildings = models.ManyToManyField(
        Building, blank=True, related_name="proposals", verbose_name=_("buildings")
    )
    # Raised by a verified resident, a worker, or an organisation recorded by a worker.
    resident = models.ForeignKey(
        Resident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("raised by resident"),
    )
    organisation = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("raised by organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals_created",
        verbose_name=_("recorded by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    agenda_flagged_at = models.DateTimeField(
        _("reached the co-signing threshold at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="proposal_community_status")]

    def __str__(self) -> str:
        return self.title


class ProposalEvent(models.Model):
    """Every step of a proposal's life: who, when, from which status to which, and why."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="events", verbose_name=_("proposal")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Proposal.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Proposal.Status)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal step")
        verbose_name_plural = _("proposal steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal} → {self.get_to_status_display()}"


class CoSign(models.Model):
    """A verified resident supports (附议) a submitted proposal; once each."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="cosigns", verbose_name=_("proposal")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="cosigns", verbose_name=_("resident")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "resident"], name="one_cosign_per_resident")
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.proposal}"


class Opinion(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("proposal")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="opinions",
        verbose_name=_("author"),
    )
    text = models.TextField(_("opinion"), max_length=1000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)

    # Who changed what and when, for the office's 修改记录 (audit trail).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="hidden_opinion_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


def new_short_code() -> str:
    return secrets.token_urlsafe(6)


class Ballot(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("ballot status", "Scheduled")
        OPEN = "open", pgettext_lazy("ballot status", "Open")
        CLOSED = "closed", pgettext_lazy("ballot status", "Closed")
        CANCELLED = "cancelled", pgettext_lazy("ballot status", "Cancelled")

    class Unit(models.TextChoices):
        RESIDENT = "resident", _("One vote per resident")
        HOUSEHOLD = "household", _("One vote per household")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("proposal")
    )
    question = models.CharField(_("question"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.SCHEDULED, db_index=True
    )
    rule = models.CharField(
        _("decision rule"),
        max_length=24,
        choices=[
            (Rule.MAJORITY.value, _("Simple majority of votes cast")),
            (Rule.TWO_THIRDS.value, _("Two-thirds of votes cast")),
            (Rule.CIVIL_CODE_ORDINARY.value, _("Civil Code Art. 278, ordinary matter")),
            (Rule.CIVIL_CODE_MAJOR.value, _("Civil Code Art. 278, major matter")),
        ],
        default=Rule.MAJORITY.value,
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (percent of eligible voters)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    unit = models.CharField(_("voting unit"), max_length=10, choices=Unit, default=Unit.RESIDENT)
    secret = models.BooleanField(
        _("secret ballot"),
        default=True,
        help_text=_("Secret: nobody can see who chose what. Named: the secretary can."),
    )
    short_code = models.CharField(
        _("short link code"), max_length=12, unique=True, default=new_short_code, editable=False
    )
    # The electorate, frozen when the ballot opens.
    eligible_heads = models.PositiveIntegerField(_("eligible residents"), default=0)
    eligible_households = models.PositiveIntegerField(_("eligible households"), default=0)
    eligible_area = models.DecimalField(
        _("eligible floor area (m²)"), max_digits=12, decimal_places=2, default=0
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ballots_created",
        verbose_name=_("created by"),
    )
    reminded_at = models.DateTimeField(_("reminders sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="ballot_closes_after_opening"
            ),
            # A proposal is decided by one ballot at a time.
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(status__in=["scheduled", "open"]),
                name="one_live_ballot_per_proposal",
            ),
            # Owners' joint decisions are by household and by name of the owner.
            models.CheckConstraint(
                condition=~Q(rule__in=["civil_code_ordinary", "civil_code_major"])
                | Q(unit="household"),
                name="civil_code_ballot_by_household",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A ballot must close after it opens.")})
        if Rule(self.rule).is_civil_code:
            self.unit = self.Unit.HOUSEHOLD
            if self.quorum_percent:
                raise ValidationError(
                    {"quorum_percent": _("Civil Code ballots have their own turnout rule.")}
                )

    @property
    def community(self) -> Community:
        return self.proposal.community

    @property
    def owners_only(self) -> bool:
        return Rule(self.rule).is_civil_code


class BallotOption(models.Model):
    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="options", verbose_name=_("ballot")
    )
    key = models.SlugField(_("key"), max_length=20)
    label = models.CharField(_("option"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    # Running totals. For a secret ballot these are the only record of the choices:
    # no row per vote exists that could be joined to who took part.
    heads = models.PositiveIntegerField(_("residents"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    area = models.DecimalField(_("floor area (m²)"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("ballot option")
        verbose_name_plural = _("ballot options")
        ordering = ["ballot", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "key"], name="uniq_option_key"),
        ]

    def __str__(self) -> str:
        return self.label


class Participation(models.Model):
    """That someone took part in a ballot (never what they chose, for a secret ballot).

    ``voter_key`` is the resident (one vote per resident) or the household (one vote per
    household): the unique index on (ballot, voter_key) is what makes it one vote each,
    even when two votes for one household arrive at the same moment.
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper, entered by a worker")

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="participations", verbose_name=_("ballot")
    )
    voter_key = models.CharField(_("voter"), max_length=30)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("resident"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("household"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "voter_key"], name="one_vote_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.ballot} · {self.voter_key}"


class NamedChoice(models.Model):
    """What a voter chose, kept only for a named ballot."""

    participation = models.OneToOneField(
        Participation,
        on_delete=models.CASCADE,
        related_name="named_choice",
        verbose_name=_("participation"),
    )
    option = models.ForeignKey(
        BallotOption,
        on_delete=models.PROTECT,
        related_name="named_choices",
        verbose_name=_("option"),
    )

    class Meta:
        verbose_name = _("named choice")
        verbose_name_plural = _("named choices")

    def __str__(self) -> str:
        return f"{self.participation} → {self.option}"


class BallotResult(models.Model):
    """The outcome, computed once at close and never changed afterwards."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.OneToOneField(
        Ballot, on_delete=models.PROTECT, related_name="result", verbose_name=_("ballot")
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    passed = models.BooleanField(_("passed"))
    winner = models.CharField(_("winning option"), max_length=20, blank=True)
    counts = models.JSONField(_("counts"))
    checks = models.JSONField(_("thresholds"))
    electorate = models.JSONField(_("electorate"))

    class Meta:
        verbose_name = _("ballot result")
        verbose_name_plural = _("ballot results")

    def __str__(self) -> str:
        return f"{self.ballot}: {'✔' if self.passed else '✘'}"

    def save(self, *args, **kwargs):
        # Frozen at close: an existing result is never rewritten.
        if not self._state.adding:
            raise ValidationError(_("A ballot's result cannot be changed once recorded."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A ballot's result cannot be deleted."))


class DeliberationSettings(models.Model):
    """Per-community settings of deliberation."""

    community = models.OneToOneField(
        Community,
        on_delete=models.CASCADE,
        related_name="deliberation_settings",
        verbose_name=_("community"),
    )
    cosign_threshold = models.PositiveSmallIntegerField(
        _("co-signatures to flag a proposal for the agenda"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )

    class Meta:
        verbose_name = _("deliberation settings")
        verbose_name_plural = _("deliberation settings")

    def __str__(self) -> str:
        return str(self.community)


def photo_upload_to(instance, filename: str) -> str:
    from django.utils import timezone

    return f"deliberation/{timezone.localdate():%Y/%m}/{filename}"


class ProposalPhoto(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="photos", verbose_name=_("proposal")
    )
    image = models.ImageField(
        _("photo"), upload_to=photo_upload_to, validators=[uploads.UploadValidator("photo")]
    )
    caption = models.CharField(_("caption"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("proposal photo")
        verbose_name_plural = _("proposal photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


class Hall(models.Model):
    """A deliberation hall: the office's room, or a mobile hall that goes to the doorstep."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed hall")
        MOBILE = "mobile", _("Mobile hall")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="halls", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.MOBILE)
    usual_place = models.CharField(_("usual place"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("deliberation hall")
        verbose_name_plural = _("deliberation halls")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="uniq_hall_name")]

    def __str__(self) -> str:
        return self.name


class Representative(models.Model):
    """An elected deliberation representative (议事代表) for a term."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="representatives",
        verbose_name=_("community"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.CASCADE,
        related_name="representative_terms",
        verbose_name=_("resident"),
    )
    elected_on = models.DateField(_("elected on"))
    term_ends_on = models.DateField(_("term ends on"))

    class Meta:
        verbose_name = _("deliberation representative")
        verbose_name_plural = _("deliberation representatives")
        ordering = ["community", "-elected_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=models.F("elected_on")),
                name="representative_term_ordered",
            ),
            models.UniqueConstraint(
                fields=["resident", "elected_on"], name="uniq_representative_term"
            ),
        ]

    def __str__(self) -> str:
        return self.resident.name


class Session(models.Model):
    """A deliberation meeting, often under a building or in a garden pavilion."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("community")
    )
    hall = models.ForeignKey(
        Hall,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("hall"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(
        _("place"), max_length=100, help_text=_("In words, e.g. 5号楼下 or 绿地凉亭.")
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("building"),
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hosted_sessions",
        verbose_name=_("host"),
    )
    agenda = models.ManyToManyField(
        Proposal, blank=True, related_name="sessions", verbose_name=_("proposals on the agenda")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.ManyToManyField(
        Resident, blank=True, related_name="sessions_attended", verbose_name=_("attendance")
    )

    class Meta:
        verbose_name = _("deliberation session")
        verbose_name_plural = _("deliberation sessions")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d} {self.place}"


class SessionPhoto(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="photos", verbose_name=_("session")
    )
    image = models.ImageField(
        _("photo"), upload_to=photo_upload_to, validators=[uploads.UploadValidator("photo")]
    )
    caption = models.CharField(_("caption"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("session photo")
        verbose_name_plural = _("session photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


class Project(models.Model):
    """A practical project (实事项目) that a passed proposal became."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        COMPLETED = "completed", _("Completed")

    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, related_name="project", verbose_name=_("proposal")
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="projects", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=120)
    organisation = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("responsible organisation"),
    )
    budget = models.DecimalField(
        _("budget (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField(_("funding source"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("practical project")
        verbose_name_plural = _("practical projects")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="project_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False, progress=100),
                name="completed_project_has_date_and_full_progress",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(_("milestone"), max_length=120)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.title


class ProjectPhoto(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="photos", verbose_name=_("project")
    )
    image = models.ImageField(
        _("photo"), upload_to=photo_upload_to, validators=[uploads.UploadValidator("photo")]
    )
    caption = models.CharField(_("caption"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("project photo")
        verbose_name_plural = _("project photos")

    def __str__(self) -> str:
        return self.caption or self.image.name
