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
)
PEOPLE = {column.field: column for column in PEOPLE_COLUMNS}
UNITS = {column.field: column for column in UNIT_COLUMNS}
# Columns stored as text as they are: their limits come from the model, not a copy here.
PEOPLE_TEXT_FIELDS = ("employee_number", "name", "email", "phone")
UNIT_TEXT_FIELDS = ("code", "name")
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
            messages.append(_("%(label)s '%(v)s'을(를) 찾을 수 없습니다.")
                            % {"label": column.header, "v": shown(text)})
        record[{"unit_code": "unit"}.get(column.field, column.field)] = found
    role_texts = [r.strip() for r in values.get("roles", "").replace(";", ",").split(",")
                  if r.strip()]
    unknown = [r for r in role_texts if r not in lookup.roles and r.lower() not in lookup.roles]
    if unknown:
        messages.append(_("역할 '%(v)s'을(를) 찾을 수 없습니다.")
                        % {"v": shown(", ".join(unknown))})
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
        messages.append(_("유형 '%(v)s'을(를) 찾을 수 없습니다.") % {"v": shown(kind_text)})
    if parent_code and parent_code not in codes:
        messages.append(_("상위부서코드 '%(v)s'을(를) 찾을 수 없습니다.")
                        % {"v": shown(parent_code)})
    if parent_code and parent_code == code:
        messages.append(_("자기 자신을 상위 부서로 지정할 수 없습니다."))
    sort_order = values.get("sort_order", "") or "0"
    # ASCII digits only: str.isdigit() also takes '²', which int() refuses.
    valid_order = re.fullmatch(r"[0-9]{1,10}", sort_order) and int(sort_order) <= MAX_SORT_ORDER
    if not valid_order:
        messages.append(_("정렬순서는 0 이상의 정수여야 합니다."))
    fields = {"code": code, "name": values.get("name", ""), "kind": kind,
              "sort_order": int(sort_order) if valid_order else 0}
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
