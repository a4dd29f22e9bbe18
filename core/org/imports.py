"""Import people and units from CSV or XLSX: validate every row first, then write all rows
in one transaction or none. Re-importing updates people by employee number (직원번호) and
units by unit code (부서코드) instead of duplicating them."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.org import services
from core.org.models import Grade, Person, PersonStatus, Position, Role, Unit, UnitKind
from core.org.tables import (
    Column,
    ImportFileError,
    duplicate,
    map_header,
    quoted,
    read_table,
    row_values,
    shown,
)

MAX_ROWS = 20_000
# Called as rows are written: progress(done, total).
Progress = Callable[[int, int], None]
MAX_SORT_ORDER = 2_147_483_647   # PositiveIntegerField's upper bound in PostgreSQL

# The template's headers (the words every message uses), then older or English ones.
PEOPLE_COLUMNS = (
    Column("employee_number", "직원번호", ("사번",), required=True),
    Column("name", "성명", ("이름",), required=True),
    Column("email", "이메일", ("전자우편", "e-mail")),
    Column("unit_code", "부서코드"),
    Column("grade", "직급"),
    Column("position", "직위"),
    Column("roles", "역할"),
    Column("status", "상태"),
    Column("phone", "전화번호"),
)
UNIT_COLUMNS = (
    Column("code", "부서코드", required=True),
    Column("name", "부서명", required=True),
    Column("kind", "유형", required=True),
    Column("parent_code", "상위부서코드"),
    Column("sort_order", "정렬순서"),
    # The 기안문 foot's contact details; a blank cell keeps what the unit has.
    Column("postal_code", "우편번호"),
    Column("address", "주소"),
    Column("homepage", "홈페이지"),
    Column("phone", "전화", ("전화번호",)),
    Column("fax", "전송", ("팩스",)),
)
PEOPLE = {column.field: column for column in PEOPLE_COLUMNS}
UNITS = {column.field: column for column in UNIT_COLUMNS}
# Columns stored as text as they are: their limits come from the model, not a copy here.
PEOPLE_TEXT_FIELDS = ("employee_number", "name", "email", "phone")
UNIT_CONTACT_FIELDS = ("postal_code", "address", "homepage", "phone", "fax")
UNIT_TEXT_FIELDS = ("code", "name", *UNIT_CONTACT_FIELDS)
STATUS_WORDS = {"재직": PersonStatus.ACTIVE, "active": PersonStatus.ACTIVE, "": PersonStatus.ACTIVE,
                "퇴직": PersonStatus.LEFT, "전출": PersonStatus.LEFT, "left": PersonStatus.LEFT}


# Example files offered for download: the header and one sample row, as Excel expects.
TEMPLATES = {
    "people": ("직원번호,성명,이메일,부서코드,직급,직위,역할,상태\n"
               "2026-0001,홍길동,hong@example.go.kr,D100,7급,주무관,staff,재직\n"),
    "units": ("부서코드,부서명,유형,상위부서코드,정렬순서\n"
              "B100,정부혁신국,국,,1\nD100,혁신기획과,과,B100,1\n"),
}

__all__ = ["ImportFileError", "ImportResult", "RowError", "people_import", "units_import"]


@dataclass
class RowError:
    line: int
    messages: list[str]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading ------------------------------------------------------------------------------

def read_rows(name: str, content: bytes,
              columns: tuple[Column, ...]) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, {field: text}) for every row of a CSV or XLSX file with a value
    in a known column, refusing the file when it cannot be read or a required column is
    missing."""
    table = read_table(name, content, max_rows=MAX_ROWS)
    mapped = map_header(table.header, columns)
    rows = [(line, values) for line, cells in table.rows
            if any(values := row_values(cells, mapped))]
    if not rows:
        raise ImportFileError(_("머리글 아래에 등록할 행이 없습니다."))
    return rows


def too_long(values: dict[str, str], columns: tuple[Column, ...], model,
             fields: tuple[str, ...]) -> list[str]:
    """One message per value longer than its database column, named as the template
    names the column."""
    messages = []
    for column in columns:
        if column.field not in fields:
            continue
        limit = model._meta.get_field(column.field).max_length
        length = len(values.get(column.field, ""))
        if length > limit:
            messages.append(_("%(col)s: %(max)d자를 넘을 수 없습니다 (지금 %(n)d자).")
                            % {"col": column.header, "max": limit, "n": length})
    return messages


