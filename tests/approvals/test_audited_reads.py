"""What leaves the system or is read by role alone is in the audit trail: PDF and attachment
downloads, XLSX exports, a records officer reading documents they had no part in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import StepRole
from core.audit.models import AuditEvent
from core.org.models import Role, RoleCode
from tests.conftest import agency_client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _events(action: str) -> list[AuditEvent]:
    with schema_context("alpha"):
        return list(AuditEvent.objects.filter(action=action))


def _approved(people, **fields):
    with schema_context("alpha"):
        document = services.document_draft(drafter=people.staff, title="보고", body="본문",
                                           **fields)
        services.document_submit(document=document, actor=people.staff, line=[
            services.LineEntry(person=people.head, role=StepRole.APPROVER)])
        return services.step_approve(document=document, actor=people.head)


def _records_officer(person):
    with schema_context("alpha"):
        person.roles.add(Role.objects.get(code=RoleCode.RECORDS_OFFICER))


def test_an_attachment_download_is_audited(alpha_people):
    plan = SimpleUploadedFile("추진계획.hwpx", b"hwpx", content_type="application/zip")
    document = _approved(alpha_people, attachments=[plan])
    with schema_context("alpha"):
        attachment = document.attachments.get()

    agency_client("alpha", alpha_people.head.user).get(
        f"/approvals/{document.pk}/attachments/{attachment.pk}/")

    (event,) = _events("approvals.document_downloaded")
    assert event.target_id == str(document.pk) and event.changes == {"file": "추진계획.hwpx"}
    assert event.actor_id == alpha_people.head.user_id


def test_a_pdf_download_is_audited(alpha_people):
    document = _approved(alpha_people)

    response = agency_client("alpha", alpha_people.staff.user).get(
        f"/approvals/{document.pk}/pdf/")

    assert response.status_code == 200
    (event,) = _events("approvals.document_downloaded")
    assert event.changes["file"].endswith(".pdf")


def test_xlsx_exports_are_audited_with_their_filters(alpha_people):
    _approved(alpha_people)
    agency_client("alpha", alpha_people.staff.user).get(
        "/approvals/", {"box": "done", "q": "보고", "format": "xlsx"})
    agency_client("alpha", alpha_people.hr.user).get("/org/people/", {"format": "xlsx"})

    (documents,) = _events("approvals.documents_exported")
    assert documents.changes["box"] == "done" and documents.changes["query"] == "보고"
    (people,) = _events("org.people_exported")
    assert people.actor_id == alpha_people.hr.user_id


def test_a_records_officer_reading_a_document_they_had_no_part_in_is_audited(alpha_people):
    document = _approved(alpha_people)
    _records_officer(alpha_people.other)
    _records_officer(alpha_people.head)  # the approver: on the line, not by role alone

    assert agency_client("alpha", alpha_people.other.user).get(
        f"/approvals/{document.pk}/").status_code == 200
    agency_client("alpha", alpha_people.head.user).get(f"/approvals/{document.pk}/")
    agency_client("alpha", alpha_people.other.user).get(f"/api/v1/documents/{document.pk}/")

    events = _events("approvals.document_read_by_records_officer")
    assert [e.actor_id for e in events] == [alpha_people.other.user_id] * 2
    assert {e.target_id for e in events} == {str(document.pk)}
