"""The 修改记录 of one record: its own history and its parts' (steps, members, …), newest
first, each change as field: old → new.

Every kind of record names its model, how it reaches its community, and the parts whose
history belongs on its timeline. A page costs a fixed number of queries: the merged,
paginated list of entries (count + page), then per source on the page its rows (with
their previous version's id) and those previous versions, then one query per kind of
record that changed foreign keys point at.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import models
from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.validators import mask_mobile

# Fields whose values are mobile numbers: masked for anyone outside the community office.
PHONE_FIELDS = frozenset(
    {"phone", "reporter_phone", "contact_phone", "hotline_forward_mobile", "holder_phone"}
)
# Bookkeeping a secretary never needs to read.
HIDDEN_FIELDS = frozenset({"id", "calendar_token"})


@dataclass(frozen=True)
class Part:
    """A model whose rows belong to the record, found by a foreign key to it."""

    model_path: str  # "app_label.Model"
    fk: str  # the field on the part that points at the record

    @property
    def model(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model_path)


@dataclass(frozen=True)
class Kind:
    model_path: str
    community_path: str  # lookup from the model to its Community
    parts: tuple[Part, ...] = ()
    title: str = ""

    @property
    def model(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model_path)


KINDS: dict[str, Kind] = {
    "resident": Kind(
        "communities.Resident",
        "household__entrance__building__community",
        (Part("governance.Post", "resident"),),
    ),
    "household": Kind(
        "communities.Household",
        "entrance__building__community",
        (Part("communities.Resident", "household"),),
    ),
    "role": Kind("communities.CommunityRole", "community"),
    "organisation": Kind(
        "governance.Organisation", "community", (Part("governance.Post", "organisation"),)
    ),
    "council": Kind(
        "governance.CoordinationCouncil",
        "community",
        (
            Part("governance.MemberUnit", "council"),
            Part("governance.JointActivity", "council"),
        ),
    ),
    "meeting": Kind(
        "governance.JointMeeting",
        "council__community",
        (Part("governance.Attendance", "meeting"), Part("governance.Resolution", "meeting")),
    ),
    "member": Kind(
        "governance.MemberUnit",
        "council__community",
        (Part("governance.Agreement", "member"),),
    ),
    "agreement": Kind("governance.Agreement", "member__council__community"),
    "proposal": Kind(
        "deliberation.Proposal",
        "community",
        (
            Part("deliberation.ProposalEvent", "proposal"),
            Part("deliberation.CoSign", "proposal"),
            Part("deliberation.Opinion", "proposal"),
        ),
    ),
    "case": Kind(
        "casework.Case",
        "community",
        (Part("casework.CaseAction", "case"), Part("casework.Whistle", "case")),
    ),
}

# What each kind of record needs loaded to print its str() without further queries.
LABEL_RELATED: dict[str, tuple[str, ...]] = {
    "communities.household": ("entrance__building",),
    "communities.entrance": ("building",),
    "communities.communityrole": ("community", "user"),
    "governance.memberunit": ("organisation",),
    "governance.jointmeeting": ("council",),
    "governance.agreement": ("member__organisation",),
    "governance.post": ("user", "resident", "organisation"),
    "casework.whistle": ("department",),
}

ACTION_LABELS = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: dt.datetime
    who: str
    action: str  # "+", "~" or "-"
    action_label: str
    subject: str  # what kind of record: the record itself or one of its parts
    is_part: bool
    changes: list[FieldChange] = field(default_factory=list)
    # A change whose earlier version predates the audit trail: values as saved, no "before".
    snapshot: bool = False

    @property
    def shows_before(self) -> bool:
        return self.action == "~" and not self.snapshot


def find_record(kind: Kind, pk: int, community) -> bool:
    """Whether the record (alive, or deleted but remembered) belongs to the community."""
    model = kind.model
    if model._default_manager.filter(pk=pk, **{kind.community_path: community}).exists():
        return True
    last = model.history.filter(id=pk).order_by("-history_date").first()
    if last is None:
        return False
    first, _sep, rest = kind.community_path.partition("__")
    related_id = getattr(last, f"{first}_id")
    if not rest:
        return related_id == community.pk
    related = model._meta.get_field(first).related_model
    return related._default_manager.filter(pk=related_id, **{rest: community}).exists()


def _sources(kind: Kind, pk: int) -> list[tuple[type[models.Model], dict, bool]]:
    """(historical model, filter, is_part) for the record and each of its parts."""
    out = [(kind.model.history.model, {"id": pk}, False)]
    for part in kind.parts:
        out.append((part.model.history.model, {f"{part.fk}_id": pk}, True))
    return out


def _shown_fields(history_model) -> list[models.Field]:
    tracked = history_model.instance_type
    names = {f.name for f in tracked._meta.concrete_fields}
    return [
        f
        for f in history_model._meta.concrete_fields
        if f.name in names and f.name not in HIDDEN_FIELDS and not f.name.startswith("history_")
    ]


def history_page(kind: Kind, pk: int, *, page: str | None, per_page: int, full_phones: bool):
    """One page of the record's timeline, newest first."""
    sources = _sources(kind, pk)
    queries = [
        hm.objects.filter(**lookup)
        .annotate(audit_source=Value(i, output_field=IntegerField()))
        .values_list("audit_source", "history_id", "history_date")
        .order_by()
        for i, (hm, lookup, _is_part) in enumerate(sources)
    ]
    merged = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    merged = merged.order_by("-history_date", "-history_id")
    page_obj = Paginator(merged, per_page).get_page(page)
    wanted: dict[int, list[int]] = defaultdict(list)
    for source, history_id, _date in page_obj.object_list:
        wanted[source].append(history_id)

    rows: dict[tuple[int, int], models.Model] = {}
    previous: dict[tuple[int, int], models.Model] = {}
    for source, ids in wanted.items():
        hm, _lookup, _is_part = sources[source]
        earlier = hm.objects.filter(
            id=OuterRef("id"), history_date__lt=OuterRef("history_date")
        ).order_by("-history_date", "-history_id")
        fetched = list(
            hm.objects.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(previous_id=Subquery(earlier.values("history_id")[:1]))
        )
        prev_ids = [r.previous_id for r in fetched if r.previous_id and r.history_type == "~"]
        prev_rows = {r.history_id: r for r in hm.objects.filter(history_id__in=prev_ids)}
        for r in fetched:
            rows[(source, r.history_id)] = r
            if r.previous_id in prev_rows:
                previous[(source, r.history_id)] = prev_rows[r.previous_id]

    # Raw changes first, to know which foreign keys need a label.
    raw: list[tuple[int, models.Model, list[tuple[models.Field, object, object]], bool]] = []
    wanted_labels: dict[type[models.Model], set] = defaultdict(set)
    for source, history_id, _date in page_obj.object_list:
        row = rows.get((source, history_id))
        if row is None:
            continue
        before = previous.get((source, history_id))
        snapshot = row.history_type == "~" and before is None
        pairs = []
        for f in _shown_fields(sources[source][0]):
            new = getattr(row, f.attname)
            if row.history_type == "~" and not snapshot:
                old = getattr(before, f.attname)
                if old == new:
                    continue
            else:
                # Created, deleted (its last values say which record it was) or a first
                # change with nothing earlier: the values as saved.
                old = None
                if new in (None, "", False) and not f.choices:
                    continue
            pairs.append((f, old, new))
            if f.is_relation:
                for value in (old, new):
                    if value is not None:
                        wanted_labels[f.related_model].add(value)
        raw.append((source, row, pairs, snapshot))

    labels: dict[tuple[type[models.Model], object], str] = {}
    for model, ids in wanted_labels.items():
        related = LABEL_RELATED.get(model._meta.label_lower, ())
        for obj in model._default_manager.filter(pk__in=ids).select_related(*related):
            labels[(model, obj.pk)] = str(obj)

    def show(f: models.Field, value) -> str:
        if value is None or value == "":
            return "—"
        if f.is_relation:
            return labels.get((f.related_model, value), _("(removed, #%(id)s)") % {"id": value})
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, dt.datetime):
            return date_format(timezone.localtime(value), "Y-m-d H:i")
        if isinstance(value, dt.date):
            return date_format(value, "Y-m-d")
        text = str(value)
        if f.name in PHONE_FIELDS and not full_phones:
            return mask_mobile(text)
        return text

    entries = []
    for source, row, pairs, snapshot in raw:
        hm, _lookup, is_part = sources[source]
        user = row.history_user
        entries.append(
            Entry(
                at=timezone.localtime(row.history_date),
                who=str(user) if user is not None else _("System"),
                action=row.history_type,
                action_label=str(ACTION_LABELS.get(row.history_type, row.history_type)),
                subject=str(hm.instance_type._meta.verbose_name),
                is_part=is_part,
                changes=[
                    FieldChange(str(f.verbose_name), show(f, o), show(f, n)) for f, o, n in pairs
                ],
                snapshot=snapshot,
            )
        )
    return page_obj, entries


def record_label(kind: Kind, pk: int) -> str:
    """The record's name as the office knows it (its last known name once deleted)."""
    model = kind.model
    related = LABEL_RELATED.get(model._meta.label_lower, ())
    obj = model._default_manager.select_related(*related).filter(pk=pk).first()
    if obj is not None:
        return str(obj)
    last = model.history.filter(id=pk).order_by("-history_date").first()
    return _("%(name)s (deleted)") % {"name": last.instance} if last else ""