# --- People -------------------------------------------------------------------------------

class _Lookup:
    """Reference data by code or name, loaded once per import."""

    def __init__(self):
        self.units = {u.code: u for u in Unit.objects.all()}
        self.grades = _by_code_and_name(Grade.objects.all())
        self.positions = _by_code_and_name(Position.objects.all())
        self.roles = _by_code_and_name(Role.objects.all())


def _by_code_and_name(queryset) -> dict:
    table = {}
    for item in queryset:
        table[item.code.lower()] = item
        table[item.name] = item
    return table


def people_import(*, name: str, content: bytes, actor, origin: Origin = COMMAND_ORIGIN,
                  validate_only: bool = False, progress: Progress | None = None) -> ImportResult:
    """Validate every row, then (unless ``validate_only``) write them all or none, calling
    ``progress(done, total)`` as rows are written."""
    rows = read_rows(name, content, PEOPLE_COLUMNS)
    lookup = _Lookup()
    cleaned, result = [], ImportResult()
    unique = [PEOPLE["employee_number"], PEOPLE["email"]]
    seen: dict[str, dict[str, int]] = {c.field: {} for c in unique}
    for line, values in rows:
        record, messages = _clean_person(values, lookup)
        for column in unique:
            value = record.get(column.field) or ""
            if value and value in seen[column.field]:
                messages.append(duplicate(column, value, seen[column.field][value]))
            seen[column.field].setdefault(value, line)
        if messages:
            result.errors.append(RowError(line, messages))
        cleaned.append((line, record))
    if result.errors or validate_only:
        return result

    def apply() -> None:
        for done, (line, record) in enumerate(cleaned, start=1):
            _apply_person(record, result, actor=actor, origin=origin, line=line)
            if progress:
                progress(done, len(cleaned))

    return _write_all(apply, result, event_type=EventType.PEOPLE_IMPORTED, name=name,
                      actor=actor, origin=origin)


def _write_all(apply, result: ImportResult, *, event_type: EventType, name: str, actor,
               origin: Origin) -> ImportResult:
    """Run ``apply`` and the import's summary event in one transaction; a row that still
    fails while writing rolls everything back and is reported like a validation error."""
    try:
        with transaction.atomic():
            apply()
            counts = {"created": result.created, "updated": result.updated}
            event_record(event_type, actor=actor, subject_label=name, origin=origin,
                         payload=counts, changes=counts)
    except _RowFailed as failure:
        return ImportResult(errors=[failure.error])
    return result


class _RowFailed(Exception):
    def __init__(self, error: RowError):
        self.error = error


def _clean_person(values: dict, lookup: _Lookup) -> tuple[dict, list[str]]:
    messages = too_long(values, PEOPLE_COLUMNS, Person, PEOPLE_TEXT_FIELDS)
    record = {"employee_number": values.get("employee_number", ""),
              "name": values.get("name", ""), "email": values.get("email", "").lower(),
              "phone": values.get("phone", "")}
    if not record["employee_number"]:
        messages.append(_("직원번호가 비어 있습니다."))
    if not record["name"]:
        messages.append(_("성명이 비어 있습니다."))
    email = record["email"]
    if email and len(email) <= Person._meta.get_field("email").max_length:
        try:
            validate_email(email)
        except ValidationError:
            messages.append(_("이메일 형식이 올바르지 않습니다: %(v)s") % {"v": shown(email)})
    for column, table in ((PEOPLE["unit_code"], lookup.units), (PEOPLE["grade"], lookup.grades),
                          (PEOPLE["position"], lookup.positions)):
        text = values.get(column.field, "")
        found = table.get(text) or table.get(text.lower()) if text else None
        if text and found is None:
            messages.append(_("%(label)s %(v)s 찾을 수 없습니다.")
                            % {"label": column.header, "v": quoted(text, "을")})
        record[{"unit_code": "unit"}.get(column.field, column.field)] = found
    role_texts = [r.strip() for r in values.get("roles", "").replace(";", ",").split(",")
                  if r.strip()]
    unknown = [r for r in role_texts if r not in lookup.roles and r.lower() not in lookup.roles]
    if unknown:
        messages.append(_("역할 %(v)s 찾을 수 없습니다.")
                        % {"v": quoted(", ".join(unknown), "을")})
    record["roles"] = sorted({(lookup.roles.get(r) or lookup.roles[r.lower()]).code
                              for r in role_texts if r not in unknown}) or None
    status = values.get("status", "")
    if status.lower() not in STATUS_WORDS and status not in STATUS_WORDS:
        messages.append(_("상태는 '재직' 또는 '퇴직'이어야 합니다: %(v)s") % {"v": shown(status)})
    record["status"] = STATUS_WORDS.get(status) or STATUS_WORDS.get(status.lower())
    return record, messages


