"""임시 저장: the draft form keeps a draft without sending it up, with its attachments and
the line chosen so far; the draft is edited and sent up later, and loading a line template
leaves the chosen files alone."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import Document, DocumentStatus, StepRole
from tests.conftest import agency_client
from tests.work.helpers import make_document

DRAFT = {"title": "임시 저장 기안", "document_type": "general", "body": "<p>초안</p>",
         "disclosure": "public"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4", content_type="application/pdf")


def _saved_document() -> Document:
    with schema_context("alpha"):
        return Document.objects.get()


def test_saving_a_draft_keeps_its_attachments_and_line_without_sending_it(division_head):
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    response = staff.post("/approvals/new/", {
        **DRAFT, "attachments": [_file("근거.pdf")], "save_draft": "1",
        "reviewers": [people.other.pk, people.hr.pk]})  # no approver yet
    document = _saved_document()
    assert response.status_code == 302
    assert response["Location"] == f"/approvals/{document.pk}/redraft/"
    with schema_context("alpha"):
        assert document.status == DocumentStatus.DRAFT and not document.steps.exists()
        assert list(document.attachments.values_list("name", flat=True)) == ["근거.pdf"]

    page = staff.get(response["Location"]).content.decode()
    assert "임시 저장했습니다. 붙임 파일 1개가 함께 저장되어 있습니다." in page
    assert "임시 저장한 기안" in page and "근거.pdf" in page
    assert [int(pk) for pk in re.findall(r'name="reviewers" value="(\d+)"', page)] == [
        people.other.pk, people.hr.pk]
    # Nobody on the line sees a draft that was never sent.
    assert agency_client("alpha", people.other.user).get(
        f"/approvals/{document.pk}/").status_code == 404


def test_a_saved_draft_gets_more_files_and_goes_up_with_all_of_them(division_head):
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    staff.post("/approvals/new/", {**DRAFT, "attachments": [_file("1.pdf")], "save_draft": "1"})
    document = _saved_document()
    url = f"/approvals/{document.pk}/redraft/"
    staff.post(url, {**DRAFT, "title": "고친 제목", "attachments": [_file("2.pdf")],
                     "save_draft": "1"})
    response = staff.post(url, {
        **DRAFT, "title": "고친 제목", "disclosure": "closed", "disclosure_ground": "5",
        "recipient_units": [people.other.unit_id], "reviewers": [people.hr.pk],
        "approver": people.head.pk})
    assert response.status_code == 302
    with schema_context("alpha"):
        document.refresh_from_db()
        files = list(document.attachments.values_list("name", flat=True))
        reviewers = list(document.steps.filter(role=StepRole.REVIEWER)
                         .values_list("person_id", flat=True))
        recipients = list(document.recipients.values_list("unit_id", flat=True))
    assert document.status == DocumentStatus.IN_PROGRESS and document.title == "고친 제목"
    assert files == ["1.pdf", "2.pdf"] and reviewers == [people.hr.pk]
    assert document.disclosure == "closed" and document.disclosure_ground == 5
    assert recipients == [people.other.unit_id]


def test_saving_without_a_title_is_refused_and_nothing_is_written(division_head):
    response = agency_client("alpha", division_head.staff.user).post("/approvals/new/", {
        **DRAFT, "title": "", "attachments": [_file("근거.pdf")], "save_draft": "1"})
    assert response.status_code == 400
    with schema_context("alpha"):
        assert not Document.objects.exists()


def test_too_many_files_across_saves_are_refused_and_the_draft_stays(division_head, settings):
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    staff.post("/approvals/new/", {**DRAFT, "save_draft": "1",
                                   "attachments": [_file(f"{n}.pdf") for n in range(8)]})
    document = _saved_document()
    response = staff.post(f"/approvals/{document.pk}/redraft/", {
        **DRAFT, "title": "바뀌면 안 됨", "save_draft": "1",
        "attachments": [_file(f"추가{n}.pdf") for n in range(3)]})
    assert response.status_code == 400
    assert "10개까지" in response.content.decode()
    with schema_context("alpha"):
        document.refresh_from_db()
        assert document.attachments.count() == 8 and document.title == "임시 저장 기안"


def test_a_returned_document_redrafted_takes_its_new_disclosure(division_head):
    people = division_head
    document = make_document(people)
    with schema_context("alpha"):
        services.step_return(document=document, actor=people.head, reason="공개 구분 확인")
    agency_client("alpha", people.staff.user).post(f"/approvals/{document.pk}/redraft/", {
        **DRAFT, "disclosure": "partial", "disclosure_ground": "2",
        "approver": people.head.pk})
    with schema_context("alpha"):
        document.refresh_from_db()
    assert document.status == DocumentStatus.IN_PROGRESS
    assert (document.disclosure, document.disclosure_ground) == ("partial", 2)


def test_loading_a_line_template_swaps_only_the_line_and_leaves_the_files(division_head):
    """With JavaScript (htmx) "결재선 불러오기" replaces the line builder alone: the file
    input, and the files chosen in it, stay on the page (the browser test checks it)."""
    page = agency_client("alpha", division_head.staff.user).get("/approvals/new/")
    button = re.search(r'<button[^>]*name="apply_template"[^>]*>', page.content.decode())[0]
    assert 'hx-select="#line-builder"' in button and 'hx-target="#line-builder"' in button
    params = re.search(r'hx-params="([^"]*)"', button)[1].split(",")
    assert "attachments" not in params and "line_template" in params
