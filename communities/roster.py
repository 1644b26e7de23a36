"""Import and export of household and resident rosters (.csv and .xlsx).

A roster has one row per resident; a household with nobody recorded yet has one row with
the resident columns left blank. Import happens in two steps: the whole file is read and
every row validated (nothing is written unless all rows are valid), then ``roster_plan``
compares the rows with the database and lists what is new, changed (old → new) and
unchanged; only when the office confirms does ``roster_apply`` write, after checking that
the plan is still the one that was shown. Rows are matched on building + entrance + room
(+ name for current residents), so importing the same file again changes nothing.
Buildings and entrances are never created unless the office asked for it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.validators import mask_mobile
from communities import exports
from communities.models import Building, Community, Entrance, Household, Resident

# (key, Chinese header, English header). The Chinese header is what the template carries;
# either is accepted on import.
COLUMNS: list[tuple[str, str, str]] = [
    ("building", "楼号", "building"),
    ("entrance", "单元", "entrance"),
    ("room", "房间号", "room"),
    ("floor_area", "专有面积(㎡)", "floor_area"),
    ("tenure", "产权类型", "tenure"),
    ("name", "姓名", "name"),
    ("phone", "手机号", "phone"),
    ("is_owner", "是否业主", "is_owner"),
    ("is_party_member", "是否党员", "is_party_member"),
    ("birth_year", "出生年份", "birth_year"),
]
# Written by the export when it includes residents who moved out; on import such rows
# are skipped (moving out is recorded on the resident's page, not by a file).
MOVED_OUT_COLUMN = ("moved_out_on", "迁出日期", "moved_out_on")
REQUIRED = ("building", "entrance", "room", "floor_area", "tenure")
TENURE_WORDS = {
    "业主自住": Household.Tenure.OWNER,
    "自住": Household.Tenure.OWNER,
    "自有": Household.Tenure.OWNER,
    "owner": Household.Tenure.OWNER,
    "租户": Household.Tenure.TENANT,
    "租住": Household.Tenure.TENANT,
    "tenant": Household.Tenure.TENANT,
    "公租房": Household.Tenure.PUBLIC_RENTAL,
    "public_rental": Household.Tenure.PUBLIC_RENTAL,
}
TENURE_EXPORT = {
    Household.Tenure.OWNER: "业主自住",
    Household.Tenure.TENANT: "租户",
    Household.Tenure.PUBLIC_RENTAL: "公租房",
}
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", ""}


class RosterFileError(Exception):
    """The file as a whole can't be read (wrong type, no header, too big)."""


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class RosterRow:
    row: int
    building: str
    entrance: str
    room: str
    floor_area: Decimal
    tenure: str
    name: str = ""
    phone: str = ""
    is_owner: bool = False
    is_party_member: bool = False
    birth_year: int | None = None

    def to_json(self) -> list:
        return [
            self.row,
            self.building,
            self.entrance,
            self.room,
            str(self.floor_area),
            self.tenure,
            self.name,
            self.phone,
            self.is_owner,
            self.is_party_member,
            self.birth_year,
        ]

    @classmethod
    def from_json(cls, data: list) -> RosterRow:
        row, building, entrance, room, area, tenure, name, phone, owner, party, year = data
        return cls(
            row=row,
            building=building,
            entrance=entrance,
            room=room,
            floor_area=Decimal(area),
            tenure=tenure,
            name=name,
            phone=phone,
            is_owner=owner,
            is_party_member=party,
            birth_year=year,
        )


@dataclass
class ImportResult:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Row numbers of residents marked as moved out in the file (not imported).
    skipped: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# A number as the office's masked exports show it (138****5678).
MASKED_MOBILE = re.compile(r"^1[3-9]\d\*{4}\d{4}$")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # A cell our own export escaped against formulas ('=...) reads back as it was.
    return exports.unescape_text(str(value).strip())


