"""붙임: files attached to a draft are stored per agency and served only to readers."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from core.approvals.models import Attachment, Document
from tests.conftest import agency_client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _post(client, people, *files):
    return client.post("/approvals/new/", {
        "title": "붙임 있는 기안", "document_type": "general", "body": "<p>본문</p>",
        "disclosure": "public", "approver": people.head.pk, "attachments": list(files)})


def test_attachments_are_kept_in_the_agencys_folder_and_served_to_readers(alpha_people,
                                                                          settings):
    staff = agency_client("alpha", alpha_people.staff.user)
    plan = SimpleUploadedFile("추진계획.hwpx", b"hwpx-bytes", content_type="application/zip")
    assert _post(staff, alpha_people, plan).status_code == 302
    with schema_context("alpha"):
        document = Document.objects.get()
        attachment = document.attachments.get()
    assert Path(attachment.file.path).is_relative_to(Path(settings.MEDIA_ROOT) / "alpha")

    url = f"/approvals/{document.pk}/attachments/{attachment.pk}/"
    download = agency_client("alpha", alpha_people.head.user).get(url)
    assert b"".join(download.streaming_content) == b"hwpx-bytes"
    assert agency_client("alpha", alpha_people.other.user).get(url).status_code == 404


def test_disallowed_types_and_oversized_files_are_refused_and_nothing_is_written(
    alpha_people, settings
):
    staff = agency_client("alpha", alpha_people.staff.user)
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    refused = _post(staff, alpha_people, script)
    assert refused.status_code == 400 and "붙일 수 없는 파일 형식" in refused.content.decode()

    settings.HARMONY_MAX_ATTACHMENT_BYTES = 4
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7", content_type="application/pdf")
    assert "너무 큽니다" in _post(staff, alpha_people, big).content.decode()
    with schema_context("alpha"):
        assert not Document.objects.exists() and not Attachment.objects.exists()
