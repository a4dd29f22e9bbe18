"""HR officers import people and units from CSV or XLSX: all rows or none."""

import html
import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult
from django_tenants.utils import schema_context
from openpyxl import Workbook

from core.audit.models import AuditEvent
from core.jobs.models import Job, JobStatus
from core.org import imports
from core.org.models import Person, Unit
from tenants.models import Agency
from tenants.services import agency_refresh_people_count
from tests.conftest import agency_client
from tests.factories import PersonFactory

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


@pytest.fixture
def import_file(run_jobs, django_capture_on_commit_callbacks):
    """Post a file; when it passes the check, let a worker write it and return the job's
    page (where the request redirected to)."""

    def post(client, kind: str, upload):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/org/import/", {"kind": kind, "file": upload})
        if response.status_code != 302:
            return response
        run_jobs()
        return client.get(response["Location"])

    return post


def test_an_admin_imports_units_then_people_with_their_roles(import_file, alpha_people):
    client = agency_client("alpha", alpha_people.admin.user)

    units = import_file(client, "units", _upload(UNITS_CSV, "units.csv"))
    people = import_file(client, "people", _upload(PEOPLE_CSV))

    assert units.status_code == 200 and people.status_code == 200
    assert "새로 등록 2건" in people.content.decode()
    with schema_context("alpha"):
        assert Unit.objects.get(code="D100").parent.code == "B100"
        junho = Person.objects.get(employee_number="A-002")
        assert junho.unit.code == "D100" and junho.grade.name == "6급"
        assert {r.code for r in junho.roles.all()} == {"staff", "hr_officer"}
        assert junho.user.email == "junho@alpha.go.kr"
        assert AuditEvent.objects.filter(action="org.people_imported").count() == 1


def test_reimport_updates_by_employee_number_instead_of_duplicating(import_file, alpha_people):
    client = agency_client("alpha", alpha_people.admin.user)
    import_file(client, "units", _upload(UNITS_CSV, "units.csv"))
    import_file(client, "people", _upload(PEOPLE_CSV))

    changed = PEOPLE_CSV.replace("이준호", "이준호2").replace(",6급,", ",5급,")
    response = import_file(client, "people", _upload(changed))

    assert "갱신 1건" in response.content.decode()
    with schema_context("alpha"):
        assert Person.objects.filter(employee_number="A-002").count() == 1
        junho = Person.objects.get(employee_number="A-002")
        assert (junho.name, junho.grade.name) == ("이준호2", "5급")
        assert AuditEvent.objects.filter(action="org.person_updated",
                                         target_id=str(junho.pk)).exists()


def test_bad_rows_are_reported_per_line_in_korean_and_nothing_is_written(import_file, alpha_people):
    client = agency_client("alpha", alpha_people.hr.user)
    bad = (
        "직원번호,성명,이메일,부서코드,직급,직위,역할,상태\n"
        "A-001,김민서,minseo@alpha.go.kr,,7급,주무관,staff,재직\n"
        "A-002,,not-an-email,NOPE,11급,주무관,wizard,휴직\n"
        "A-001,중복,dup@alpha.go.kr,,7급,주무관,staff,재직\n"
    )
    with schema_context("alpha"):
        before = Person.objects.count()

    response = import_file(client, "people", _upload(bad))

    body = html.unescape(response.content.decode())
    assert response.status_code == 400
    for message in ("성명이 비어 있습니다", "이메일 형식", "부서코드 'NOPE'", "직급 '11급'",
                    "역할 'wizard'", "상태는", "2행과 중복"):
        assert message in body
    with schema_context("alpha"):
        assert Person.objects.count() == before
        assert not Person.objects.filter(employee_number="A-001").exists()


def test_xlsx_files_are_read_like_csv(import_file, alpha_people):
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

    response = import_file(agency_client("alpha", alpha_people.hr.user), "people", upload)

    assert response.status_code == 200
    with schema_context("alpha"):
        assert Person.objects.get(employee_number="20240001").name == "정숫자"


