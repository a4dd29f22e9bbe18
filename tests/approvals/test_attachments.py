"""붙임: files attached to a draft are stored per agency and served only to readers."""

import errno
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.files.storage import TenantFileSystemStorage
from django_tenants.utils import schema_context

from core.approvals import services
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


class _DiskFullAfter(TenantFileSystemStorage):
    """The agency's real file storage, with a disk that fills up after ``room`` files."""

    room = 1

    def _save(self, name, content):
        if self.room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= 1
        return super()._save(name, content)


def test_a_draft_that_fails_midway_leaves_no_file_behind(alpha_people, settings, monkeypatch):
    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", _DiskFullAfter())
    files = [SimpleUploadedFile(f"붙임{n}.pdf", b"%PDF-1.7", content_type="application/pdf")
             for n in range(3)]
    with schema_context("alpha"), pytest.raises(OSError):
        services.document_draft(drafter=alpha_people.staff, title="디스크가 찬 날",
                                body="본문", attachments=files)
    with schema_context("alpha"):
        assert not Document.objects.exists() and not Attachment.objects.exists()
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == []
