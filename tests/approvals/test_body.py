"""A document's text: an empty body is refused on the page and through the API, in Korean
first; lists written in the editor stay lists on the document page (not only in the PDF)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from core.approvals.models import Document
from tests.approvals.test_api import _api
from tests.conftest import agency_client

EMPTY_BODIES = ["", "   ", "<div><br></div>", "<p>&nbsp;</p>", "<div>\u200b</div>",
                "<ul><li><br></li></ul>"]


def _draft(people, body: str):
    return agency_client("alpha", people.staff.user).post("/approvals/new/", {
        "title": "빈 본문 시험", "document_type": "general", "body": body,
        "disclosure": "public", "approver": people.head.pk})


@pytest.mark.parametrize("body", EMPTY_BODIES)
def test_an_empty_body_is_refused_on_the_draft_page(alpha_people, body):
    response = _draft(alpha_people, body)
    assert response.status_code == 400
    assert "본문을 입력하세요" in response.content.decode()
    with schema_context("alpha"):
        assert not Document.objects.exists()


@pytest.mark.parametrize("body", ["", "<div><br></div>", "<p>&nbsp; </p>"])
def test_an_empty_body_is_refused_through_the_api(alpha_people, body):
    response = _api(alpha_people, "staff").post("/api/v1/documents/", {
        "title": "API 기안", "body": body,
        "line": [{"person": alpha_people.head.pk, "role": "approver"}]},
        content_type="application/json")
    assert response.status_code == 400
    assert "본문을 입력하세요" in str(response.json())
    with schema_context("alpha"):
        assert not Document.objects.exists()


def test_an_empty_body_is_refused_in_english_for_an_english_reader(alpha_people):
    client = _api(alpha_people, "staff")
    client.cookies["django_language"] = "en"
    response = client.post("/api/v1/documents/", {
        "title": "API", "body": "<div><br></div>",
        "line": [{"person": alpha_people.head.pk, "role": "approver"}]},
        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == ["Enter the body."]


def test_a_bulleted_and_a_numbered_list_stay_lists_on_the_document_page(alpha_people):
    body = ("<div>추진 계획</div><ul><li>첫째 항목</li><li>둘째 항목</li></ul>"
            "<ol><li>1단계</li><li>2단계</li></ol>")
    assert _draft(alpha_people, body).status_code == 302
    with schema_context("alpha"):
        document = Document.objects.get()
    page = agency_client("alpha", alpha_people.staff.user).get(
        f"/approvals/{document.pk}/").content.decode()
    text = page[page.index('class="hm-doc-body"'):]
    assert "<ul><li>첫째 항목</li><li>둘째 항목</li></ul>" in text
    assert "<ol><li>1단계</li><li>2단계</li></ol>" in text


def test_the_stylesheet_gives_lists_their_markers_in_the_editor_and_on_the_page():
    """KRDS sets ``list-style: none`` on every list; ours must bring the markers back where
    a document's text is shown or written."""
    css = (Path(settings.FRONTEND_DIR) / "static/harmony/harmony.css").read_text()
    rules = dict(re.findall(r"([^{}]+)\{([^}]*)\}", css))
    disc = [sel for sel, decl in rules.items() if "list-style: disc" in decl]
    decimal = [sel for sel, decl in rules.items() if "list-style: decimal" in decl]
    for selectors in (disc, decimal):
        joined = " ".join(selectors)
        assert ".hm-doc-body" in joined and "trix-editor" in joined