def read_table(upload_name: str, data: bytes) -> list[list[str]]:
    """Return the sheet's rows as lists of text, header first."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise RosterFileError(_("The file is larger than 5 MB."))
    name = upload_name.lower()
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise RosterFileError(_("The CSV file is not in UTF-8 or GBK encoding."))
        return [[_cell_text(c) for c in row] for row in csv.reader(io.StringIO(text))]
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise RosterFileError(_("The Excel file could not be opened.")) from exc
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    raise RosterFileError(_("Upload a .csv or .xlsx file."))


def _map_header(header: list[str]) -> dict[str, int]:
    lookup = {}
    for key, zh, en in [*COLUMNS, MOVED_OUT_COLUMN]:
        lookup[zh] = key
        lookup[en] = key
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = lookup.get(title.strip())
        if key and key not in positions:
            positions[key] = index
    missing = [zh for key, zh, _en in COLUMNS if key in REQUIRED and key not in positions]
    if missing:
        raise RosterFileError(
            _("The header row is missing these columns: %(columns)s.")
            % {"columns": "、".join(missing)}
        )
    return positions


def _field_clean(model, name: str, value):
    return model._meta.get_field(name).clean(value, None)


def _messages(exc: ValidationError) -> str:
    return "；".join(str(m).rstrip("。.") for m in exc.messages)


def _parse_bool(text: str, label: str) -> bool:
    lowered = text.strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValidationError(_("%(column)s must be 是 or 否.") % {"column": label})


HEADERS = {key: zh for key, zh, _en in COLUMNS}


def _to_area(text: str) -> Decimal:
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter a number such as 68.5.")) from None


def _to_tenure(text: str) -> str:
    tenure = TENURE_WORDS.get(text.strip()) or TENURE_WORDS.get(text.strip().lower())
    if tenure is None:
        raise ValidationError(_("Use one of 业主自住, 租户 or 公租房."))
    return tenure


def _to_year(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError(_("Enter a four-digit year such as 1956."))
    year = int(text)
    if year > timezone.localdate().year:
        raise ValidationError(_("The birth year cannot be in the future."))
    return year


# key -> (model, model field, converter); the model field's own validators run too.
CONVERTERS = {
    "building": (Building, "name", None),
    "entrance": (Entrance, "name", None),
    "room": (Household, "room", None),
    "floor_area": (Household, "floor_area", _to_area),
    "tenure": (None, None, _to_tenure),
    "name": (Resident, "name", None),
    "phone": (Resident, "phone", None),
    "is_owner": (None, None, lambda t: _parse_bool(t, HEADERS["is_owner"])),
    "is_party_member": (None, None, lambda t: _parse_bool(t, HEADERS["is_party_member"])),
    "birth_year": (Resident, "birth_year", _to_year),
}


def _parse_row(values: dict[str, str]) -> tuple[dict, list[str]]:
    """Convert one row's texts; return the values and the problems found."""
    parsed: dict = {}
    problems: list[str] = []
    for key, (model, model_field, convert) in CONVERTERS.items():
        text = values.get(key, "")
        if key in REQUIRED and not text:
            problems.append(_("%(column)s is required.") % {"column": HEADERS[key]})
            continue
        if key == "phone" and MASKED_MOBILE.match(text):
            # A worker's export: the number stays as it is, if it is the same person's
            # (checked against the roster when the file is compared).
            parsed[key] = text
            continue
        try:
            value = convert(text) if convert else text
            if model is not None and value not in (None, ""):
                value = _field_clean(model, model_field, value)
        except ValidationError as exc:
            problems.append(f"{HEADERS[key]}：{_messages(exc)}")
            continue
        parsed[key] = value
    has_details = any(parsed.get(k) for k in ("phone", "is_owner", "is_party_member", "birth_year"))
    if not parsed.get("name") and has_details:
        problems.append(_("A row with resident details needs the resident's name."))
    return parsed, problems


