"""한눈에 live: the division head watches the home page while a staff member submits; the
document appears on the head's turn list, the menu badge counts it and a notice says so,
without a reload."""

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def agency_people(harmony_server):
    agency, head, staff = harmony_server.onboard_division("live", name_ko="실시간시험부")
    return agency, staff, head


def test_the_home_page_shows_a_new_turn_without_a_reload(harmony_server, agency_people,
                                                         page):
    from core.approvals import services
    from core.approvals.models import StepRole
    from tests.factories import PASSWORD

    agency, staff, head = agency_people
    base = harmony_server.url_for(agency)
    page.goto(f"{base}/")
    sign_in(page, head.user.email, PASSWORD)
    expect(page.locator("#glance-turns")).to_contain_text("0")
    page.evaluate("window.notReloaded = true")
    page.wait_for_timeout(500)  # the stream connects once the page has loaded

    with schema_context(agency.schema_name):
        document = services.document_draft(drafter=staff, title="실시간으로 보이는 기안",
                                           body="<p>본문</p>")
        services.document_submit(document=document, actor=staff, line=[
            services.LineEntry(person=head, role=StepRole.APPROVER)])

    expect(page.locator("#hm-live")).to_contain_text("문서 상신: 실시간으로 보이는 기안")
    expect(page.locator("#hm-glance")).to_contain_text("실시간으로 보이는 기안")
    expect(page.locator("#nav-count-approvals .hm-badge")).to_contain_text("1")
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "live-new-turn")
    assert page.problems == []
