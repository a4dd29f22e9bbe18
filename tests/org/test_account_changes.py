"""Roles and sign-in e-mails: only agency admins grant roles, never above their own, and a
new sign-in e-mail counts only once confirmed from that address (issue 13 §1)."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.audit.models import AuditEvent
from core.org.models import Person, RoleCode
from core.org.selectors import ROLE_ORDER, grantable_roles
from core.org.services import person_create, person_set_roles, person_update
from tests.conftest import agency_client


def _roles(person) -> set[str]:
    with schema_context("alpha"):
        return set(Person.objects.get(pk=person.pk).roles.values_list("code", flat=True))


@pytest.mark.parametrize("role", ["agency_admin", "records_officer"])
def test_an_hr_officer_cannot_grant_themself_a_role(alpha_people, role):
    hr = alpha_people.hr
    client = agency_client("alpha", hr.user)

    response = client.post(f"/org/people/{hr.pk}/roles/", {"roles": ["staff", "hr_officer",
                                                                      role]})

    assert response.status_code == 403
    assert _roles(hr) == {"staff", "hr_officer"}


def test_roles_are_granted_only_by_agency_admins_even_outside_the_page(alpha_people):
    with schema_context("alpha"), pytest.raises(ValidationError, match="기관 관리자만"):
        person_set_roles(person=alpha_people.staff, roles=["staff", "unit_head"],
                         actor=alpha_people.hr)
    with schema_context("alpha"), pytest.raises(ValidationError, match="기관 관리자만"):
        person_create(actor=alpha_people.hr, employee_number="N-9", name="새관리자",
                      roles=["staff", "agency_admin"])
    assert _roles(alpha_people.staff) == {"staff"}


def test_the_role_order_lets_an_admin_grant_every_role_and_others_none(alpha_people):
    with schema_context("alpha"):
        assert grantable_roles(alpha_people.admin) == {str(code) for code in RoleCode}
        assert set(ROLE_ORDER) == set(RoleCode)
        for persona in (alpha_people.hr, alpha_people.head, alpha_people.staff):
            assert grantable_roles(persona) == set()


def test_an_admin_cannot_change_their_own_roles(alpha_people):
    admin = alpha_people.admin
    client = agency_client("alpha", admin.user)

    response = client.post(f"/org/people/{admin.pk}/roles/",
                           {"roles": ["staff", "agency_admin", "records_officer"]})

    assert response.status_code == 400
    assert "다른 기관 관리자가" in response.content.decode()
    assert _roles(admin) == {"staff", "agency_admin"}


def test_an_admin_grants_records_officer_to_another_person_with_before_and_after(
        alpha_people):
    client = agency_client("alpha", alpha_people.admin.user)
    client.post(f"/org/people/{alpha_people.hr.pk}/roles/",
                {"roles": ["staff", "hr_officer", "records_officer"]})

    assert _roles(alpha_people.hr) == {"staff", "hr_officer", "records_officer"}
    with schema_context("alpha"):
        event = AuditEvent.objects.get(action="org.roles_changed")
    assert event.changes["roles"] == [["인사담당자", "일반 직원"],
                                      ["인사담당자", "기록물 열람 담당자", "일반 직원"]]


def test_the_new_person_form_offers_an_hr_officer_no_roles(alpha_people):
    page = agency_client("alpha", alpha_people.hr.user).get("/org/people/new/").content.decode()
    assert 'name="roles"' not in page
    page = agency_client("alpha", alpha_people.admin.user).get("/org/people/new/")
    assert 'value="agency_admin"' in page.content.decode()


def _edit(client, person, **changes):
    data = {"name": person.name, "email": person.email, "status": "active", **changes}
    return client.post(f"/org/people/{person.pk}/edit/", data)


def _confirmation_link(message) -> str:
    return re.search(r"https?://\S+/org/email/confirm/\S+/", message.body).group(0)


def test_a_new_sign_in_email_waits_for_confirmation_from_the_new_address(
        alpha_people, django_capture_on_commit_callbacks):
    staff = alpha_people.staff
    client = agency_client("alpha", alpha_people.hr.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = _edit(client, staff, email="attacker@evil.test")

    assert response.status_code == 302
    with schema_context("alpha"):
        staff.refresh_from_db()
        staff.user.refresh_from_db()
    assert staff.email == staff.user.email != "attacker@evil.test"
    confirm, notice = sorted(mail.outbox, key=lambda m: m.to[0] != "attacker@evil.test")
    assert confirm.to == ["attacker@evil.test"] and notice.to == [staff.email]
    assert "attacker@evil.test" in notice.body and "&lt;" not in notice.body
    link = _confirmation_link(confirm)
    assert link.startswith("http://alpha.localhost:8000/")
    with schema_context("alpha"):
        requested = AuditEvent.objects.get(action="org.email_change_requested")
    assert requested.changes == {"email": [staff.email, "attacker@evil.test"]}
    assert requested.actor_id == alpha_people.hr.user_id


def test_a_password_reset_to_an_unconfirmed_address_sends_nothing(
        alpha_people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _edit(agency_client("alpha", alpha_people.hr.user), alpha_people.staff,
              email="attacker@evil.test")
    mail.outbox.clear()

    agency_client("alpha").post("/accounts/password/reset/", {"email": "attacker@evil.test"})

    assert not [m for m in mail.outbox if "/reset/key/" in m.body]


def test_confirming_the_link_changes_the_account_once_and_is_audited(
        alpha_people, django_capture_on_commit_callbacks):
    staff = alpha_people.staff
    old = staff.email
    with django_capture_on_commit_callbacks(execute=True):
        _edit(agency_client("alpha", alpha_people.hr.user), staff, email="new@alpha.test")
    path = _confirmation_link(mail.outbox[0]).split("localhost:8000", 1)[1]
    anonymous = agency_client("alpha")

    assert "new@alpha.test" in anonymous.get(path).content.decode()
    with schema_context("alpha"):  # showing the page changes nothing (mail scanners)
        staff.user.refresh_from_db()
        assert staff.user.email == old
    assert anonymous.post(path).status_code == 302
    assert anonymous.post(path).status_code == 400  # used once

    with schema_context("alpha"):
        staff.refresh_from_db()
        staff.user.refresh_from_db()
        changed = AuditEvent.objects.get(action="org.email_changed")
    assert staff.email == staff.user.email == "new@alpha.test"
    assert changed.changes == {"email": [old, "new@alpha.test"]}


def test_a_forged_or_foreign_confirmation_link_is_refused(
        alpha_people, beta_people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _edit(agency_client("alpha", alpha_people.hr.user), alpha_people.staff,
              email="new@alpha.test")
    path = _confirmation_link(mail.outbox[0]).split("localhost:8000", 1)[1]

    assert agency_client("beta").post(path).status_code == 400
    assert agency_client("alpha").post(path[:-3] + "xx/").status_code == 400
    with schema_context("beta"):
        assert not AuditEvent.objects.filter(action="org.email_changed").exists()


@pytest.mark.parametrize("target", ["admin", "hr"])
def test_an_hr_officer_cannot_change_a_privileged_accounts_email_or_status(
        alpha_people, target):
    person = getattr(alpha_people, target)
    client = agency_client("alpha", alpha_people.hr.user)

    for change in ({"email": "attacker@evil.test"}, {"status": "left"}):
        response = _edit(client, person, **change)
        assert "다른 기관 관리자만" in response.content.decode()

    assert mail.outbox == []
    with schema_context("alpha"):
        person.user.refresh_from_db()
        assert person.user.is_active and person.user.email == person.email


def test_an_admin_cannot_change_their_own_email_but_another_admin_can(
        alpha_people, django_capture_on_commit_callbacks):
    admin = alpha_people.admin
    with schema_context("alpha"):
        second = person_create(actor=None, employee_number="A-2", name="둘째관리자",
                               email="second@alpha.test", roles=["staff", "agency_admin"])
        with pytest.raises(ValidationError, match="다른 기관 관리자만"):
            person_update(person=admin, actor=admin, email="me@alpha.test")
        with django_capture_on_commit_callbacks(execute=True):
            person_update(person=admin, actor=second, email="me@alpha.test")
    assert {m.to[0] for m in mail.outbox} == {"me@alpha.test", admin.email}
