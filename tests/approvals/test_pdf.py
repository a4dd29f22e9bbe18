"""The approval document as the official 기안문 PDF: who may download it and what it shows."""

import io

import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from core.approvals.models import Document
from tests.conftest import agency_client


def _draft(client, people, **extra):
    return client.post("/approvals/new/", {
        "title": "민원 처리 개선 계획", "document_type": "general", "body": "<p>개선안</p>",
        "disclosure": "public", "disclosure_ground": "", "reviewers": [],
        "cooperators": [people.hr.pk], "approver": people.head.pk, **extra})


@pytest.fixture
def approved(division_head):
    """A document to 행정안전부장관 drafted by 최샘, co-operated by 박하나 and approved 전결 by
    김현 과장."""
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    assert _draft(staff, people, external_recipients="행정안전부장관").status_code == 302
    with schema_context("alpha"):
        document = Document.objects.get()
    agency_client("alpha", people.hr.user).post(f"/approvals/{document.pk}/act/",
                                                {"decision": "approve", "opinion": "협조"})
    agency_client("alpha", people.head.user).post(f"/approvals/{document.pk}/act/",
                                                  {"decision": "approve"})
    return people, document


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_drafter_downloads_the_form_with_title_and_delegated_mark(approved):
    people, document = approved
    response = agency_client("alpha", people.staff.user).get(f"/approvals/{document.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"-{document.pk}.pdf" in response["Content-Disposition"]
    text = _text(response.content)
    for expected in ("알파부", "민원 처리 개선 계획", "개선안", "전결", "김현", "최샘",
                     "혁신기획과-1", "알파부장관", "행정안전부장관", "공개"):
        assert expected in text, expected


def test_an_internal_draft_in_progress_is_named_draft_and_has_no_sending_authority(
        division_head):
    people = division_head
    _draft(agency_client("alpha", people.staff.user), people)
    with schema_context("alpha"):
        document = Document.objects.get()
    response = agency_client("alpha", people.hr.user).get(f"/approvals/{document.pk}/pdf/")
    assert response.status_code == 200
    assert f"draft-{document.pk}.pdf" in response["Content-Disposition"]
    text = _text(response.content)
    assert "내부결재" in text and "미시행" in text
    assert "알파부장" not in text  # 규정 제13조: internal approvals carry no 발신명의


def test_people_outside_the_line_get_404(approved):
    people, document = approved
    outsider = agency_client("alpha", people.other.user)
    assert outsider.get(f"/approvals/{document.pk}/pdf/").status_code == 404


def test_the_korean_font_is_embedded(approved):
    people, document = approved
    pdf = agency_client("alpha", people.staff.user).get(f"/approvals/{document.pk}/pdf/").content
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                fonts.add(str(font["/BaseFont"]))
    assert any("Pretendard-GOV" in name for name in fonts), fonts


def test_the_body_cannot_pull_server_files_or_urls_into_the_pdf(tmp_path):
    from core.approvals.pdf import FontsOnlyFetcher, fonts_dir

    fetcher = FontsOnlyFetcher()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    for url in (secret.as_uri(), "http://169.254.169.254/latest/meta-data/",
                (fonts_dir() / ".." / ".." / "package.json").as_uri()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    font = fonts_dir() / "PretendardGOV-Regular.subset.woff2"
    fetcher.fetch(font.as_uri()).close()