def _apply_person(record: dict, result: ImportResult, *, actor, origin: Origin, line: int):
    roles = record.pop("roles")
    number = record.pop("employee_number")
    person = Person.objects.filter(employee_number=number).first()
    try:
        if person is None:
            services.person_create(actor=actor, origin=origin, employee_number=number,
                                   roles=roles or [], **record)
            result.created += 1
            return
        before = services.field_changes(person, record)
        services.person_update(person=person, actor=actor, origin=origin, **record)
        role_change = roles is not None and sorted(
            person.roles.values_list("code", flat=True)) != roles
        if role_change:
            services.person_set_roles(person=person, roles=roles, actor=actor, origin=origin)
        if before or role_change:
            result.updated += 1
        else:
            result.unchanged += 1
    except ValidationError as error:
        messages = [m for ms in error.message_dict.values() for m in ms]
        raise _RowFailed(RowError(line, messages)) from error


# --- Units --------------------------------------------------------------------------------

def units_import(*, name: str, content: bytes, actor, origin: Origin = COMMAND_ORIGIN,
                 validate_only: bool = False, progress: Progress | None = None) -> ImportResult:
    """Validate every row, then (unless ``validate_only``) write them all or none, calling
    ``progress(done, total)`` as units are written and linked to their parents."""
    rows = read_rows(name, content, UNIT_COLUMNS)
    kinds = _by_code_and_name(UnitKind.objects.all())
    codes = set(Unit.objects.values_list("code", flat=True))
    codes |= {values.get("code", "") for _, values in rows}
    result, cleaned, seen = ImportResult(), [], {}
    for line, values in rows:
        fields, parent_code, messages = _clean_unit(values, kinds, codes)
        code = fields["code"]
        if code in seen:
            messages.append(duplicate(UNITS["code"], code, seen[code]))
        seen.setdefault(code, line)
        if messages:
            result.errors.append(RowError(line, messages))
        cleaned.append((line, fields, parent_code))
    if result.errors or validate_only:
        return result
    return _write_all(lambda: _apply_units(cleaned, result, actor=actor, origin=origin,
                                           progress=progress),
                      result, event_type=EventType.UNITS_IMPORTED, name=name, actor=actor,
                      origin=origin)


def _clean_unit(values: dict, kinds: dict, codes: set[str]) -> tuple[dict, str, list[str]]:
    """Return the unit's fields, its parent's code and what is wrong with the row."""
    messages = too_long(values, UNIT_COLUMNS, Unit, UNIT_TEXT_FIELDS)
    code, parent_code = values.get("code", ""), values.get("parent_code", "")
    kind_text = values.get("kind", "")
    kind = kinds.get(kind_text) or kinds.get(kind_text.lower())
    if not code or not values.get("name"):
        messages.append(_("부서코드와 부서명은 비울 수 없습니다."))
    if kind is None:
        messages.append(_("유형 %(v)s 찾을 수 없습니다.") % {"v": quoted(kind_text, "을")})
    if parent_code and parent_code not in codes:
        messages.append(_("상위부서코드 %(v)s 찾을 수 없습니다.")
                        % {"v": quoted(parent_code, "을")})
    if parent_code and parent_code == code:
        messages.append(_("자기 자신을 상위 부서로 지정할 수 없습니다."))
    sort_order = values.get("sort_order", "") or "0"
    # ASCII digits only: str.isdigit() also takes '²', which int() refuses.
    valid_order = re.fullmatch(r"[0-9]{1,10}", sort_order) and int(sort_order) <= MAX_SORT_ORDER
    if not valid_order:
        messages.append(_("정렬순서는 0 이상의 정수여야 합니다."))
    fields = {"code": code, "name": values.get("name", ""), "kind": kind,
              "sort_order": int(sort_order) if valid_order else 0}
    fields |= {field: values[field] for field in UNIT_CONTACT_FIELDS if values.get(field)}
    return fields, parent_code, messages


