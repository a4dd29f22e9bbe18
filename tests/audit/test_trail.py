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
            lambda: connection.cursor().execute(  # the row's deferred key checks go first
                "SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE audit_auditevent, audit_activityevent"),
        ):
            # Refused by privileges (requests run as the application role, tenants/db_roles.py);
            # the owner is refused by the append-only triggers (tests/chain/test_db_roles.py).
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
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


def test_the_audit_page_reads_types_and_changes_in_words(alpha_people):
    from core.org import services as org

    people = alpha_people
    with schema_context("alpha"):
        org.person_update(person=people.staff, actor=people.admin, phone="02-123-4567")
    page = agency_client("alpha", people.admin.user).get("/audit/").content.decode()
    assert "직원 정보 변경" in page and "org.person_updated" not in page.split("<tbody>")[1]
    assert "전화번호: (없음) → 02-123-4567" in page


def test_the_audit_api_gives_labels_and_described_changes_to_admins_only(alpha_people):
    from rest_framework.test import APIClient

    from core.org import services as org

    people = alpha_people
    with schema_context("alpha"):
        org.person_update(person=people.staff, actor=people.admin, phone="02-123-4567")
    api = APIClient(HTTP_HOST="alpha.localhost")
    api.force_authenticate(people.staff.user)
    assert api.get("/api/v1/audit/").status_code == 403
    api.force_authenticate(people.admin.user)
    rows = api.get("/api/v1/audit/?type=org.person_updated").json()["results"]
    assert rows[0]["type_label"] == "직원 정보 변경"
    assert rows[0]["changes"] == ["전화번호: (없음) → 02-123-4567"]


def test_every_type_declares_its_payload_and_a_wrong_payload_is_refused():
    from core.audit.events import SPECS, check_payload

    assert set(SPECS) == set(EventType)
    with pytest.raises(TypeError):
        check_payload(EventType.DOCUMENT_SUBMITTED, {"title": "제목"})  # status missing
    with pytest.raises(TypeError):
        check_payload(EventType.PROGRESS_REPORTED, {"title": "과제", "progress": "50"})
    check_payload(EventType.PROGRESS_REPORTED, {"title": "과제", "progress": 50})


def test_an_approval_records_a_typed_event_for_whom_it_concerns(alpha_people):
    from core.approvals import services as approvals
    from core.approvals.models import StepRole

    people = alpha_people
    with schema_context("alpha"):
        document = approvals.document_draft(drafter=people.staff, title="보고",
                                            body="<p>본문</p>")
        approvals.document_submit(document=document, actor=people.staff, line=[
            approvals.LineEntry(person=people.head, role=StepRole.APPROVER)])
        approvals.step_approve(document=document, actor=people.head)
        submitted, approved, completed = ActivityEvent.objects.filter(
            object_id=str(document.pk), type__startswith="approvals.document_").exclude(
            type="approvals.document_drafted").order_by("id")
    assert submitted.audience == [people.head.pk]
    assert (approved.type, approved.actor_person_id) == ("approvals.document_approved",
                                                         people.head.pk)
    assert approved.payload["waited_seconds"] >= 0 and approved.payload["mark"] == "delegated"
    assert completed.payload["number"].endswith("-1")
    assert completed.person_id == people.staff.pk and completed.audience == [people.staff.pk]


def test_a_change_named_like_a_reverse_relation_reads_with_its_own_label(alpha_people):
    """A memo's "reply" is both a recorded key and a reverse relation of the memo model."""
    from core.audit.display import describe
    from core.work import services as work

    people = alpha_people
    with schema_context("alpha"):
        memo = work.memo_send(actor=people.staff, recipients=[people.head], title="보고",
                              body="내용")
        work.memo_reply(memo=memo, actor=people.head, body="확인했습니다")
        event = AuditEvent.objects.get(action="work.memo_replied")
    assert [str(change) for change in describe(event)] == ["회신: 확인했습니다"]


def test_a_date_range_in_the_wrong_order_is_explained_not_an_empty_list(alpha_people):
    client = agency_client("alpha", alpha_people.admin.user)
    response = client.get("/audit/", {"since": "2026-12-01", "until": "2026-11-01"})
    assert response.status_code == 400
    assert "시작일(2026-12-01)이 종료일(2026-11-01)보다 늦습니다" in response.content.decode()
    assert client.get("/audit/", {"since": "2026-11-01", "until": "2026-12-01"}
                      ).status_code == 200
