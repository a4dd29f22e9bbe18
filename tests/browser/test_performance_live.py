"""The unit head's performance dashboard on a phone (390 px): the members' table reads as
cards, and a member's attainment moves, without a reload, when their document completes."""

from datetime import date

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def watched(harmony_server):
    from core.org import services as org_services
    from core.org.models import AppointmentKind
    from core.performance import services
    from core.performance.models import Level
    from tests.performance.conftest import base_date_now

    agency, head, staff = harmony_server.onboard_division("perf", name_ko="성과시험부")
    with schema_context(agency.schema_name):
        for person in (head, staff):
            org_services.appointment_record(
                person=person, kind=AppointmentKind.HIRE, starts_on=date(2020, 1, 1),
                reason="신규 임용", unit=person.unit, grade=person.grade,
                position=person.position, actor=head)
        cycle = _open_as_hr(head, base_date_now())
        services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=staff.pk, goals=[
            services.GoalInput(title="문서 처리", weight=100, indicators=[
                services.IndicatorInput(name="", weight=100, target="2",
                                        code="documents_completed")])], actor=head)
    return agency, head, staff


def _open_as_hr(head, base):
    """Cycles are opened by HR: the head holds the role for that moment only (HR officers
    must sign in with two-step verification, which this test does not drive)."""
    from core.org.models import Role, RoleCode
    from core.performance import services

    head.roles.add(Role.objects.get(code=RoleCode.HR_OFFICER))
    try:
        return services.cycle_open(scheme="service", base_date=base, actor=head)
    finally:
        head.roles.remove(Role.objects.get(code=RoleCode.HR_OFFICER))


def test_the_dashboard_is_cards_on_a_phone_and_moves_live(harmony_server, chromium, watched):
    from core.audit.events import EventType
    from core.audit.services import event_record
    from tests.factories import PASSWORD

    agency, head, staff = watched
    context = chromium.new_context(locale="ko-KR", viewport={"width": 390, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    base = harmony_server.url_for(agency)
    page.goto(f"{base}/performance/")
    sign_in(page, head.user.email, PASSWORD)
    row = page.locator("#members-now ~ table tbody tr", has_text="최샘")
    expect(row).to_contain_text("0%")
    # One card per member: the header row is hidden, each cell names its column.
    assert page.locator("#members-now ~ table tbody tr").first.evaluate(
        "r => getComputedStyle(r).display") == "block"
    wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > 390)
        .map(e => e.tagName + '.' + e.className + ' '
             + Math.round(e.getBoundingClientRect().right))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    page.evaluate("window.notReloaded = true")
    page.wait_for_timeout(500)  # the stream connects once the page has loaded

    with schema_context(agency.schema_name):
        event_record(EventType.DOCUMENT_COMPLETED, actor=head, person_id=staff.pk,
                     unit_id=staff.unit_id, payload={"title": "보고", "status": "completed",
                                                     "number": "혁신-1",
                                                     "handling_seconds": 60})

    expect(row).to_contain_text("50%")
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "performance-live-390")
