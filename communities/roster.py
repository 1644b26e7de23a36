"""Import and export of household and resident rosters (.csv and .xlsx).

A roster has one row per resident; a household with nobody recorded yet has one row with
the resident columns left blank. Import reads the whole file, validates every row, and
writes nothing unless all rows are valid. Rows are matched on building + entrance + room
(+ name for residents), so importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.validators import mask_mobile
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


@dataclass
class ImportResult:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


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
    for key, zh, en in COLUMNS:
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


@transaction.atomic
def roster_import(*, community: Community, rows: Iterable[RosterRow], by) -> ImportResult:
    """Write validated rows; existing records matching a row are updated only if different."""
    result = ImportResult(
        created={"buildings": 0, "entrances": 0, "households": 0, "residents": 0},
        updated={"households": 0, "residents": 0},
    )
    # Lock the community row so two imports into one community run one after the other.
    Community.objects.select_for_update().get(pk=community.pk)
    buildings = {b.name: b for b in Building.objects.filter(community=community)}
    entrances = {
        (e.building.name, e.name): e
        for e in Entrance.objects.filter(building__community=community).select_related("building")
    }
    households = {
        (h.entrance.building.name, h.entrance.name, h.room): h
        for h in Household.objects.for_community(community).select_related("entrance__building")
    }
    residents = {(r.household_id, r.name): r for r in Resident.objects.for_community(community)}
    now = timezone.now()
    for row in rows:
        building = buildings.get(row.building)
        if building is None:
            building = Building.objects.create(community=community, name=row.building)
            buildings[row.building] = building
            result.created["buildings"] += 1
        entrance = entrances.get((row.building, row.entrance))
        if entrance is None:
            entrance = Entrance.objects.create(building=building, name=row.entrance)
            entrances[(row.building, row.entrance)] = entrance
            result.created["entrances"] += 1
        key = (row.building, row.entrance, row.room)
        household = households.get(key)
        if household is None:
            household = Household.objects.create(
                entrance=entrance, room=row.room, floor_area=row.floor_area, tenure=row.tenure
            )
            households[key] = household
            result.created["households"] += 1
        elif (household.floor_area, household.tenure) != (row.floor_area, row.tenure):
            household.floor_area = row.floor_area
            household.tenure = row.tenure
            household.save(update_fields=["floor_area", "tenure"])
            result.updated["households"] += 1
        if not row.name:
            continue
        resident = residents.get((household.pk, row.name))
        wanted = {
            "phone": row.phone,
            "is_owner": row.is_owner,
            "is_party_member": row.is_party_member,
            "birth_year": row.birth_year,
        }
        if resident is None:
            resident = Resident.objects.create(
                household=household,
                name=row.name,
                verification_status=Resident.Verification.VERIFIED,
                verified_by=by,
                verified_at=now,
                **wanted,
            )
            residents[(household.pk, row.name)] = resident
            result.created["residents"] += 1
        elif any(getattr(resident, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(resident, k, v)
            resident.save(update_fields=list(wanted))
            result.updated["residents"] += 1
    return result


def roster_rows(community: Community, *, full_phones: bool = False) -> list[list[str]]:
    """The community's roster as rows of text, header first, in import format.

    Mobile numbers are masked (138****5678) unless ``full_phones``.
    """
    header = [zh for _key, zh, _en in COLUMNS]
    out = [header]
    households = (
        Household.objects.for_community(community)
        .select_related("entrance__building")
        .prefetch_related("residents")
    )
    for household in households:
        base = [
            household.entrance.building.name,
            household.entrance.name,
            household.room,
            f"{household.floor_area:.2f}",
            TENURE_EXPORT[household.tenure],
        ]
        people = sorted(household.residents.all(), key=lambda r: r.name)
        if not people:
            out.append(base + ["", "", "", "", ""])
        for person in people:
            out.append(
                base
                + [
                    person.name,
                    person.phone if full_phones else mask_mobile(person.phone),
                    "是" if person.is_owner else "否",
                    "是" if person.is_party_member else "否",
                    str(person.birth_year or ""),
                ]
            )
    return out


def template_rows() -> list[list[str]]:
    """A header and two example rows for the downloadable template."""
    return [
        [zh for _key, zh, _en in COLUMNS],
        ["5号楼", "1单元", "301", "68.50", "业主自住", "张桂兰", "13800138000", "是", "否", "1952"],
        ["5号楼", "1单元", "302", "54.20", "公租房", "", "", "", "", ""],
    ]


def to_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    # A byte-order mark makes Excel on Windows open UTF-8 Chinese correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[str]], title: str = "roster") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in rows:
        # Write as text so rooms like 0301 and phone numbers keep their digits.
        sheet.append([str(v) for v in row])
    for column in sheet.columns:
        for cell in column:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