def _apply_units(cleaned, result: ImportResult, *, actor, origin: Origin,
                 progress: Progress | None = None) -> None:
    """Create or update every unit first, then link parents, so order in the file is free."""
    units = {u.code: u for u in Unit.objects.all()}
    total = 2 * len(cleaned)  # two passes over the rows
    for done, (_line, fields, _parent) in enumerate(cleaned, start=1):
        if progress:
            progress(done, total)
        unit = units.get(fields["code"])
        if unit is None:
            units[fields["code"]] = services.unit_create(actor=actor, origin=origin, **fields)
            result.created += 1
        elif services.field_changes(unit, fields):
            units[fields["code"]] = services.unit_update(unit=unit, actor=actor, origin=origin,
                                                         **fields)
            result.updated += 1
        else:
            result.unchanged += 1
    for done, (line, fields, parent_code) in enumerate(cleaned, start=len(cleaned) + 1):
        if progress:
            progress(done, total)
        unit, parent = units[fields["code"]], units.get(parent_code)
        if unit.parent_id != (parent.pk if parent else None):
            try:
                services.unit_update(unit=unit, actor=actor, origin=origin, parent=parent)
            except ValidationError as error:
                raise _RowFailed(RowError(line, [m for ms in error.message_dict.values()
                                                 for m in ms])) from error


# --- Appointments (발령 이력) --------------------------------------------------------------

APPOINTMENT_COLUMNS = (
    Column("employee_number", "직원번호", ("사번",), required=True),
    Column("kind", "발령구분", ("발령 구분", "구분"), required=True),
    Column("starts_on", "시작일", ("발령일",), required=True),
    Column("ends_on", "종료일"),
    Column("unit_code", "부서코드"),
    Column("grade", "직급"),
    Column("position", "직위"),
    Column("reason", "사유"),
)
APPOINTMENTS = {column.field: column for column in APPOINTMENT_COLUMNS}
TEMPLATES["appointments"] = (
    "직원번호,성명,발령구분,시작일,종료일,부서코드,직급,직위,사유\n"
    "2026-0001,홍길동,신규임용,2019-03-04,,D100,9급,주무관,공개경쟁채용\n"
    "2026-0001,홍길동,승진,2023-07-01,,,8급,,정기승진\n"
)
DATE_FORMATS = ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y%m%d")


def _parse_date(text: str):
    from datetime import datetime

    text = text.strip().rstrip(".")
    text = text.removesuffix(" 00:00:00")  # an Excel date cell read as text
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


@dataclass
class _Planned:
    """One primary appointment of a person's chain, from the file (line) or already stored."""

    starts_on: object
    ends_on: object
    line: int | None = None
    stored: object = None
    record: dict | None = None
    auto_end: bool = False


def appointments_import(*, name: str, content: bytes, actor, origin: Origin = COMMAND_ORIGIN,
                        validate_only: bool = False,
                        progress: Progress | None = None) -> ImportResult:
    """Validate every row and every person's chain of appointments, then (unless
    ``validate_only``) write them all or none. A row already stored as it is counts as
    unchanged, so an exported history imports back without duplicates; an empty 종료일 ends
    a row the day before the person's next appointment."""
    from django.utils import timezone

    from core.org.models import ADDITIONAL_KINDS, Appointment, AppointmentKind

    rows = read_rows(name, content, APPOINTMENT_COLUMNS)
    lookup = _Lookup()
    people = dict(Person.objects.values_list("employee_number", "pk"))
    kinds = {str(label): value for value, label in AppointmentKind.choices}
    kinds.update({value: value for value in AppointmentKind.values})
    today = timezone.localdate()
    result, cleaned = ImportResult(), []
    errors: dict[int, list[str]] = {}
    for line, values in rows:
        record, messages = _clean_appointment(values, lookup, people, kinds, today)
        if record.get("kind") in ADDITIONAL_KINDS and not (record.get("unit")
                                                           or record.get("position")):
            messages.append(_("겸임·직무대리는 부서코드나 직위를 적어야 합니다."))
        errors[line] = messages
        cleaned.append((line, record))
    chains = _appointment_chains(cleaned, errors)
    result.errors = [RowError(line, messages) for line, messages in errors.items() if messages]
    result.errors.sort(key=lambda error: error.line)
    if result.errors or validate_only:
        return result
    extra = _new_additional([(line, record) for line, record in cleaned
                             if record["kind"] in ADDITIONAL_KINDS], result)

    def apply() -> None:
        _apply_appointments(chains, extra, result, actor=actor, origin=origin,
                            progress=progress, model=Appointment)

    return _write_all(apply, result, event_type=EventType.APPOINTMENTS_IMPORTED, name=name,
                      actor=actor, origin=origin)