def test_malformed_oversized_and_mistyped_files_get_clear_errors(import_file, alpha_people,
                                                                 settings):
    client = agency_client("alpha", alpha_people.hr.user)
    broken_xlsx = SimpleUploadedFile("people.xlsx", b"this is not a zip file",
                                     content_type="application/octet-stream")
    assert "엑셀(.xlsx) 파일을 열 수 없습니다" in import_file(client, "people",
                                                     broken_xlsx).content.decode()

    image = SimpleUploadedFile("people.png", b"\x89PNG", content_type="image/png")
    assert "CSV(.csv) 또는 엑셀(.xlsx)" in import_file(client, "people", image).content.decode()

    disguised = SimpleUploadedFile("people.csv", b"a,b", content_type="image/png")
    assert "확장자와 맞지 않습니다" in import_file(client, "people", disguised).content.decode()

    headless = _upload("이름만\n홍길동\n")
    assert "필수 열이 없습니다" in import_file(client, "people", headless).content.decode()

    settings.HARMONY_MAX_UPLOAD_BYTES = 10
    assert "파일이 너무 큽니다" in import_file(client, "people",
                                      _upload(PEOPLE_CSV)).content.decode()


def test_cp949_csv_from_korean_excel_is_accepted(import_file, alpha_people):
    upload = SimpleUploadedFile("people.csv", "직원번호,성명\nC-1,최씨피\n".encode("cp949"),
                                content_type="text/csv")
    response = import_file(agency_client("alpha", alpha_people.hr.user), "people", upload)
    assert response.status_code == 200
    with schema_context("alpha"):
        assert Person.objects.get(employee_number="C-1").name == "최씨피"


def test_the_downloadable_templates_import_as_they_are(import_file, alpha_people):
    client = agency_client("alpha", alpha_people.hr.user)
    for kind in ("units", "people"):
        template = client.get(f"/org/import/{kind}-template.csv")
        assert template["Content-Type"].startswith("text/csv")
        upload = SimpleUploadedFile(f"{kind}.csv", template.content, content_type="text/csv")
        assert import_file(client, kind, upload).status_code == 200
    with schema_context("alpha"):
        assert Person.objects.get(employee_number="2026-0001").unit.code == "D100"
    assert client.get("/org/import/robots-template.csv").status_code == 404


def test_values_longer_than_their_column_are_reported_by_line_and_column(import_file, alpha_people):
    """Issue 7 §5: a 5,000-character name or a 63-character employee number answered 500."""
    client = agency_client("alpha", alpha_people.hr.user)
    people = (
        "직원번호,성명,이메일,전화번호\n"
        "L-1,정상,ok@alpha.go.kr,02-123\n"
        f"{'7' * 63},{'가' * 5000},{'a' * 300}@alpha.go.kr,{'1' * 31}\n"
    )
    units = "부서코드,부서명,유형,정렬순서\nU-1,정상과,과,1\nU-2," + "나" * 300 + ",과,²\n"

    people_response = import_file(client, "people", _upload(people))
    units_response = import_file(client, "units", _upload(units, "units.csv"))

    assert people_response.status_code == units_response.status_code == 400
    with schema_context("alpha"):
        result = imports.people_import(name="people.csv", content=people.encode(), actor=None)
        assert not Person.objects.filter(employee_number="L-1").exists()
        assert not Unit.objects.filter(code="U-1").exists()
    assert [error.line for error in result.errors] == [3]
    assert result.errors[0].messages == [
        "직원번호: 30자를 넘을 수 없습니다 (지금 63자).",
        "성명: 50자를 넘을 수 없습니다 (지금 5000자).",
        "이메일: 254자를 넘을 수 없습니다 (지금 312자).",
        "전화번호: 30자를 넘을 수 없습니다 (지금 31자).",
    ]
    body = html.unescape(units_response.content.decode())
    assert "부서명: 100자를 넘을 수 없습니다 (지금 300자)" in body
    assert "정렬순서는 0 이상의 정수여야 합니다" in body


def test_headers_match_the_template_whatever_their_spacing_or_older_english_names(
    import_file, alpha_people,
):
    client = agency_client("alpha", alpha_people.hr.user)
    english = "employee_number,name,grade\nE-1,영문머리,7급\n"
    spaced = " 직원 번호 ,성 명\nE-2,띄어쓰기\n"
    for text in (english, spaced):
        assert import_file(client, "people", _upload(text)).status_code == 200
    with schema_context("alpha"):
        assert set(Person.objects.filter(employee_number__startswith="E-")
                   .values_list("name", flat=True)) == {"영문머리", "띄어쓰기"}


