"""API parity (issue 12 §1): recipients, receipt, 공람, absences and 후결 through /api/v1/,
in the schema and in the isolation matrix; 정책실명제, 공고 and the card's 관리정보 too."""

import datetime

from django.utils import timezone
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import Circulation, Document, StepRole
from core.org.models import Absence
from tests.approvals.test_api import _api
from tests.test_isolation import AGENCY_PATHS

JSON = "application/json"


def _approved(people, **fields):
    with schema_context("alpha"):
        document = services.document_draft(drafter=people.staff, title="협조 요청",
                                           body="본문", **fields)
        services.document_submit(document=document, actor=people.staff, line=[
            services.LineEntry(person=people.head, role=StepRole.APPROVER)])
        return services.step_approve(document=document, actor=people.head)


def test_the_new_routes_are_in_the_schema_and_the_isolation_matrix(alpha_people):
    schema = _api(alpha_people, "staff").get("/api/v1/schema/?format=json").json()
    paths = set(schema["paths"])

    for route in ("/api/v1/documents/{id}/recipients/", "/api/v1/documents/{id}/receive/",
                  "/api/v1/documents/{id}/circulate/", "/api/v1/documents/{id}/acknowledge/",
                  "/api/v1/documents/{id}/management/", "/api/v1/absences/"):
        assert route in paths
        assert route.replace("{id}", "1") in AGENCY_PATHS


def test_receipt_and_circulation_through_the_api(alpha_people):
    document = _approved(alpha_people, recipient_units=[alpha_people.hr.unit])
    hr = _api(alpha_people, "hr")

    listed = hr.get(f"/api/v1/documents/{document.pk}/recipients/").json()
    assert [r["name"] for r in listed] == ["성과관리과"] and listed[0]["receipt_number"] == ""
    waiting = hr.get("/api/v1/documents/?box=inbox").json()["results"][0]
    assert waiting["status_label"] == "접수 대기"

    received = hr.post(f"/api/v1/documents/{document.pk}/receive/",
                       {"recipient": listed[0]["id"], "handler": alpha_people.other.pk},
                       content_type=JSON)
    assert received.status_code == 200
    assert received.json()["recipients"][0]["handler_name"] == "정올리"
    assert received.json()["status_label"] == "완료"

    circulated = _api(alpha_people, "other").post(
        f"/api/v1/documents/{document.pk}/circulate/",
        {"units": [alpha_people.staff.unit.pk], "deadline": str(timezone.localdate())},
        content_type=JSON)
    assert circulated.status_code == 200
    with schema_context("alpha"):
        assert Circulation.objects.filter(document=document).count() == 3  # 혁신기획과


def test_a_bad_receipt_or_circulation_is_refused_in_korean(alpha_people):
    document = _approved(alpha_people, recipient_units=[alpha_people.hr.unit])
    staff = _api(alpha_people, "staff")

    with schema_context("alpha"):
        recipient_pk = document.recipients.get().pk
    wrong_unit = staff.post(f"/api/v1/documents/{document.pk}/receive/",
                            {"recipient": recipient_pk}, content_type=JSON)
    past = staff.post(f"/api/v1/documents/{document.pk}/circulate/",
                      {"people": [alpha_people.other.pk],
                       "deadline": str(timezone.localdate() - datetime.timedelta(days=1))},
                      content_type=JSON)

    assert wrong_unit.status_code == 400 and "수신 부서의 직원만" in str(wrong_unit.json())
    assert past.status_code == 400 and "오늘이나 그 뒤" in str(past.json())
    with schema_context("alpha"):
        assert document.recipients.get().received_at is None
        assert not Circulation.objects.exists()


def test_absences_and_acknowledgement_through_the_api(alpha_people):
    today = timezone.localdate()
    registered = _api(alpha_people, "admin").post("/api/v1/absences/", {
        "person": alpha_people.admin.pk, "acting": alpha_people.head.pk, "kind": "trip",
        "starts_on": str(today), "ends_on": str(today)}, content_type=JSON)
    assert registered.status_code == 201 and registered.json()["acting_name"] == "김현"
    listed = _api(alpha_people, "admin").get("/api/v1/absences/").json()
    assert [a["id"] for a in listed["results"]] == [registered.json()["id"]]

    with schema_context("alpha"):
        document = services.document_draft(drafter=alpha_people.staff, title="대결 문서",
                                           body="본문")
        services.document_submit(document=document, actor=alpha_people.staff, line=[
            services.LineEntry(person=alpha_people.admin, role=StepRole.APPROVER)])
        services.step_approve(document=document, actor=alpha_people.head)  # 대결
    acknowledged = _api(alpha_people, "admin").post(
        f"/api/v1/documents/{document.pk}/acknowledge/", content_type=JSON)
    again = _api(alpha_people, "admin").post(
        f"/api/v1/documents/{document.pk}/acknowledge/", content_type=JSON)

    assert acknowledged.status_code == 200
    assert acknowledged.json()["actions"][-1]["kind"] == "acknowledged"
    assert again.status_code == 409


def test_registering_someone_elses_absence_without_the_right_is_refused(alpha_people):
    today = timezone.localdate()
    refused = _api(alpha_people, "staff").post("/api/v1/absences/", {
        "person": alpha_people.other.pk, "acting": alpha_people.head.pk, "kind": "leave",
        "starts_on": str(today), "ends_on": str(today)}, content_type=JSON)

    assert refused.status_code == 400 and "권한이 없습니다" in str(refused.json())
    with schema_context("alpha"):
        assert not Absence.objects.exists()


def test_a_policy_notice_and_management_through_the_api(alpha_people):
    later = timezone.localdate() + datetime.timedelta(days=10)
    staff = _api(alpha_people, "staff")
    policy = staff.post("/api/v1/documents/", {
        "title": "정책", "body": "본문", "document_type": "policy", "submit": False,
        "participants": [{"name": "홍길동", "affiliation": "자문위원", "remark": "찬성"}]},
        content_type=JSON).json()
    notice = staff.post("/api/v1/documents/", {
        "title": "공고", "body": "본문", "document_type": "notice", "submit": False,
        "effective_on": str(later)}, content_type=JSON).json()

    assert policy["policy_record"] and policy["retention"] == "30"
    assert [p["name"] for p in policy["policy_participants"]] == ["최샘", "홍길동"]
    assert notice["effective_on"] == str(later)

    changed = staff.post(f"/api/v1/documents/{policy['id']}/management/",
                         {"retention": "permanent"}, content_type=JSON)
    bad = staff.post(f"/api/v1/documents/{policy['id']}/management/",
                     {"retention": "99"}, content_type=JSON)
    assert changed.json()["retention"] == "permanent"
    assert bad.status_code == 400
    with schema_context("alpha"):
        assert Document.objects.get(pk=policy["id"]).retention == "permanent"
