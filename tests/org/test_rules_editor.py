"""Agency admins issue new versions of their delegation rules; the old one stays."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from core.audit.models import AuditEvent
from core.policies.models import Policy, PolicyKind
from core.policies.selectors import policy_in_force
from tests.conftest import agency_client

# The standard model's types numbered in registers of their own keep their final positions.
TYPED_REGISTERS = {"directive": "minister", "established_rule": "minister",
                   "order": "vice_minister", "notice": "division_head"}


def test_an_agency_admin_moves_final_approval_of_a_type_from_a_date(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    assert "표준모델" in admin.get("/rules/").content.decode()
    start = timezone.localdate() + timedelta(days=7)
    response = admin.post("/rules/delegation/", {
        "effective_from": start.isoformat(), "general": "team_head", "policy": "office_head",
        "budget": "bureau_head", "personnel": "vice_minister", **TYPED_REGISTERS})

    assert response.status_code == 302
    with schema_context("alpha"):
        today_rules = policy_in_force(kind=PolicyKind.DELEGATION, on=timezone.localdate())
        later_rules = policy_in_force(kind=PolicyKind.DELEGATION, on=start)
        assert Policy.objects.filter(kind=PolicyKind.DELEGATION).count() == 2
        assert AuditEvent.objects.filter(action="policies.delegation_updated").exists()
    general = {r["document_type"]: r["final_position"] for r in later_rules.data["rules"]}
    assert general["general"] == "team_head"
    # What the form does not edit, such as a type's own register, is carried over.
    assert {r["document_type"]: r.get("register") for r in later_rules.data["rules"]}[
        "notice"] == "yearly"
    assert {r["document_type"]: r["final_position"]
            for r in today_rules.data["rules"]}["general"] == "division_head"


def test_a_second_version_on_the_same_day_is_refused(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    today = timezone.localdate().isoformat()
    response = admin.post("/rules/delegation/", {
        "effective_from": today, "general": "team_head", "policy": "office_head",
        "budget": "bureau_head", "personnel": "vice_minister", **TYPED_REGISTERS})
    assert response.status_code == 400
    assert "같은 날짜에 시작하는 규정" in response.content.decode()


def test_only_agency_admins_see_and_edit_rules(alpha_people):
    for persona in (alpha_people.hr, alpha_people.staff):
        client = agency_client("alpha", persona.user)
        assert client.get("/rules/").status_code == 403
        assert client.post("/rules/delegation/", {}).status_code == 403


def test_the_rules_page_reads_lines_and_delegation_by_name(alpha_people):
    page = agency_client("alpha", alpha_people.admin.user).get("/rules/").content.decode()
    assert "<td>일반 기안</td><td>검토 팀장 → 결재 과장</td>" in page
    assert "<td>일반 문서</td><td>과장</td>" in page


def test_an_agency_admin_sets_who_registers_absences_from_a_date(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    assert agency_client("alpha", alpha_people.hr.user).get("/rules/absences/").status_code == 403
    start = timezone.localdate() + timedelta(days=1)

    response = admin.post("/rules/absences/", {"effective_from": start.isoformat(),
                                               "registrars": ["self", "admin"]})

    assert response.status_code == 302
    with schema_context("alpha"):
        from core.policies.selectors import absence_registrars

        assert absence_registrars(on=timezone.localdate()) == {"self", "head", "hr"}
        assert absence_registrars(on=start) == {"self", "admin"}
    assert admin.post("/rules/absences/", {"effective_from": start.isoformat(),
                                           "registrars": []}).status_code == 400
