"""Suspending and resuming agencies; onboarding a wave from a CSV file."""

import html
from unittest import mock

from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context, schema_exists

from core.audit.models import AuditEvent
from core.jobs.models import Job, JobStatus
from tenants import jobs as tenant_jobs
from tenants.models import Agency, AgencyStatus
from tests.conftest import agency_client, console_client

WAVE_HEADER = "name_ko,name_en,code,subdomain,kind,standard_model_version,admin_email\n"


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("wave.csv", text.encode("utf-8"), content_type="text/csv")


def test_a_suspended_agency_shows_a_clear_page_and_its_sessions_stop(
    central_user, alpha_people, django_capture_on_commit_callbacks
):
    staff_client = agency_client("alpha", alpha_people.staff.user)
    assert staff_client.get("/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = console_client(central_user).post(
            f"/agencies/{alpha_people.agency.pk}/status/", {"status": "suspended"})

    assert response.status_code == 302
    page = staff_client.get("/")
    assert page.status_code == 503
    assert "이용이 일시 정지" in page.content.decode()
    with schema_context("alpha"):
        assert Session.objects.count() == 0
    with schema_context("public"):
        assert AuditEvent.objects.filter(action="agency.suspended").count() == 1


def test_resuming_reopens_the_agency_host_despite_the_cached_lookup(
    central_user, alpha_people, django_capture_on_commit_callbacks
):
    client = console_client(central_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/agencies/{alpha_people.agency.pk}/status/", {"status": "suspended"})
    assert agency_client("alpha").get("/accounts/login/").status_code == 503

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/agencies/{alpha_people.agency.pk}/status/", {"status": "active"})
    assert agency_client("alpha").get("/accounts/login/").status_code == 200
    assert Agency.objects.get(pk=alpha_people.agency.pk).status == AgencyStatus.ACTIVE


def test_an_unknown_subdomain_gets_a_friendly_404(db):
    response = agency_client("nowhere").get("/")
    assert response.status_code == 404
    assert "등록되지 않은 기관 주소" in response.content.decode()


TWO_AGENCIES = ("부산광역시,Busan,6260000,busan,metropolitan,2026.1,admin@busan.test\n"
                "창원시,Changwon,5670000,changwon,basic,2026.1,admin@changwon.test\n")


def _post_wave(client, upload, capture):
    with capture(execute=True):
        return client.post("/agencies/wave/", {"file": upload})


def test_a_good_wave_is_onboarded_by_a_job_with_progress(
        central_user, run_jobs, django_capture_on_commit_callbacks):
    client = console_client(central_user)
    response = _post_wave(client, _csv(WAVE_HEADER + TWO_AGENCIES),
                          django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert not Agency.objects.filter(code="6260000").exists()  # not in the request
    assert "0 / 2건" in client.get(response["Location"]).content.decode()

    run_jobs()

    page = client.get(response["Location"]).content.decode()
    assert "완료" in page and "2개 기관을 등록했습니다" in page and "창원시 (5670000)" in page
    assert set(Agency.objects.filter(code__in=["6260000", "5670000"])
               .values_list("schema_name", flat=True)) == {"busan", "changwon"}
    job = Job.objects.get()
    assert (job.done, job.total, job.attempts) == (2, 2, 1)


def test_a_wave_interrupted_midway_resumes_without_onboarding_any_agency_twice(
        central_user, run_jobs, django_capture_on_commit_callbacks):
    real_onboard, calls = tenant_jobs.agency_onboard, []

    def onboard_failing_once_on_the_second(*, onboarding, **kwargs):
        calls.append(onboarding.code)
        if calls == ["6260000", "5670000"]:
            raise ConnectionError("the database went away")
        return real_onboard(onboarding=onboarding, **kwargs)

    _post_wave(console_client(central_user), _csv(WAVE_HEADER + TWO_AGENCIES),
               django_capture_on_commit_callbacks)
    with mock.patch.object(tenant_jobs, "agency_onboard", onboard_failing_once_on_the_second):
        run_jobs()

    assert calls == ["6260000", "5670000", "5670000"]  # busan was not made again
    assert Agency.objects.filter(code__in=["6260000", "5670000"]).count() == 2
    job = Job.objects.get()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)


def test_a_wave_with_one_bad_row_creates_nothing_and_reports_each_row(central_user):
    rows = ("부산광역시,Busan,6260000,busan,metropolitan,2026.1,admin@busan.test\n"
            "창원시,Changwon,567,www,basic,2026.1,admin@changwon.test\n"
            "김해시,Gimhae,5350000,busan,basic,2026.1,admin@gimhae.test\n")
    response = console_client(central_user).post("/agencies/wave/",
                                                  {"file": _csv(WAVE_HEADER + rows)})

    body = response.content.decode()
    assert response.status_code == 400
    assert "예약된 이름" in body and "3행과 중복" not in body and "2행과 중복" in body
    assert not Agency.objects.filter(code__in=["6260000", "5350000"]).exists()
    assert not schema_exists("busan")


def test_a_wave_file_that_is_not_csv_is_refused(central_user):
    upload = SimpleUploadedFile("wave.xlsx", b"PK\x03\x04", content_type="application/zip")
    response = console_client(central_user).post("/agencies/wave/", {"file": upload})
    assert response.status_code == 400
    assert "CSV 파일" in response.content.decode()


def test_a_wave_file_missing_columns_is_refused(central_user):
    response = console_client(central_user).post("/agencies/wave/",
                                                  {"file": _csv("name_ko,code\n가,1234567\n")})
    assert response.status_code == 400
    assert "필수 열이 없습니다" in response.content.decode()


def test_the_wave_template_onboards_as_it_is(central_user, run_jobs,
                                             django_capture_on_commit_callbacks):
    client = console_client(central_user)
    template = client.get("/agencies/wave/template.csv").content
    response = _post_wave(client, SimpleUploadedFile("wave.csv", template,
                                                     content_type="text/csv"),
                          django_capture_on_commit_callbacks)
    assert response.status_code == 302
    run_jobs()
    assert Agency.objects.filter(schema_name="busan").exists()


KOREAN_WAVE_HEADER = ("기관명,영문 기관명,행정기관코드,하위 도메인,기관 유형,표준모델 버전,"
                      "관리자 이메일\n")


def test_a_korean_wave_saved_by_excel_as_cp949_onboards(
    central_user, run_jobs, django_capture_on_commit_callbacks
):
    rows = ("울산광역시,Ulsan,6310000,ulsan,광역자치단체,2026.1,admin@ulsan.test\n"
            "양산시,Yangsan,5380000,yangsan,기초 자치단체,2026.1,admin@yangsan.test\n")
    upload = SimpleUploadedFile("wave.csv", (KOREAN_WAVE_HEADER + rows).encode("cp949"),
                                content_type="text/csv")
    response = _post_wave(console_client(central_user), upload,
                          django_capture_on_commit_callbacks)
    assert response.status_code == 302
    run_jobs()
    assert dict(Agency.objects.filter(code__in=["6310000", "5380000"])
                .values_list("schema_name", "kind")) == {"ulsan": "metropolitan",
                                                         "yangsan": "basic"}


def test_wave_errors_name_the_columns_as_the_template_does(central_user):
    client = console_client(central_user)
    rows = ("가" * 300 + ",Long,6260000,busan,시청,2026.1," + "a" * 300 + "@busan.test\n"
            "창원시,Changwon,5670000,busan,basic,2026.1,admin@changwon.test\n")

    bad_rows = client.post("/agencies/wave/", {"file": _csv(KOREAN_WAVE_HEADER + rows)})
    without_email = KOREAN_WAVE_HEADER.replace(",관리자 이메일", "")
    no_email = client.post("/agencies/wave/", {"file": _csv(
        without_email + "부산,Busan,6260000,busan,basic,2026.1\n")})

    body = html.unescape(bad_rows.content.decode())
    assert bad_rows.status_code == 400
    assert "기관명: " in body and "(지금 300자)" in body
    assert "관리자 이메일: " in body
    assert ("기관 유형: '시청'은 없는 값입니다. 다음 중 하나를 쓰세요: "
            "중앙행정기관, 광역자치단체, 기초자치단체") in body
    assert "하위 도메인 'busan'이 2행과 중복됩니다" in body
    assert "필수 열이 없습니다: 관리자 이메일" in html.unescape(no_email.content.decode())
    assert "admin_email" not in no_email.content.decode()
    assert not Agency.objects.filter(code="5670000").exists()


def test_a_wave_file_with_a_nul_byte_or_a_foreign_encoding_gets_a_reason(central_user):
    client = console_client(central_user)
    for content, reason in ((b"name_ko\x00,code\n", "NUL"),
                            (b"name_ko\n\x80\xff\n", "2행에 UTF-8로도 CP949로도")):
        response = client.post("/agencies/wave/", {"file": SimpleUploadedFile(
            "wave.csv", content, content_type="text/csv")})
        assert response.status_code == 400
        assert reason in html.unescape(response.content.decode())


def test_the_wave_template_speaks_korean(central_user):
    template = console_client(central_user).get("/agencies/wave/template.csv")
    text = template.content.decode("utf-8-sig")
    assert text.startswith(KOREAN_WAVE_HEADER)
    assert ",광역자치단체," in text
