"""HR officers import people and units from CSV or XLSX: all rows or none."""

import html
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from openpyxl import Workbook

from core.audit.models import AuditEvent
from core.org.models import Person, Unit
from tests.conftest import agency_client

PEOPLE_CSV = (
    "직원번호,성명,이메일,부서코드,직급,직위,역할,상태\n"
    "A-001,김민서,minseo@alpha.go.kr,D100,7급,주무관,staff,재직\n"
    "A-002,이준호,junho@alpha.go.kr,D100,6급,주무관,\"staff,hr_officer\",재직\n"
)
UNITS_CSV = (
    "부서코드,부서명,유형,상위부서코드,정렬순서\n"
    "D100,혁신기획과,과,B100,1\n"     # the parent appears later in the file
    "B100,정부혁신국,국,,1\n"
)


def _upload(text: str, name: str = "people.csv", content_type: str = "text/csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type=content_type)


def _import(client, kind: str, upload):
    return client.post("/org/import/", {"kind": kind, "file": upload})


def test_an_admin_imports_units_then_people_with_their_roles(alpha_people):
    client = agency_client("alpha", alpha_people.admin.user)

    units = _import(client, "units", _upload(UNITS_CSV, "units.csv"))
    people = _import(client, "people", _upload(PEOPLE_CSV))

    assert units.status_code == 200 and people.status_code == 200
    assert "새로 등록 2건" in people.content.decode()
    with schema_context("alpha"):
        assert Unit.objects.get(code="D100").parent.code == "B100"
        junho = Person.objects.get(employee_number="A-002")
        assert junho.unit.code == "D100" and junho.grade.name == "6급"
        assert {r.code for r in junho.roles.all()} == {"staff", "hr_officer"}
        assert junho.user.email == "junho@alpha.go.kr"
        assert AuditEvent.objects.filter(action="org.people_imported").count() == 1


def test_reimport_updates_by_employee_number_instead_of_duplicating(alpha_people):
    client = agency_client("alpha", alpha_people.admin.user)
    _import(client, "units", _upload(UNITS_CSV, "units.csv"))
    _import(client, "people", _upload(PEOPLE_CSV))

    changed = PEOPLE_CSV.replace("이준호", "이준호2").replace(",6급,", ",5급,")
    response = _import(client, "people", _upload(changed))

    assert "갱신 1건" in response.content.decode()
    with schema_context("alpha"):
        assert Person.objects.filter(employee_number="A-002").count() == 1
        junho = Person.objects.get(employee_number="A-002")
        assert (junho.name, junho.grade.name) == ("이준호2", "5급")
        assert AuditEvent.objects.filter(action="org.person_updated",
                                         target_id=str(junho.pk)).exists()


def test_bad_rows_are_reported_per_line_in_korean_and_nothing_is_written(alpha_people):
    client = agency_client("alpha", alpha_people.hr.user)
    bad = (
        "직원번호,성명,이메일,부서코드,직급,직위,역할,상태\n"
        "A-001,김민서,minseo@alpha.go.kr,,7급,주무관,staff,재직\n"
        "A-002,,not-an-email,NOPE,11급,주무관,wizard,휴직\n"
        "A-001,중복,dup@alpha.go.kr,,7급,주무관,staff,재직\n"
    )
    with schema_context("alpha"):
        before = Person.objects.count()

    response = _import(client, "people", _upload(bad))

    body = html.unescape(response.content.decode())
    assert response.status_code == 400
    for message in ("성명이 비어 있습니다", "이메일 형식", "부서코드 'NOPE'", "직급 '11급'",
                    "역할 'wizard'", "상태는", "2행과 중복"):
        assert message in body
    with schema_context("alpha"):
        assert Person.objects.count() == before
        assert not Person.objects.filter(employee_number="A-001").exists()


def test_xlsx_files_are_read_like_csv(alpha_people):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["직원번호", "성명", "직급", "직위"])
    sheet.append(["X-1", "박엑셀", "8급", "주무관"])
    sheet.append([20240001, "정숫자", "9급", "주무관"])  # numbers stay whole, no ".0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile(
        "people.xlsx", buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    response = _import(agency_client("alpha", alpha_people.hr.user), "people", upload)

    assert response.status_code == 200
    with schema_context("alpha"):
        assert Person.objects.get(employee_number="20240001").name == "정숫자"


def test_malformed_oversized_and_mistyped_files_get_clear_errors(alpha_people, settings):
    client = agency_client("alpha", alpha_people.hr.user)
    broken_xlsx = SimpleUploadedFile("people.xlsx", b"this is not a zip file",
                                     content_type="application/octet-stream")
    assert "엑셀(.xlsx) 파일을 열 수 없습니다" in _import(client, "people",
                                                     broken_xlsx).content.decode()

    image = SimpleUploadedFile("people.png", b"\x89PNG", content_type="image/png")
    assert "CSV(.csv) 또는 엑셀(.xlsx)" in _import(client, "people", image).content.decode()

    disguised = SimpleUploadedFile("people.csv", b"a,b", content_type="image/png")
    assert "확장자와 맞지 않습니다" in _import(client, "people", disguised).content.decode()

    headless = _upload("이름만\n홍길동\n")
    assert "필수 열이 없습니다" in _import(client, "people", headless).content.decode()

    settings.HARMONY_MAX_UPLOAD_BYTES = 10
    assert "파일이 너무 큽니다" in _import(client, "people",
                                      _upload(PEOPLE_CSV)).content.decode()


def test_cp949_csv_from_korean_excel_is_accepted(alpha_people):
    upload = SimpleUploadedFile("people.csv", "직원번호,성명\nC-1,최씨피\n".encode("cp949"),
                                content_type="text/csv")
    response = _import(agency_client("alpha", alpha_people.hr.user), "people", upload)
    assert response.status_code == 200
    with schema_context("alpha"):
        assert Person.objects.get(employee_number="C-1").name == "최씨피"


def test_the_downloadable_templates_import_as_they_are(alpha_people):
    client = agency_client("alpha", alpha_people.hr.user)
    for kind in ("units", "people"):
        template = client.get(f"/org/import/{kind}-template.csv")
        assert template["Content-Type"].startswith("text/csv")
        upload = SimpleUploadedFile(f"{kind}.csv", template.content, content_type="text/csv")
        assert _import(client, kind, upload).status_code == 200
    with schema_context("alpha"):
        assert Person.objects.get(employee_number="2026-0001").unit.code == "D100"
    assert client.get("/org/import/robots-template.csv").status_code == 404


def test_an_hr_officer_cannot_grant_roles_through_an_import(alpha_people):
    client = agency_client("alpha", alpha_people.hr.user)
    _import(client, "units", _upload(UNITS_CSV, "units.csv"))

    response = _import(client, "people", _upload(PEOPLE_CSV))

    assert "역할은 기관 관리자만 부여하거나 회수할 수 있습니다" in response.content.decode()
    with schema_context("alpha"):
        assert not Person.objects.filter(employee_number__in=["A-001", "A-002"]).exists()
