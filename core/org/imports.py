"""Import people and units from CSV or XLSX: validate every row first, then write all rows
in one transaction or none. Re-importing updates people by employee number (직원번호) and
units by unit code (부서코드) instead of duplicating them."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit.services import COMMAND_ORIGIN, Origin, audit_record
from core.org import services
from core.org.models import Grade, Person, PersonStatus, Position, Role, Unit, UnitKind

MAX_ROWS = 20_000

# Column headers accepted in Korean or English, mapped to field names.
PEOPLE_COLUMNS = {
    "직원번호": "employee_number", "employee_number": "employee_number",
    "성명": "name", "이름": "name", "name": "name",
    "이메일": "email", "email": "email",
    "부서코드": "unit_code", "unit_code": "unit_code",
    "직급": "grade", "grade": "grade",
    "직위": "position", "position": "position",
    "역할": "roles", "roles": "roles",
    "상태": "status", "status": "status",
    "전화번호": "phone", "phone": "phone",
}
PEOPLE_REQUIRED = ("employee_number", "name")
UNIT_COLUMNS = {
    "부서코드": "code", "code": "code",
    "부서명": "name", "name": "name",
    "유형": "kind", "kind": "kind",
    "상위부서코드": "parent_code", "parent_code": "parent_code",
    "정렬순서": "sort_order", "sort_order": "sort_order",
}
UNIT_REQUIRED = ("code", "name", "kind")
STATUS_WORDS = {"재직": PersonStatus.ACTIVE, "active": PersonStatus.ACTIVE, "": PersonStatus.ACTIVE,
                "퇴직": PersonStatus.LEFT, "전출": PersonStatus.LEFT, "left": PersonStatus.LEFT}


# Example files offered for download: the header and one sample row, as Excel expects.
TEMPLATES = {
    "people": ("직원번호,성명,이메일,부서코드,직급,직위,역할,상태\n"
               "2026-0001,홍길동,hong@example.go.kr,D100,7급,주무관,staff,재직\n"),
    "units": ("부서코드,부서명,유형,상위부서코드,정렬순서\n"
              "B100,정부혁신국,국,,1\nD100,혁신기획과,과,B100,1\n"),
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, too many rows)."""


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

def read_rows(name: str, content: bytes, columns: dict[str, str],
              required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """Return (line number, {field: text}) for every non-blank row of a CSV or XLSX file,
    refusing the file when a required column is missing."""
    table = _read_xlsx(content) if name.lower().endswith(".xlsx") else _read_csv(content)
    if not table:
        raise ImportFileError(_("파일에 머리글 행이 없습니다."))
    header = [columns.get(str(cell or "").strip().lower()) or columns.get(str(cell or "").strip())
              for cell in table[0]]
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        values = {name: _text(cell) for name, cell in zip(header, cells, strict=False) if name}
        if any(values.values()):
            rows.append((line, values))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("한 번에 %(n)d행까지 올릴 수 있습니다.") % {"n": MAX_ROWS})
    present = {field for field in header if field}
    missing = [field for field in required if field not in present]
    if missing:
        raise ImportFileError(_("필수 열이 없습니다: %(cols)s") % {"cols": ", ".join(missing)})
    if not rows:
        raise ImportFileError(_("머리글 아래에 등록할 행이 없습니다."))
    return rows


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp949"):  # Korean Excel saves CSV as CP949
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("CSV 파일의 문자 인코딩을 읽을 수 없습니다 (UTF-8 또는 CP949)."))
    if "\x00" in text:
        raise ImportFileError(_("CSV 텍스트 파일이 아닙니다."))
    try:
        return [row for row in csv.reader(io.StringIO(text))]
    except csv.Error as error:
        raise ImportFileError(_("CSV 형식이 올바르지 않습니다: %(e)s") % {"e": error}) from error


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 — openpyxl raises many kinds for bad files
        raise ImportFileError(_("엑셀(.xlsx) 파일을 열 수 없습니다.")) from error
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(max_row=MAX_ROWS + 2, values_only=True)]
    workbook.close()
    return rows


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


def people_import(*, name: str, content: bytes, actor,
                  origin: Origin = COMMAND_ORIGIN) -> ImportResult:
    rows = read_rows(name, content, PEOPLE_COLUMNS, PEOPLE_REQUIRED)
    lookup = _Lookup()
    cleaned, result = [], ImportResult()
    seen: dict[str, dict[str, int]] = {"employee_number": {}, "email": {}}
    for line, values in rows:
        record, messages = _clean_person(values, lookup)
        for key in seen:
            value = record.get(key) or ""
            if value and value in seen[key]:
                messages.append(_("%(value)s이(가) %(line)d행과 중복됩니다.")
                                % {"value": value, "line": seen[key][value]})
            seen[key].setdefault(value, line)
        if messages:
            result.errors.append(RowError(line, messages))
        cleaned.append((line, record))
    if result.errors:
        return result

    def apply() -> None:
        for line, record in cleaned:
            _apply_person(record, result, actor=actor, origin=origin, line=line)

    return _write_all(apply, result, action="org.people_imported", name=name, actor=actor,
                      origin=origin)


