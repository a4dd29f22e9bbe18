"""KWCAG / WCAG 2.1 AA, checked by axe-core (npm, injected into the real page) on the pages
staff use most: no serious or critical violation on any of them."""

import json
from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "frontend/node_modules/axe-core/axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol: the page's CSP forbids injected <script> tags.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    page_problems = len(page.problems)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           WCAG_AA)
    # axe applies inline styles while it measures; what the CSP blocks of those is not the
    # page's problem.
    del page.problems[page_problems:]
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture
def agency_with_work(harmony_server):
    from core.approvals import services
    from core.approvals.models import StepRole
    from core.org.services import org_settings_update
    from core.work import services as work

    agency, head, staff = harmony_server.onboard_division(
        "a11y", name_ko="접근성시험부", staff_roles=("staff", "agency_admin"))
    with schema_context(agency.schema_name):
        document = services.document_draft(drafter=staff, title="접근성 점검 계획",
                                           body="<p>본문</p>")
        services.document_submit(document=document, actor=staff, line=[
            services.LineEntry(person=head, role=StepRole.APPROVER)])
        work.task_create(actor=staff, owner=staff, title="웹 접근성 개선")
        # The pages are checked, not the second sign-in step: the admin role goes without MFA.
        org_settings_update(privileged_mfa_required=False, api_token_days=90,
                            privileged_mfa_opt_out_reason="접근성 시험", actor=None)
    return agency, staff, document


def test_the_main_pages_have_no_serious_accessibility_violations(harmony_server,
                                                                 agency_with_work, page):
    from tests.factories import PASSWORD

    agency, staff, document = agency_with_work
    base = harmony_server.url_for(agency)
    page.goto(f"{base}/")
    found = {"/accounts/login/": _violations(page)}
    sign_in(page, staff.user.email, PASSWORD)
    page.wait_for_url(f"{base}/")
    # December 2026 shows neighbouring days on both sides of the month, whatever today is.
    for path in ("/", "/approvals/", "/approvals/new/", f"/approvals/{document.pk}/", "/work/",
                 "/work/memos/new/", "/schedules/", "/schedules/?date=2026-12-15",
                 "/schedules/week/", "/org/people/", "/rules/lines/"):
        page.goto(f"{base}{path}")
        found[path] = _violations(page)
    assert {path: v for path, v in found.items() if v} == {}, json.dumps(
        found, ensure_ascii=False, indent=1)
    assert page.problems == []  # nothing blocked by the Content-Security-Policy either
