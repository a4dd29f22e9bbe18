"""Content-Security-Policy: every page is sent with a policy that allows only this origin's
scripts and styles (plus the response's nonce), and no page relies on inline script, event
handler attributes or style attributes, which that policy blocks."""

import re
from html.parser import HTMLParser

from django_tenants.utils import schema_context

from core.approvals import services as approvals
from core.approvals.models import StepRole
from tests.conftest import agency_client, console_client

AGENCY_PAGES = ["/", "/org/", "/org/people/", "/org/settings/", "/org/units/new/",
                "/approvals/", "/approvals/new/", "/work/", "/work/new/", "/work/memos/new/",
                "/schedules/", "/audit/", "/rules/", "/api/v1/docs/"]


class _InlineCode(HTMLParser):
    """Collect what a strict policy would block: inline scripts and styles without the nonce,
    on* attributes, style attributes and javascript: links."""

    def __init__(self, nonce: str):
        super().__init__()
        self.nonce, self.found = nonce, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style") and "src" not in attrs and attrs.get("nonce") != self.nonce:
            self.found.append(f"<{tag}> without src or nonce")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=…>")
            if name == "href" and (value or "").startswith("javascript:"):
                self.found.append(f"<{tag} href=javascript:…>")


def _nonce(policy: str) -> str:
    """The response's nonce; a page that uses none has none in its policy."""
    found = re.search(r"'nonce-([^']+)'", policy)
    return found.group(1) if found else ""


def _blocked(response) -> list[str]:
    parser = _InlineCode(_nonce(response["Content-Security-Policy"]))
    parser.feed(response.content.decode())
    return parser.found


def test_pages_carry_a_strict_policy(alpha_people):
    response = agency_client("alpha", alpha_people.staff.user).get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert re.search(r"script-src 'self' 'nonce-[^']+'", policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    # Trix and htmx read the nonce from the page to mark the <style> they insert.
    assert f'<meta name="csp-nonce" content="{_nonce(policy)}">' in response.content.decode()


def test_no_page_relies_on_inline_code(alpha_people):
    with schema_context("alpha"):
        document = approvals.document_draft(drafter=alpha_people.staff, title="보고",
                                            body="본문")
        approvals.document_submit(document=document, actor=alpha_people.staff, line=[
            approvals.LineEntry(person=alpha_people.head, role=StepRole.APPROVER)])
    pages = [(alpha_people.admin, path) for path in AGENCY_PAGES]
    pages.append((alpha_people.staff, f"/approvals/{document.pk}/"))  # 회수 asks first
    for person, path in pages:
        response = agency_client("alpha", person.user).get(path)
        assert response.status_code == 200, path
        assert _blocked(response) == [], path


def test_sign_in_and_console_pages_rely_on_no_inline_code(central_user):
    assert _blocked(agency_client("nowhere").get("/")) == []
    assert _blocked(console_client().get("/accounts/login/")) == []
    assert _blocked(console_client(central_user).get("/")) == []
