"""The audit trail records sign-ins and org changes, and the database refuses to rewrite it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from core.audit.events import EventType
from core.audit.models import ActivityEvent, AuditEvent
from core.audit.services import audit_record, event_record
from tests.conftest import agency_client


def test_audit_rows_and_activity_events_cannot_be_updated_deleted_or_truncated(alpha):
    with schema_context("alpha"):
        activity = event_record(EventType.SIGN_IN_FAILED, actor=None, subject_label="기록")
        event = activity.audit_event
        for statement in (
            lambda: AuditEvent.objects.filter(pk=event.pk).update(action="test.changed"),
            lambda: connection.cursor().execute(
                "DELETE FROM audit_auditevent WHERE id = %s", [event.pk]),
            lambda: ActivityEvent.objects.filter(pk=activity.pk).update(person_id=1),
            lambda: ActivityEvent.objects.filter(pk=activity.pk).delete(),
            lambda: connection.cursor().execute(
                "TRUNCATE audit_auditevent, audit_activityevent"),
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                statement()
        assert AuditEvent.objects.get(pk=event.pk).action == "auth.sign_in_failed"
        assert ActivityEvent.objects.get(pk=activity.pk).person_id is None


def test_the_console_trail_is_append_only_too(db):
    event = audit_record(actor=None, action="test.kept")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_sign_ins_and_failed_sign_ins_are_recorded_with_the_address(alpha_people):
    client = agency_client("alpha")
    client.post("/accounts/login/", {"login": alpha_people.staff.email, "password": "wrong"},
                REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/login/", {"login": alpha_people.staff.email,
                                     "password": "correct-horse-battery"})

    with schema_context("alpha"):
        failed = AuditEvent.objects.get(action="auth.sign_in_failed")
        signed_in = AuditEvent.objects.get(action="auth.sign_in")
    assert failed.ip_address == "10.1.2.3"
    assert failed.target_label == alpha_people.staff.email
    assert signed_in.actor_id == alpha_people.staff.user_id


def test_agency_admins_browse_and_filter_the_trail(alpha_people):
    with schema_context("alpha"):
        audit_record(actor=None, action="org.person_updated", target_label="홍길동")
        audit_record(actor=None, action="org.unit_created", target_label="혁신과")
    client = agency_client("alpha", alpha_people.admin.user)

    page = client.get("/audit/", {"action": "org.person"}).content.decode()
    assert "홍길동" in page and "혁신과" not in page


def test_staff_cannot_read_the_trail(alpha_people):
    assert agency_client("alpha", alpha_people.staff.user).get("/audit/").status_code == 403
    assert agency_client("alpha", alpha_people.hr.user).get("/audit/").status_code == 403


def test_a_forged_forwarded_address_is_not_recorded_unless_a_proxy_is_trusted(alpha, settings):
    from django.test import RequestFactory

    from core.audit.services import Origin

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert Origin.from_request(request).ip_address == "10.0.0.9"
    settings.HARMONY_TRUST_X_FORWARDED_FOR = True
    assert Origin.from_request(request).ip_address == "1.2.3.4"
