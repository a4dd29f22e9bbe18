"""Approval-line templates: offered in the draft form, filled with the drafter's heads, and
edited by agency admins as new dated versions."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from core.audit.models import AuditEvent
from core.policies.models import Policy, PolicyKind
from core.policies.selectors import policy_in_force
from tests.conftest import agency_client


def _selected(page: str, field: str) -> str:
    """The <select name=field> element's HTML, to look for the selected options in it."""
    start = page.index(f'name="{field}"')
    return page[start:page.index("</select>", start)]


def test_the_draft_form_starts_from_the_template_for_the_type(division_head):
    page = agency_client("alpha", division_head.staff.user).get("/approvals/new/").content
    page = page.decode()
    assert 'value="0" selected>일반 기안' in _selected(page, "line_template")
    # The line builder holds the approver as a hidden field of its list.
    assert f'name="approver" value="{division_head.head.pk}"' in page
    # 일반 기안 asks for a 팀장 review; the drafter's units have no 팀장.
    assert "해당하는 사람이 없어 비워 둔 칸: 팀장" in page


def test_applying_a_template_keeps_what_was_typed(division_head):
    staff = agency_client("alpha", division_head.staff.user)
    response = staff.post("/approvals/new/", {
        "title": "하반기 업무계획", "body": "<p>계획</p>", "document_type": "general",
        "line_template": "1", "apply_template": "1", "approver": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="하반기 업무계획"' in page and "&lt;p&gt;계획&lt;/p&gt;" in page
    assert 'value="policy" selected' in _selected(page, "document_type")
    assert "errorlist" not in page


def test_an_admin_adds_a_template_with_a_cooperating_unit(division_head):
    people = division_head
    with schema_context("alpha"):
        other_unit = people.other.unit
        other_unit.head = people.hr
        other_unit.save(update_fields=["head"])
        # The standard model's version started ten days ago.
        earlier = timezone.localdate() - timedelta(days=10)
        Policy.objects.filter(kind=PolicyKind.APPROVAL_LINES).update(effective_from=earlier)
        policy_templates = policy_in_force(kind=PolicyKind.APPROVAL_LINES,
                                           on=timezone.localdate()).data["templates"]
    admin = agency_client("alpha", people.admin.user)
    assert "일반 기안" in admin.get("/rules/lines/").content.decode()
    data = {"templates-TOTAL_FORMS": "3", "templates-INITIAL_FORMS": "2",
            "effective_from": earlier.isoformat()}
    for index, template in enumerate(policy_templates):
        data |= {f"templates-{index}-name": template["name"],
                 f"templates-{index}-document_type": template["document_type"],
                 f"templates-{index}-approver": template["steps"][-1]["position"]}
    data |= {"templates-1-DELETE": "on", "templates-2-name": "예산 협조",
             "templates-2-document_type": "budget", "templates-2-reviewer_1": "team_head",
             "templates-2-cooperator_units": [other_unit.code],
             "templates-2-approver": "division_head"}
    # That day already has a version: the admin must pick another one.
    assert admin.post("/rules/lines/", data).status_code == 400
    data["effective_from"] = timezone.localdate().isoformat()
    assert admin.post("/rules/lines/", data).status_code == 302

    with schema_context("alpha"):
        names = [t["name"] for t in policy_in_force(
            kind=PolicyKind.APPROVAL_LINES, on=timezone.localdate()).data["templates"]]
        assert AuditEvent.objects.filter(action="policies.line_templates_updated").exists()
    assert names == ["일반 기안", "예산 협조"]
    staff = agency_client("alpha", people.staff.user)
    page = staff.post("/approvals/new/", {"line_template": "1", "apply_template": "1"})
    page = page.content.decode()
    assert f'name="cooperators" value="{people.hr.pk}"' in page


def test_a_template_without_an_approver_is_refused(division_head):
    admin = agency_client("alpha", division_head.admin.user)
    response = admin.post("/rules/lines/", {
        "templates-TOTAL_FORMS": "1", "templates-INITIAL_FORMS": "0",
        "effective_from": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "templates-0-name": "검토만", "templates-0-document_type": "general",
        "templates-0-reviewer_1": "team_head", "templates-0-approver": ""})
    assert response.status_code == 400
    assert "필수 항목" in response.content.decode() or "required" in response.content.decode()
    with schema_context("alpha"):
        assert policy_in_force(kind=PolicyKind.APPROVAL_LINES,
                               on=timezone.localdate() + timedelta(days=3)).data[
            "templates"][0]["name"] == "일반 기안"