def _write_all(apply, result: ImportResult, *, action: str, name: str, actor,
               origin: Origin) -> ImportResult:
    """Run ``apply`` and the import's summary event in one transaction; a row that still
    fails while writing rolls everything back and is reported like a validation error."""
    try:
        with transaction.atomic():
            apply()
            audit_record(actor=actor, action=action, target_label=name, origin=origin,
                         changes={"created": result.created, "updated": result.updated})
    except _RowFailed as failure:
        return ImportResult(errors=[failure.error])
    return result


class _RowFailed(Exception):
    def __init__(self, error: RowError):
        self.error = error


def _clean_person(values: dict, lookup: _Lookup) -> tuple[dict, list[str]]:
    messages = []
    record = {"employee_number": values.get("employee_number", ""),
              "name": values.get("name", ""), "email": values.get("email", "").lower(),
              "phone": values.get("phone", "")}
    if not record["employee_number"]:
        messages.append(_("직원번호가 비어 있습니다."))
    if not record["name"]:
        messages.append(_("성명이 비어 있습니다."))
    if record["email"]:
        try:
            from django.core.validators import validate_email

            validate_email(record["email"])
        except ValidationError:
            messages.append(_("이메일 형식이 올바르지 않습니다: %(v)s") % {"v": record["email"]})
    for key, table, label in (("unit_code", lookup.units, _("부서코드")),
                              ("grade", lookup.grades, _("직급")),
                              ("position", lookup.positions, _("직위"))):
        text = values.get(key, "")
        found = table.get(text) or table.get(text.lower()) if text else None
        if text and found is None:
            messages.append(_("%(label)s '%(v)s'을(를) 찾을 수 없습니다.")
                            % {"label": label, "v": text})
        record[{"unit_code": "unit"}.get(key, key)] = found
    role_texts = [r.strip() for r in values.get("roles", "").replace(";", ",").split(",")
                  if r.strip()]
    unknown = [r for r in role_texts if r not in lookup.roles and r.lower() not in lookup.roles]
    if unknown:
        messages.append(_("역할 '%(v)s'을(를) 찾을 수 없습니다.") % {"v": ", ".join(unknown)})
    record["roles"] = sorted({(lookup.roles.get(r) or lookup.roles[r.lower()]).code
                              for r in role_texts if r not in unknown}) or None
    status = values.get("status", "")
    if status.lower() not in STATUS_WORDS and status not in STATUS_WORDS:
        messages.append(_("상태는 '재직' 또는 '퇴직'이어야 합니다: %(v)s") % {"v": status})
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

def units_import(*, name: str, content: bytes, actor,
                 origin: Origin = COMMAND_ORIGIN) -> ImportResult:
    rows = read_rows(name, content, UNIT_COLUMNS, UNIT_REQUIRED)
    kinds = _by_code_and_name(UnitKind.objects.all())
    known_codes = set(Unit.objects.values_list("code", flat=True))
    file_codes = {values.get("code", "") for _, values in rows}
    result, cleaned, seen = ImportResult(), [], {}
    for line, values in rows:
        messages = []
        code, parent_code = values.get("code", ""), values.get("parent_code", "")
        kind = kinds.get(values.get("kind", "")) or kinds.get(values.get("kind", "").lower())
        if not code or not values.get("name"):
            messages.append(_("부서코드와 부서명은 비울 수 없습니다."))
        if kind is None:
            messages.append(_("유형 '%(v)s'을(를) 찾을 수 없습니다.")
                            % {"v": values.get("kind", "")})
        if parent_code and parent_code not in known_codes | file_codes:
            messages.append(_("상위부서코드 '%(v)s'을(를) 찾을 수 없습니다.") % {"v": parent_code})
        if parent_code and parent_code == code:
            messages.append(_("자기 자신을 상위 부서로 지정할 수 없습니다."))
        if code in seen:
            messages.append(_("%(value)s이(가) %(line)d행과 중복됩니다.")
                            % {"value": code, "line": seen[code]})
        seen.setdefault(code, line)
        sort_order = values.get("sort_order", "") or "0"
        if not sort_order.isdecimal():
            messages.append(_("정렬순서는 0 이상의 정수여야 합니다."))
        if messages:
            result.errors.append(RowError(line, messages))
        cleaned.append((line, {"code": code, "name": values.get("name", ""), "kind": kind,
                               "sort_order": int(sort_order) if sort_order.isdecimal() else 0},
                        parent_code))
    if result.errors:
        return result
    return _write_all(lambda: _apply_units(cleaned, result, actor=actor, origin=origin),
                      result, action="org.units_imported", name=name, actor=actor,
                      origin=origin)


def _apply_units(cleaned, result: ImportResult, *, actor, origin: Origin) -> None:
    """Create or update every unit first, then link parents, so order in the file is free."""
    units = {u.code: u for u in Unit.objects.all()}
    for _line, fields, _parent in cleaned:
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
    for line, fields, parent_code in cleaned:
        unit, parent = units[fields["code"]], units.get(parent_code)
        if unit.parent_id != (parent.pk if parent else None):
            try:
                services.unit_update(unit=unit, actor=actor, origin=origin, parent=parent)
            except ValidationError as error:
                raise _RowFailed(RowError(line, [m for ms in error.message_dict.values()
                                                 for m in ms])) from error
