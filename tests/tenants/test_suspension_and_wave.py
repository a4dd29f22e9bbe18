"""Suspending and resuming agencies; onboarding a wave from a CSV file."""

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
