"""The central console's agency list and an agency's own page."""

import pytest

from core.audit.models import AuditEvent
from core.jobs.models import Job, JobStatus
from tenants.backups import agency_export
from tenants.selectors import agency_backups
from tenants.services import agency_refresh_people_count
from tests.conftest import console_client
from tests.factories import onboard_agency


def test_the_search_finds_an_agency_by_its_subdomain_name_or_code(central_user):
    onboard_agency("test-ui1", code="1000011", name_ko="시험화면청")
    onboard_agency("mogaha", code="1000012", name_ko="행정자치부")
    client = console_client(central_user)

    for query in ("test-ui1", "test-ui1.localhost", "시험화면", "1000011"):
        page = client.get("/", {"q": query}).content.decode()
        assert "시험화면청" in page and "행정자치부" not in page, query
    assert "행정자치부" in client.get("/", {"q": "mogaha"}).content.decode()


def test_an_agency_has_a_page_of_its_own_linked_from_the_list(central_user, alpha_people):
    agency = alpha_people.agency
    agency_refresh_people_count(schema_name=agency.schema_name)
    client = console_client(central_user)

    assert f'href="/agencies/{agency.pk}/"' in client.get("/").content.decode()
    page = client.get(f"/agencies/{agency.pk}/").content.decode()
    for fact in ("알파부", "alpha.localhost", "1000001", "운영 중", agency.standard_model_version,
                 "백업 만들기", "아직 백업이 없습니다", "이 기관에 관한 작업이 없습니다"):
        assert fact in page, fact
    assert ">6<" in page  # head-count: the first admin and the five personas
    assert client.get("/agencies/999999/").status_code == 404


def test_only_central_staff_reach_an_agency_page_or_its_backups(alpha, db):
    from core.accounts.mfa import totp_enrol
    from tests.factories import TOTP_SECRET, UserFactory

    user = UserFactory(email="nobody@harmony.test")  # signed in, with MFA, but not staff
    totp_enrol(user, TOTP_SECRET)
    client = console_client(user)
    assert client.get(f"/agencies/{alpha.pk}/").status_code == 403
    assert client.post(f"/agencies/{alpha.pk}/backups/").status_code == 403
    assert client.get(f"/agencies/{alpha.pk}/backups/x.tar.gz").status_code == 403


@pytest.mark.usefixtures("backup_folders")
def test_central_staff_back_up_an_agency_as_a_job_and_download_it(
    central_user, alpha_people, run_jobs, django_capture_on_commit_callbacks
):
    agency = alpha_people.agency
    client = console_client(central_user)

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/agencies/{agency.pk}/backups/")
    job = Job.objects.get()
    assert started.url == f"/jobs/{job.pk}/"
    assert job.params["agency_id"] == agency.pk
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert "백업을 만들었습니다" in job.result["summary"]

    (backup,) = agency_backups(agency)
    page = client.get(f"/agencies/{agency.pk}/").content.decode()
    assert backup.name in page and "이 백업으로 복원" not in page  # active: no restore
    assert "백업 만들기" in page and job.title in page

    download = client.get(f"/agencies/{agency.pk}/backups/{backup.name}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == backup.path.read_bytes()
    assert AuditEvent.objects.filter(action="agency.backup_downloaded",
                                     target_id=str(agency.pk), actor_id=central_user.pk).exists()
    assert AuditEvent.objects.filter(action="agency.exported", target_id=str(agency.pk),
                                     actor_id=central_user.pk).exists()
    assert client.get(f"/agencies/{agency.pk}/backups/..%2F..%2Fsecret").status_code == 404
    assert client.get(f"/agencies/{agency.pk}/backups/other.tar.gz").status_code == 404


@pytest.mark.usefixtures("backup_folders")
def test_a_backup_reports_its_progress_table_by_table(alpha):
    calls = []
    agency_export(agency=alpha, actor=None,
                  progress=lambda done, total, step=None: calls.append((done, total, step)))
    steps = [step for _done, _total, step in calls]
    assert "work_task" in steps and "audit_auditevent" in steps
    assert all(done <= total for done, total, _step in calls)
    assert calls[-1][0] == calls[-1][1] - 1  # the last step, packing, is under way


def test_suspending_from_the_agency_page_returns_to_it(central_user, alpha):
    response = console_client(central_user).post(
        f"/agencies/{alpha.pk}/status/", {"status": "suspended", "back": "agency"})
    assert response.url == f"/agencies/{alpha.pk}/"
    alpha.refresh_from_db()
    assert alpha.is_suspended
