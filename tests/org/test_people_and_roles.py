"""Agency admins and HR officers keep the org chart; everyone reads it."""

import io

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from core.audit.models import AuditEvent
from core.org.models import Person, Unit
from tests.conftest import agency_client
from tests.factories import PersonFactory, UnitFactory

MANAGER_PAGES = ["/org/people/new/", "/org/import/", "/org/units/new/"]


@pytest.mark.parametrize("path", MANAGER_PAGES)
def test_staff_and_unit_heads_cannot_open_manager_pages(alpha_people, path):
    assert agency_client("alpha", alpha_people.staff.user).get(path).status_code == 403
    assert agency_client("alpha", alpha_people.head.user).get(path).status_code == 403


@pytest.mark.parametrize("path", MANAGER_PAGES)
def test_hr_officers_and_admins_open_manager_pages(alpha_people, path):
    assert agency_client("alpha", alpha_people.hr.user).get(path).status_code == 200
    assert agency_client("alpha", alpha_people.admin.user).get(path).status_code == 200


def test_everyone_reads_the_org_chart_and_people(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    assert "혁신기획과" in client.get("/org/").content.decode()
    people = client.get("/org/people/", {"q": "최샘"}).content.decode()
    assert "최샘" in people and "정올리" not in people


def test_an_admin_changes_roles_and_the_change_is_audited(alpha_people):
    client = agency_client("alpha", alpha_people.admin.user)
    staff = alpha_people.staff

    response = client.post(f"/org/people/{staff.pk}/roles/", {"roles": ["staff", "unit_head"]})

    assert response.status_code == 302
    with schema_context("alpha"):
        assert set(Person.objects.get(pk=staff.pk).roles.values_list("code", flat=True)) == {
            "staff", "unit_head"}
        event = AuditEvent.objects.get(action="org.roles_changed")
    assert event.changes["roles"] == [["일반 직원"], ["일반 직원", "부서장"]]
    assert event.actor_id == alpha_people.admin.user_id


def test_staff_cannot_change_roles(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    response = client.post(f"/org/people/{alpha_people.staff.pk}/roles/",
                           {"roles": ["agency_admin"]})
    assert response.status_code == 403
    with schema_context("alpha"):
        assert not Person.objects.filter(pk=alpha_people.staff.pk,
                                         roles__code="agency_admin").exists()


def test_a_person_who_leaves_loses_sign_in(alpha_people):
    client = agency_client("alpha", alpha_people.hr.user)
    staff = alpha_people.staff
    response = client.post(f"/org/people/{staff.pk}/edit/", {
        "name": staff.name, "email": staff.email, "status": "left"})

    assert response.status_code == 302
    with schema_context("alpha"):
        staff.user.refresh_from_db()
    assert staff.user.is_active is False


def test_a_duplicate_email_is_refused_with_a_message(alpha_people):
    client = agency_client("alpha", alpha_people.hr.user)
    response = client.post("/org/people/new/", {
        "employee_number": "N-1", "name": "새직원", "email": alpha_people.staff.email,
        "status": "active", "roles": ["staff"]})
    assert response.status_code == 200
    assert "이미 다른 직원이 사용하는 이메일" in response.content.decode()
    with schema_context("alpha"):
        assert not Person.objects.filter(employee_number="N-1").exists()


def test_a_unit_cannot_become_its_own_ancestor(alpha_people):
    with schema_context("alpha"):
        parent = Unit.objects.get(name="혁신기획과")
        child = Unit.objects.create(code="CH1", name="하위팀", kind=parent.kind, parent=parent)
    client = agency_client("alpha", alpha_people.admin.user)
    response = client.post(f"/org/units/{parent.pk}/edit/", {
        "code": parent.code, "name": parent.name, "kind": parent.kind_id,
        "parent": child.pk, "sort_order": 0})
    assert "하위 부서를 상위 부서로 지정할 수 없습니다" in response.content.decode()
    with schema_context("alpha"):
        assert Unit.objects.get(pk=parent.pk).parent_id is None


def test_people_list_exports_to_xlsx(alpha_people):
    response = agency_client("alpha", alpha_people.hr.user).get(
        "/org/people/", {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_an_exported_name_that_looks_like_a_formula_stays_text(alpha_people):
    with schema_context("alpha"):
        PersonFactory(name='=HYPERLINK("http://x","y")', employee_number="A00001")
    response = agency_client("alpha", alpha_people.admin.user).get(
        "/org/people/", {"format": "xlsx", "q": "HYPERLINK"})
    name = load_workbook(io.BytesIO(response.content)).active["B2"]
    assert name.value == '=HYPERLINK("http://x","y")'
    assert name.data_type == "s"


def test_the_home_page_shows_agency_unit_and_role_in_korean(alpha_people):
    page = agency_client("alpha", alpha_people.staff.user).get("/").content.decode()
    assert "최샘 님, 안녕하세요" in page
    assert "알파부" in page and "혁신기획과" in page and "직원" in page
    assert '<html lang="ko">' in page


def test_people_and_org_pages_use_a_bounded_number_of_queries(alpha_people,
                                                               django_assert_max_num_queries):
    client = agency_client("alpha", alpha_people.staff.user)
    client.get("/org/people/")  # warm the host cache and the session's MFA check
    with schema_context("alpha"):
        for _ in range(40):
            PersonFactory(unit=alpha_people.staff.unit)
    for path in ("/org/people/", "/org/"):  # the home page: tests/portal/test_home.py
        with django_assert_max_num_queries(14):  # shell: session, user, person, MFA, nav
            client.get(path)


def test_the_org_chart_lists_units_in_their_set_order_under_their_parents(alpha):
    from core.org.selectors import unit_tree

    with schema_context("alpha"):
        bureau = UnitFactory(name="하국", sort_order=2)
        first = UnitFactory(name="가국", sort_order=1)
        UnitFactory(name="나과", parent=first, sort_order=2)
        UnitFactory(name="다과", parent=first, sort_order=1)
        UnitFactory(name="라과", parent=bureau, sort_order=1)
        names = [(unit.name, depth) for unit, depth in unit_tree()]
    assert names == [("가국", 0), ("다과", 1), ("나과", 1), ("하국", 0), ("라과", 1)]


def test_staff_cannot_export_the_whole_agency_with_email_addresses(alpha_people):
    for persona in (alpha_people.staff, alpha_people.head):
        client = agency_client("alpha", persona.user)
        refused = client.get("/org/people/", {"format": "xlsx"})
        assert refused.status_code == 403
        assert "인사담당자와 기관 관리자만 내려받을 수 있습니다" in refused.content.decode()
        assert "엑셀로 내려받기" not in client.get("/org/people/").content.decode()
    for persona in (alpha_people.hr, alpha_people.admin):
        allowed = agency_client("alpha", persona.user).get("/org/people/", {"format": "xlsx"})
        assert allowed.status_code == 200 and allowed.content[:2] == b"PK"