def _clean_appointment(values: dict, lookup: _Lookup, people: dict, kinds: dict,
                       today) -> tuple[dict, list[str]]:
    from core.org.models import Appointment

    messages = too_long(values, APPOINTMENT_COLUMNS, Appointment, ("reason",))
    number = values.get("employee_number", "")
    record = {"person_id": people.get(number), "reason": values.get("reason", ""),
              "kind": kinds.get(values.get("kind", "")) or kinds.get(
                  values.get("kind", "").lower())}
    if not number:
        messages.append(_("직원번호가 비어 있습니다."))
    elif record["person_id"] is None:
        messages.append(_("직원번호 '%(v)s'인 직원이 없습니다. 직원을 먼저 등록하세요.")
                        % {"v": shown(number)})
    if record["kind"] is None:
        messages.append(_("발령구분 %(v)s 알 수 없습니다 (신규임용, 승진, 전보, "
                          "직무대리, 겸임, 파견, 휴직, 복직, 퇴직).")
                        % {"v": quoted(values.get("kind", ""), "을")})
    for field_name in ("starts_on", "ends_on"):
        text = values.get(field_name, "")
        record[field_name] = _parse_date(text) if text else None
        if text and record[field_name] is None:
            messages.append(_("%(col)s %(v)s 날짜가 아닙니다 (예: 2024-03-01).")
                            % {"col": APPOINTMENTS[field_name].header, "v": quoted(text, "은")})
    starts, ends = record["starts_on"], record["ends_on"]
    if not values.get("starts_on"):
        messages.append(_("시작일이 비어 있습니다."))
    if starts and starts > today:
        messages.append(_("시작일은 오늘 이후일 수 없습니다: %(v)s") % {"v": starts})
    if starts and ends and ends < starts:
        messages.append(_("종료일은 시작일 이후여야 합니다."))
    for column, table in ((APPOINTMENTS["unit_code"], lookup.units),
                          (APPOINTMENTS["grade"], lookup.grades),
                          (APPOINTMENTS["position"], lookup.positions)):
        text = values.get(column.field, "")
        found = table.get(text) or table.get(text.lower()) if text else None
        if text and found is None:
            messages.append(_("%(label)s %(v)s 찾을 수 없습니다.")
                            % {"label": column.header, "v": quoted(text, "을")})
        record[{"unit_code": "unit"}.get(column.field, column.field)] = found
    return record, messages