def parse_rows(table: list[list[str]]) -> ImportResult:
    """Validate every row of a table; collect each bad row's number and reason."""
    result = ImportResult()
    if not table:
        raise RosterFileError(_("The file is empty."))
    positions = _map_header(table[0])
    if len(table) - 1 > settings.IMPORT_MAX_ROWS:
        raise RosterFileError(
            _("The file has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS}
        )
    seen_people: dict[tuple, int] = {}
    seen_homes: dict[tuple, tuple] = {}
    for number, raw in enumerate(table[1:], start=2):
        values = {
            key: (raw[pos].strip() if pos < len(raw) else "") for key, pos in positions.items()
        }
        if not any(values.values()):
            continue
        if values.pop("moved_out_on", ""):
            result.skipped.append(number)
            continue
        parsed, problems = _parse_row(values)
        if not problems:
            home = (parsed["building"], parsed["entrance"], parsed["room"])
            facts = (parsed["floor_area"], parsed["tenure"])
            first = seen_homes.setdefault(home, (*facts, number))
            if first[:2] != facts:
                problems.append(
                    _("This room's area or tenure differs from row %(row)d.") % {"row": first[2]}
                )
            if parsed.get("name"):
                person = (*home, parsed["name"])
                if person in seen_people:
                    problems.append(
                        _("This resident is already listed in row %(row)d.")
                        % {"row": seen_people[person]}
                    )
                else:
                    seen_people[person] = number
        if problems:
            result.errors.append(RowError(number, "；".join(p.rstrip("。.") for p in problems)))
            continue
        result.rows.append(
            RosterRow(
                row=number,
                building=parsed["building"],
                entrance=parsed["entrance"],
                room=parsed["room"],
                floor_area=parsed["floor_area"],
                tenure=parsed["tenure"],
                name=parsed.get("name") or "",
                phone=parsed.get("phone") or "",
                is_owner=bool(parsed.get("is_owner")),
                is_party_member=bool(parsed.get("is_party_member")),
                birth_year=parsed.get("birth_year"),
            )
        )
    if not result.rows and not result.errors:
        raise RosterFileError(_("The file has a header but no data rows."))
    return result


class RosterChanged(Exception):
    """The roster or the file no longer matches the preview the office confirmed."""


NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class PlannedRecord:
    """One household or resident of the file and what importing would do to it."""

    row: int
    status: str
    home: str
    name: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    source: RosterRow | None = None
    existing: Household | Resident | None = None


@dataclass
class RosterPlan:
    households: list[PlannedRecord] = field(default_factory=list)
    residents: list[PlannedRecord] = field(default_factory=list)
    new_buildings: list[str] = field(default_factory=list)
    new_entrances: list[tuple[str, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # What the plan was decided on (ids, old and new values): equal fingerprints mean the
    # same writes against the same data.
    fingerprint: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def digest(self) -> str:
        text = json.dumps(self.fingerprint, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _count(self, records: list[PlannedRecord]) -> dict[str, int]:
        counts = {NEW: 0, CHANGED: 0, UNCHANGED: 0}
        for record in records:
            counts[record.status] += 1
        return counts

    @property
    def household_counts(self) -> dict[str, int]:
        return self._count(self.households)

    @property
    def resident_counts(self) -> dict[str, int]:
        return self._count(self.residents)

    @property
    def changed(self) -> bool:
        """Whether applying the plan would write anything."""
        return bool(
            self.new_buildings
            or self.new_entrances
            or any(r.status != UNCHANGED for r in [*self.households, *self.residents])
        )

    def records(self, status: str) -> list[PlannedRecord]:
        """Households and residents with this status, in file order."""
        chosen = [r for r in [*self.households, *self.residents] if r.status == status]
        return sorted(chosen, key=lambda r: (r.row, bool(r.name)))


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _household_values(area: Decimal, tenure: str) -> list[tuple[str, str, object, str]]:
    """(field, label, raw value, shown value) of a household's imported fields."""
    return [
        ("floor_area", HEADERS["floor_area"], area, f"{area:.2f}"),
        ("tenure", HEADERS["tenure"], tenure, TENURE_EXPORT.get(tenure, tenure)),
    ]


def _resident_values(phone, is_owner, is_party_member, birth_year) -> list:
    return [
        ("phone", HEADERS["phone"], phone, mask_mobile(phone) or "—"),
        ("is_owner", HEADERS["is_owner"], is_owner, _yes_no(is_owner)),
        ("is_party_member", HEADERS["is_party_member"], is_party_member, _yes_no(is_party_member)),
        ("birth_year", HEADERS["birth_year"], birth_year, str(birth_year or "—")),
    ]


def _compare(old: list, new: list) -> tuple[list[FieldChange], list]:
    changes, fingerprint = [], []
    for (key, label, old_raw, old_shown), (_k, _l, new_raw, new_shown) in zip(
        old, new, strict=True
    ):
        fingerprint.append([key, old_raw, new_raw])
        if old_raw != new_raw:
            changes.append(FieldChange(label, old_shown, new_shown))
    return changes, fingerprint


def roster_plan(
    *, community: Community, rows: Iterable[RosterRow], create_places: bool = False
) -> RosterPlan:
    """Compare validated rows with the community's roster; write nothing.

    A building or entrance the community does not have is a row error unless
    ``create_places`` is set, when the plan lists it for creation. Residents are matched
    among current residents only: someone who moved out is never updated by a file.
    Costs four queries whatever the number of rows.
    """
    plan = RosterPlan()
    buildings = {b.name: b for b in Building.objects.filter(community=community)}
    entrances = {
        (e.building.name, e.name): e
        for e in Entrance.objects.filter(building__community=community).select_related("building")
    }
    households = {
        (h.entrance.building.name, h.entrance.name, h.room): h
        for h in Household.objects.for_community(community).select_related("entrance__building")
    }
    residents = {
        (r.household_id, r.name): r for r in Resident.objects.for_community(community).current()
    }
    new_buildings: dict[str, None] = {}
    new_entrances: dict[tuple[str, str], None] = {}
    seen_homes: set[tuple[str, str, str]] = set()
    for row in rows:
        if row.building not in buildings:
            if not create_places:
                message = _("Building does not exist: %(name)s") % {"name": row.building}
                plan.errors.append(RowError(row.row, message))
                continue
            new_buildings.setdefault(row.building)
        if (row.building, row.entrance) not in entrances:
            if not create_places:
                plan.errors.append(
                    RowError(
                        row.row,
                        _("Entrance does not exist: %(building)s %(name)s")
                        % {"building": row.building, "name": row.entrance},
                    )
                )
                continue
            new_entrances.setdefault((row.building, row.entrance))
        key = (row.building, row.entrance, row.room)
        home = f"{row.building} {row.entrance} {row.room}"
        household = households.get(key)
        if key not in seen_homes:
            seen_homes.add(key)
            wanted = _household_values(row.floor_area, row.tenure)
            if household is None:
                record = PlannedRecord(row.row, NEW, home, source=row)
                record.changes = [FieldChange(label, "", shown) for _k, label, _r, shown in wanted]
                plan.fingerprint.append(["h", key, None, [[k, v] for k, _l, v, _s in wanted]])
            else:
                old = _household_values(household.floor_area, household.tenure)
                changes, fingerprint = _compare(old, wanted)
                status = CHANGED if changes else UNCHANGED
                record = PlannedRecord(row.row, status, home, "", changes, row, household)
                plan.fingerprint.append(["h", key, household.pk, fingerprint])
            plan.households.append(record)
        if not row.name:
            continue
        resident = residents.get((household.pk, row.name)) if household else None
        if MASKED_MOBILE.match(row.phone):
            if resident is None or mask_mobile(resident.phone) != row.phone:
                message = _(
                    "%(column)s: a hidden number (%(phone)s) can only stand for the number "
                    "this resident already has; enter the full 11-digit number."
                ) % {"column": HEADERS["phone"], "phone": row.phone}
                plan.errors.append(RowError(row.row, message))
                continue
            row = replace(row, phone=resident.phone)
        wanted = _resident_values(row.phone, row.is_owner, row.is_party_member, row.birth_year)
        if resident is None:
            record = PlannedRecord(row.row, NEW, home, row.name, source=row)
            record.changes = [FieldChange(label, "", shown) for _k, label, _r, shown in wanted]
            plan.fingerprint.append(["r", key, row.name, None, [[k, v] for k, _l, v, _s in wanted]])
        else:
            old = _resident_values(
                resident.phone, resident.is_owner, resident.is_party_member, resident.birth_year
            )
            changes, fingerprint = _compare(old, wanted)
            status = CHANGED if changes else UNCHANGED
            record = PlannedRecord(row.row, status, home, row.name, changes, row, resident)
            plan.fingerprint.append(["r", key, row.name, resident.pk, fingerprint])
        plan.residents.append(record)
    plan.new_buildings = list(new_buildings)
    plan.new_entrances = list(new_entrances)
    plan.fingerprint.append(["places", plan.new_buildings, plan.new_entrances])
    plan.fingerprint.append(["errors", [[e.row, e.message] for e in plan.errors]])
    return plan


@transaction.atomic
def roster_apply(
    *,
    community: Community,
    rows: list[RosterRow],
    create_places: bool,
    expected_digest: str,
    by,
) -> RosterPlan:
    """Apply the plan the office confirmed, in one transaction.

    The plan is worked out again under a lock on the community; if it is not the one
    that was shown (someone changed the roster meanwhile, or another import ran),
    ``RosterChanged`` is raised and nothing is written. Every household and resident is
    written with an ordinary ``save()`` so the audit history records each change; the
    values were cleaned by each model field's own validators when the file was read.
    """
    # Lock the community row so two imports into one community run one after the other.
    Community.objects.select_for_update().get(pk=community.pk)
    plan = roster_plan(community=community, rows=rows, create_places=create_places)
    if not plan.ok or plan.digest != expected_digest:
        raise RosterChanged
    buildings = {b.name: b for b in Building.objects.filter(community=community)}
    for name in plan.new_buildings:
        buildings[name] = Building.objects.create(community=community, name=name)
    entrances = {
        (e.building.name, e.name): e
        for e in Entrance.objects.filter(building__community=community).select_related("building")
    }
    for building_name, name in plan.new_entrances:
        entrances[(building_name, name)] = Entrance.objects.create(
            building=buildings[building_name], name=name
        )
    homes: dict[tuple[str, str, str], Household] = {}
    for record in plan.households:
        row = record.source
        key = (row.building, row.entrance, row.room)
        household = record.existing
        if record.status == NEW:
            household = Household(
                entrance=entrances[(row.building, row.entrance)],
                room=row.room,
                floor_area=row.floor_area,
                tenure=row.tenure,
            )
            household.save()
        elif record.status == CHANGED:
            household.floor_area = row.floor_area
            household.tenure = row.tenure
            household.save(update_fields=["floor_area", "tenure"])
        homes[key] = household
    now = timezone.now()
    for record in plan.residents:
        row = record.source
        wanted = {
            "phone": row.phone,
            "is_owner": row.is_owner,
            "is_party_member": row.is_party_member,
            "birth_year": row.birth_year,
        }
        if record.status == NEW:
            resident = Resident(
                household=homes[(row.building, row.entrance, row.room)],
                name=row.name,
                verification_status=Resident.Verification.VERIFIED,
                verified_by=by,
                verified_at=now,
                **wanted,
            )
            resident.save()
        elif record.status == CHANGED:
            resident = record.existing
            for name, value in wanted.items():
                setattr(resident, name, value)
            resident.save(update_fields=list(wanted))
    return plan


RESIDENT_SCOPES = ("current", "all", "moved_out")


def roster_rows(
    community: Community, residents: str = "current", *, full_phones: bool = False
) -> list[list[str]]:
    """The community's roster as rows of text, header first, in import format.

    ``residents`` is "current" (the default: people living here now), "all" (with those
    who moved out) or "moved_out"; the last two add a 迁出日期 column, whose rows a later
    import skips. Mobile numbers are masked (138****5678) unless ``full_phones``.
    """
    with_moved_out = residents in ("all", "moved_out")
    header = [zh for _key, zh, _en in COLUMNS]
    if with_moved_out:
        header.append(MOVED_OUT_COLUMN[1])
    out = [header]
    people_qs = Resident.objects.order_by("name", "pk")
    if residents == "current":
        people_qs = people_qs.current()
    elif residents == "moved_out":
        people_qs = people_qs.moved_out()
    households = (
        Household.objects.for_community(community)
        .select_related("entrance__building")
        .prefetch_related(Prefetch("residents", queryset=people_qs))
    )
    for household in households:
        base = [
            household.entrance.building.name,
            household.entrance.name,
            household.room,
            f"{household.floor_area:.2f}",
            TENURE_EXPORT[household.tenure],
        ]
        people = list(household.residents.all())
        if not people and residents != "moved_out":
            out.append(base + ["", "", "", "", ""] + ([""] if with_moved_out else []))
        for person in people:
            line = base + [
                person.name,
                person.phone if full_phones else mask_mobile(person.phone),
                "是" if person.is_owner else "否",
                "是" if person.is_party_member else "否",
                str(person.birth_year or ""),
            ]
            if with_moved_out:
                line.append(person.moved_out_on.isoformat() if person.moved_out_on else "")
            out.append(line)
    return out


def template_rows() -> list[list[str]]:
    """A header and two example rows for the downloadable template."""
    return [
        [zh for _key, zh, _en in COLUMNS],
        ["5号楼", "1单元", "301", "68.50", "业主自住", "张桂兰", "13800138000", "是", "否", "1952"],
        ["5号楼", "1单元", "302", "54.20", "公租房", "", "", "", "", ""],
    ]
