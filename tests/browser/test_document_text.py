"""A document's lists in a real browser: bullets and numbers show in the editor and on the
document page (KRDS resets every list's style), and at 390 px the line builder fits."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, sign_in

pytestmark = pytest.mark.browser

LIST_STYLE = "element => getComputedStyle(element).listStyleType"


@pytest.fixture
def drafted(harmony_server):
    from django_tenants.utils import schema_context

    from core.approvals import services
    from core.approvals.models import StepRole

    agency, head, staff = harmony_server.onboard_division("lists", name_ko="목록시험부")
    with schema_context(agency.schema_name):
        document = services.document_draft(
            drafter=staff, title="목록 시험",
            body="<div>계획</div><ul><li>첫째</li><li>둘째</li></ul><ol><li>1단계</li></ol>")
        services.document_submit(document=document, actor=staff, line=[
            services.LineEntry(person=head, role=StepRole.APPROVER)])
    return agency, staff, document


@pytest.mark.parametrize("width", [1366, 390])
def test_lists_show_their_markers_on_the_page_and_in_the_editor(harmony_server, chromium,
                                                                 drafted, width):
    from tests.factories import PASSWORD

    agency, staff, document = drafted
    context = chromium.new_context(locale="ko-KR", viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    base = harmony_server.url_for(agency)
    page.goto(f"{base}/approvals/{document.pk}/")
    sign_in(page, staff.user.email, PASSWORD)
    expect(page.locator("h1")).to_have_text("목록 시험")
    assert page.locator(".hm-doc-body ul").evaluate(LIST_STYLE) == "disc"
    assert page.locator(".hm-doc-body ol").evaluate(LIST_STYLE) == "decimal"

    page.goto(f"{base}/approvals/new/")
    page.locator("trix-editor").click()
    page.get_by_role("button", name="글머리 기호").click()
    page.keyboard.type("항목 하나")
    expect(page.locator("trix-editor ul li")).to_have_text("항목 하나")
    assert page.locator("trix-editor ul").evaluate(LIST_STYLE) == "disc"
    page.get_by_role("button", name="번호 목록").click()
    expect(page.locator("trix-editor ol li")).to_have_count(1)
    assert page.locator("trix-editor ol").evaluate(LIST_STYLE) == "decimal"
    # The line builder fits the screen: nothing sticks out sideways.
    builder = page.locator("#line-builder")
    assert builder.evaluate("b => b.scrollWidth <= b.clientWidth + 1")
    context.close()