def _appointment_chains(cleaned, errors: dict[int, list[str]]) -> dict[int, list[_Planned]]:
    """Per person, their primary appointments (stored and from the file) in date order,
    with each open one ended the day before the next; overlaps are row errors."""
    from datetime import timedelta

    from core.org.models import ADDITIONAL_KINDS, Appointment

    planned: dict[int, list[_Planned]] = {}
    for line, record in cleaned:
        if errors[line] or record["kind"] in ADDITIONAL_KINDS:
            continue
        planned.setdefault(record["person_id"], []).append(
            _Planned(record["starts_on"], record["ends_on"], line=line, record=record))
    stored = Appointment.objects.filter(person_id__in=list(planned), primary=True)
    by_person: dict[int, dict] = {}
    for appointment in stored:
        by_person.setdefault(appointment.person_id, {})[appointment.starts_on] = appointment
    for person_id, items in planned.items():
        existing = by_person.get(person_id, {})
        chain, seen = [], {}
        for item in items:
            if item.starts_on in seen:
                errors[item.line].append(
                    _("같은 직원의 같은 시작일 발령이 %(line)d행과 중복됩니다.")
                    % {"line": seen[item.starts_on]})
                continue
            seen[item.starts_on] = item.line
            twin = existing.get(item.starts_on)
            if twin is not None:
                if _same_appointment(twin, item.record):
                    item.stored = twin  # unchanged
                else:
                    errors[item.line].append(_(
                        "이 직원은 %(date)s에 시작하는 다른 발령이 이미 있습니다. 정정은 직원 "
                        "화면의 발령 이력에서 하세요.") % {"date": item.starts_on})
                    continue
            chain.append(item)
        chain += [_Planned(a.starts_on, a.ends_on, stored=a) for day, a in existing.items()
                  if day not in seen]
        chain.sort(key=lambda item: item.starts_on)
        for earlier, later in zip(chain, chain[1:], strict=False):
            if earlier.ends_on is None:
                earlier.ends_on, earlier.auto_end = later.starts_on - timedelta(days=1), True
            elif earlier.ends_on >= later.starts_on:
                line = later.line or earlier.line
                errors[line].append(_("기간이 겹치는 발령이 있습니다: %(a)s ~ %(b)s와 %(c)s 시작.")
                                    % {"a": earlier.starts_on, "b": earlier.ends_on,
                                       "c": later.starts_on})
        previous = None
        for item in chain:  # a promotion names only the new grade: the rest carries over
            if item.record is not None and previous is not None:
                for key in ("unit", "grade", "position"):
                    if item.record[key] is None:
                        item.record[key] = previous.get(key)
            previous = item.record or {"unit": item.stored.unit, "grade": item.stored.grade,
                                       "position": item.stored.position}
        planned[person_id] = chain
    return planned


def _new_additional(rows, result: ImportResult) -> list:
    """The concurrent posts and acting duties not stored yet (a re-import adds none twice)."""
    from core.org.models import Appointment

    def key(person_id, kind, starts_on, unit_id, position_id):
        return (person_id, kind, starts_on, unit_id, position_id)

    stored = {key(*row) for row in Appointment.objects.filter(
        primary=False, person_id__in={record["person_id"] for _line, record in rows})
        .values_list("person_id", "kind", "starts_on", "unit_id", "position_id")}
    fresh = []
    for line, record in rows:
        if key(record["person_id"], record["kind"], record["starts_on"],
               getattr(record["unit"], "pk", None),
               getattr(record["position"], "pk", None)) in stored:
            result.unchanged += 1
        else:
            fresh.append((line, record))
    return fresh


def _same_appointment(stored, record: dict) -> bool:
    return (stored.kind == record["kind"] and stored.ends_on == record["ends_on"]
            and all(record[key] is None or getattr(stored, f"{key}_id") == record[key].pk
                    for key in ("unit", "grade", "position")))


def _apply_appointments(chains, extra, result: ImportResult, *, actor, origin: Origin,
                        progress: Progress | None, model) -> None:
    """Write the new rows in bulk, close the stored appointments they follow, then bring
    each person's current record in line with the appointment in force today."""
    new, total, done = [], sum(len(chain) for chain in chains.values()) + len(extra), 0
    for chain in chains.values():
        for item in chain:
            done += 1
            if item.stored is not None:
                if item.auto_end and item.stored.ends_on is None:
                    item.stored.ends_on = item.ends_on
                    item.stored.save(update_fields=["ends_on"])
                    result.updated += 1
                elif item.line is not None:
                    result.unchanged += 1
                continue
            new.append(model(primary=True, ends_on=item.ends_on,
                             **{k: v for k, v in item.record.items() if k != "ends_on"}))
            if progress and done % 500 == 0:
                progress(done, total)
    for _line, record in extra:
        new.append(model(primary=False, **record))
    model.objects.bulk_create(new, batch_size=1000)
    result.created += len(new)
    for person in Person.objects.filter(pk__in=list(chains) + [r["person_id"] for _l, r in extra]):
        followed = services._person_follow(person, actor)
        if followed:
            event_record(EventType.PERSON_UPDATED, actor=actor, subject=person, origin=origin,
                         person_id=person.pk, unit_id=person.unit_id, changes=followed)
    if progress:
        progress(total, total)