def test_a_missing_or_doubled_column_is_named_as_the_template_names_it(import_file, alpha_people):
    client = agency_client("alpha", alpha_people.hr.user)

    missing = html.unescape(import_file(client, "people", _upload("사원번호,성명\n1,가\n"))
                            .content.decode())
    doubled = html.unescape(import_file(client, "people", _upload("직원번호,성명,이름\n1,가,나\n"))
                            .content.decode())

    assert "필수 열이 없습니다: 직원번호 (알 수 없는 머리글: 사원번호)" in missing
    assert "employee_number" not in missing
    assert "'성명' 열이 두 번 있습니다" in doubled


def test_nul_bytes_and_unreadable_encodings_get_a_korean_reason_not_a_500(import_file,
                                                                         alpha_people):
    client = agency_client("alpha", alpha_people.hr.user)
    nul = SimpleUploadedFile("people.csv", "직원번호,성명\nN-1,널\x00\n".encode(),
                             content_type="text/csv")
    broken = SimpleUploadedFile("people.csv", "직원번호,성명\n".encode() + b"N-2,\xff\xfe\xfa\n",
                                content_type="text/csv")

    for upload, reason in ((nul, "2행에 NUL 문자"), (broken, "2행에 UTF-8로도 CP949로도")):
        response = import_file(client, "people", upload)
        assert response.status_code == 400
        assert reason in html.unescape(response.content.decode())
def _people_csv(count: int) -> str:
    rows = [f"N-{n:05d},직원{n},n{n}@alpha.go.kr,,9급,주무관,staff,재직" for n in range(count)]
    return "직원번호,성명,이메일,부서코드,직급,직위,역할,상태\n" + "\n".join(rows) + "\n"


def test_a_bad_file_is_answered_in_the_request_and_starts_no_job(
        alpha_people, django_capture_on_commit_callbacks):
    client = agency_client("alpha", alpha_people.hr.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/org/import/", {"kind": "people", "file": _upload(
            "직원번호,성명,직급\nB-1,,99급\n")})

    assert response.status_code == 400
    assert "성명이 비어 있습니다" in html.unescape(response.content.decode())
    assert not DBTaskResult.objects.exists()
    with schema_context("alpha"):
        assert not Job.objects.exists()


def test_a_good_file_is_written_by_a_job_that_refreshes_the_head_count_once(
        alpha_people, run_jobs, django_capture_on_commit_callbacks):
    client = agency_client("alpha", alpha_people.hr.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/org/import/", {"kind": "people",
                                                "file": _upload(_people_csv(60))})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    with schema_context("alpha"):
        assert Person.objects.count() == 6  # nothing written in the request

    with mock.patch("tenants.services.agency_refresh_people_count",
                    wraps=agency_refresh_people_count) as refresh:
        run_jobs()

    refresh.assert_called_once_with(schema_name="alpha")
    assert Agency.objects.get(schema_name="alpha").people_count == 66
    page = client.get(response["Location"]).content.decode()
    assert "완료" in page and "새로 등록 60건" in page


def test_a_row_that_no_longer_fits_when_written_fails_the_job_without_retrying(
        alpha_people, run_jobs, django_capture_on_commit_callbacks):
    client = agency_client("alpha", alpha_people.hr.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/org/import/", {"kind": "people",
                                                "file": _upload(_people_csv(3))})
    with schema_context("alpha"):  # meanwhile someone takes row 3's e-mail address
        PersonFactory(email="n1@alpha.go.kr")

    run_jobs()

    body = html.unescape(client.get(response["Location"]).content.decode())
    assert "실패" in body and "이미 다른 직원이 사용하는 이메일입니다" in body
    with schema_context("alpha"):
        job = Job.objects.get()
        assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
        assert not Person.objects.filter(employee_number__startswith="N-").exists()


def test_an_hr_officer_cannot_grant_roles_through_an_import(import_file, alpha_people):
    client = agency_client("alpha", alpha_people.hr.user)
    import_file(client, "units", _upload(UNITS_CSV, "units.csv"))

    response = import_file(client, "people", _upload(PEOPLE_CSV))

    assert "역할은 기관 관리자만 부여하거나 회수할 수 있습니다" in response.content.decode()
    with schema_context("alpha"):
        assert not Person.objects.filter(employee_number__in=["A-001", "A-002"]).exists()


