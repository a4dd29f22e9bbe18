"""At 390 px (a phone) lists become cards and the calendar stays readable; at 1366 px and
390 px the drafting journey's screens fit the screen (issue 12 §3)."""

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def division(harmony_server):
    from core.approvals import services
    from core.approvals.models import StepRole
    from core.org.services import org_settings_update

    agency, head, staff = harmony_server.onboard_division(
        "narrow", name_ko="좁은화면시험부", staff_roles=("staff",))
    with schema_context(agency.schema_name):
        document = services.document_draft(drafter=staff, title="모바일 결재 점검 계획",
                                           body="<p>본문</p>")
        services.document_submit(document=document, actor=staff, line=[
            services.LineEntry(person=head, role=StepRole.APPROVER)])
        org_settings_update(privileged_mfa_required=False, api_token_days=90,
                            privileged_mfa_opt_out_reason="화면 시험", actor=None)
    return agency, staff


@pytest.mark.parametrize("width", [1366, 390])
def test_the_drafting_journey_fits_the_screen(harmony_server, division, page, width):
    from tests.factories import PASSWORD

    agency, staff = division
    base = harmony_server.url_for(agency)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base}/approvals/new/")
    sign_in(page, staff.user.email, PASSWORD)
    page.wait_for_url(f"{base}/approvals/new/")
    for path in ("/approvals/new/", "/approvals/?box=progress"):
        page.goto(f"{base}{path}")
        assert page.evaluate(OVERFLOW) <= 0, path  # no sideways scrolling
        screenshot(page, f"narrow-{width}{path.replace('/', '-').replace('?', '-')}")
    row = page.locator("table.hm-list tbody tr").first
    expect(row).to_contain_text("모바일 결재 점검 계획")
    header = page.locator("table.hm-list thead")
    if width == 390:  # a card: one block per document, the header kept for screen readers
        assert row.evaluate("r => getComputedStyle(r).display") == "block"
        assert header.evaluate("h => h.getBoundingClientRect().height") <= 1
    else:
        assert row.evaluate("r => getComputedStyle(r).display") == "table-row"
    assert page.problems == []


def test_the_month_calendar_stays_readable_at_390px(harmony_server, division, page):
    from tests.factories import PASSWORD

    agency, staff = division
    base = harmony_server.url_for(agency)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/schedules/?date=2026-12-15")
    sign_in(page, staff.user.email, PASSWORD)
    page.wait_for_url(f"{base}/schedules/?date=2026-12-15")
    assert page.evaluate(OVERFLOW) <= 0
    day = page.locator("table.hm-month tbody td").nth(10)
    width = day.evaluate("d => d.getBoundingClientRect().width")
    assert width >= 40  # seven columns of at least 40 px: a date and a "+" fit
    font = day.evaluate("d => parseFloat(getComputedStyle(d).fontSize)")
    assert font >= 12
    screenshot(page, "narrow-390-calendar")
    assert page.problems == []
