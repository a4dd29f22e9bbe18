"""Officials of other agencies on the platform (issue 9 §4): an official of 알파부 sends a
request to 베타청 from 알파부's own pages and follows it there; 베타청 receives and handles it
as a case. Only the request, its status and the answer cross, through the one channel."""

import re

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.approvals import services as approvals
from core.approvals.models import StepRole
from core.audit.events import EventType
from core.audit.models import AuditEvent
from core.customers import services
from core.customers.models import Case, CaseStatus, Channel, CustomerKind, OutgoingRequest
from core.exchange import services as exchange
from core.exchange.models import AgencyRequest, AgencyRequestStep, RequestStatus
from core.exchange.selectors import NoAgency
from core.org.models import Role, RoleCode
from tests.conftest import agency_client
from tests.factories import PersonFactory, make_personas, onboard_agency


@pytest.fixture
def beta_officer(beta_people):
    """고객관 of 베타청, its customer officer, who receives requests from other agencies."""
    with schema_context("beta"):
        person = PersonFactory(name="베타고객관", unit=beta_people.other.unit)
        person.roles.add(Role.objects.get(code=RoleCode.CUSTOMER_OFFICER))
        return person


def _send(alpha_people, beta, **fields) -> int:
    """최샘 of 알파부 sends a request to 베타청 from 알파부's page; return the channel id."""
    form = {
        "to_agency": beta.pk,
        "title": "지방재정 통계 협조 요청",
        "body": "2026년 지방재정 통계 자료를 보내 주시기 바랍니다.",
        "consent": "on",
        **fields,
    }
    client = agency_client("alpha", alpha_people.staff.user)
    response = client.post("/cases/outgoing/new/", form)
    assert response.status_code == 302, response.content.decode()
    return int(re.search(r"/cases/outgoing/(\d+)/", response["Location"]).group(1))


def _approved_answer(people):
    document = approvals.document_draft(
        drafter=people.staff, title="지방재정 통계 회신", body="<p>자료를 보냅니다.</p>"
    )
    approvals.document_submit(
        document=document,
        actor=people.staff,
        line=[approvals.LineEntry(person=people.head, role=StepRole.APPROVER)],
    )
    return approvals.step_approve(document=document, actor=people.head)


def _alpha_page(alpha_people, pk: int) -> str:
    response = agency_client("alpha", alpha_people.staff.user).get(f"/cases/outgoing/{pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_official_sends_a_request_and_follows_it_until_the_answer(
    alpha_people, beta_people, beta_officer
):
    form = agency_client("alpha", alpha_people.staff.user).get("/cases/outgoing/new/")
    assert form.status_code == 200 and "베타청" in form.content.decode()
    pk = _send(alpha_people, beta_people.agency)
    page = _alpha_page(alpha_people, pk)
    assert "지방재정 통계 협조 요청" in page and "베타청" in page and "발송" in page

    # 베타청's customer officer finds it waiting and receives it as a case.
    officer = agency_client("beta", beta_officer.user)
    waiting = officer.get("/cases/incoming/").content.decode()
    assert "지방재정 통계 협조 요청" in waiting and "알파부" in waiting
    response = officer.post(f"/cases/incoming/{pk}/receive/")
    with schema_context("beta"):
        case = Case.objects.select_related("customer").get()
        assert response["Location"] == f"/cases/{case.pk}/"
        assert case.channel == Channel.AGENCY and case.exchange_request_id == pk
        assert case.case_type == "agency_request"
        assert case.customer.kind == CustomerKind.OFFICIAL
        assert case.customer.name == "최샘" and "알파부" in case.customer.affiliation
        assert case.customer.email == "" and case.customer.phone == ""
    assert "접수" in _alpha_page(alpha_people, pk)
    case_page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "타기관 요청" in case_page and "알파부" in case_page

    # 베타청 handles it: the assignment reads "처리중" at 알파부, nothing of 베타청's people.
    with schema_context("beta"):
        handler = PersonFactory(name="베타담당자", unit=beta_people.head.unit)
        services.case_assign(case=case, assignee=handler, actor=beta_officer)
    page = _alpha_page(alpha_people, pk)
    assert "처리중" in page
    assert "베타담당자" not in page and beta_officer.name not in page and case.number not in page

    # The answer needs an approved document (the type says so); then it crosses.
    with schema_context("beta"):
        refused = officer.post(f"/cases/{case.pk}/close/", {"answer": "자료를 보냅니다."})
        assert refused.status_code == 302
        assert Case.objects.get().status == CaseStatus.ASSIGNED
        services.case_link_document(
            case=case, document=_approved_answer(beta_people), actor=beta_people.head
        )
    officer.post(f"/cases/{case.pk}/close/", {"answer": "요청하신 통계를 붙임과 같이 보냅니다."})
    page = _alpha_page(alpha_people, pk)
    assert "답변 완료" in page and "요청하신 통계를 붙임과 같이 보냅니다." in page

    # The channel's own trail, and each agency's audit trail.
    steps = list(AgencyRequestStep.objects.filter(request_id=pk).values_list("status", flat=True))
    assert steps == ["sent", "received", "in_progress", "answered"]
    with schema_context("alpha"):
        sent = AuditEvent.objects.get(action=EventType.AGENCY_REQUEST_SENT)
        assert sent.changes["agency_request"] == [None, pk]
        assert OutgoingRequest.objects.get().requester == alpha_people.staff
    with schema_context("beta"):
        received = AuditEvent.objects.get(action=EventType.CASE_RECEIVED)
        assert received.changes == {"agency_request": [None, pk]}
        closed = AuditEvent.objects.get(action=EventType.CASE_CLOSED)
        assert closed.changes["agency_request_status"] == ["in_progress", "answered"]


def test_only_the_request_and_who_asks_cross(alpha_people, beta_people):
    pk = _send(alpha_people, beta_people.agency)
    row = AgencyRequest.objects.values().get(pk=pk)
    assert set(row) == {
        "id",
        "from_agency_id",
        "to_agency_id",
        "title",
        "body",
        "requester_name",
        "requester_unit",
        "requester_title",
        "status",
        "answer",
        "sent_at",
        "updated_at",
        "answered_at",
    }
    assert row["requester_name"] == "최샘" and row["requester_unit"] == "혁신기획과"
    assert alpha_people.staff.email not in str(row.values())


def test_a_send_without_consent_or_destination_is_refused_and_nothing_crosses(
    alpha_people, beta_people
):
    client = agency_client("alpha", alpha_people.staff.user)
    response = client.post(
        "/cases/outgoing/new/",
        {"to_agency": beta_people.agency.pk, "title": "요청", "body": "내용"},
    )
    assert response.status_code == 400 and "동의해야" in response.content.decode()
    response = client.post(
        "/cases/outgoing/new/",
        {"to_agency": alpha_people.agency.pk, "title": "요청", "body": "내용", "consent": "on"},
    )
    assert response.status_code == 400
    assert not AgencyRequest.objects.exists()
    with schema_context("alpha"):
        assert not OutgoingRequest.objects.exists()


@pytest.fixture
def gamma_to_beta(beta_people):
    """A request between another pair of agencies (감마원 → 베타청)."""
    gamma = onboard_agency("gamma", code="1000003", name_ko="감마원")
    people = make_personas(gamma)
    with schema_context("gamma"):
        return services.outgoing_request_send(
            actor=people.staff,
            to_agency_id=beta_people.agency.pk,
            title="감마원의 비밀 질의",
            body="감마원 내부 사정",
            consent=True,
        ).exchange_request_id


def test_a_forged_channel_id_of_another_pair_is_not_found(
    alpha_people, beta_people, beta_officer, gamma_to_beta
):
    with schema_context("alpha"):
        alpha_officer = PersonFactory(name="알파고객관", unit=alpha_people.other.unit)
        alpha_officer.roles.add(Role.objects.get(code=RoleCode.CUSTOMER_OFFICER))
    client = agency_client("alpha", alpha_officer.user)
    for response in (
        client.get(f"/cases/outgoing/{gamma_to_beta}/"),
        client.post(f"/cases/incoming/{gamma_to_beta}/receive/"),
    ):
        assert response.status_code == 404
        assert "감마원" not in response.content.decode()
    assert "감마원" not in client.get("/cases/incoming/").content.decode()
    assert "감마원" not in client.get("/cases/outgoing/").content.decode()
    assert AgencyRequest.objects.get(pk=gamma_to_beta).status == RequestStatus.SENT
    # Nor can 알파부's services move it: the channel acts for the connection's agency only.
    with schema_context("alpha"), pytest.raises(ValidationError):
        exchange.request_status_push(pk=gamma_to_beta, status=RequestStatus.ANSWERED, answer="위조")
    with schema_context("alpha"), pytest.raises(ValidationError):
        exchange.request_receive(pk=gamma_to_beta)
    # The receiver follows nothing on the sender's page either.
    beta = agency_client("beta", beta_officer.user)
    assert beta.get(f"/cases/outgoing/{gamma_to_beta}/").status_code == 404


def test_within_the_sender_only_the_requester_their_unit_and_officers_follow_it(
    alpha_people, beta_people
):
    pk = _send(alpha_people, beta_people.agency)
    assert (
        agency_client("alpha", alpha_people.head.user).get(f"/cases/outgoing/{pk}/").status_code
        == 200
    )
    other = agency_client("alpha", alpha_people.other.user)
    assert other.get(f"/cases/outgoing/{pk}/").status_code == 404
    assert "지방재정" not in other.get("/cases/outgoing/").content.decode()


def test_only_customer_officers_receive_requests(alpha_people, beta_people):
    pk = _send(alpha_people, beta_people.agency)
    staff = agency_client("beta", beta_people.staff.user)
    assert staff.get("/cases/incoming/").status_code == 404
    assert staff.post(f"/cases/incoming/{pk}/receive/").status_code == 404
    with schema_context("beta"), pytest.raises(ValidationError):
        services.incoming_request_receive(pk=pk, actor=beta_people.staff)
    assert AgencyRequest.objects.get(pk=pk).status == RequestStatus.SENT


def test_a_request_is_received_once(alpha_people, beta_people, beta_officer):
    pk = _send(alpha_people, beta_people.agency)
    with schema_context("beta"):
        services.incoming_request_receive(pk=pk, actor=beta_officer)
        with pytest.raises(ValidationError):
            services.incoming_request_receive(pk=pk, actor=beta_officer)
        assert Case.objects.count() == 1


def test_the_channel_refuses_the_console(db):
    with pytest.raises(NoAgency):
        exchange.request_receive(pk=1)


def test_a_user_of_one_agency_cannot_read_the_other_agencys_cases(
    alpha_people, beta_people, beta_officer
):
    """The matrix for the case routes with real ids of the other agency: an 알파부 customer
    officer, on 알파부's host and with their session replayed on 베타청's, reads nothing."""
    from tests.test_isolation import AGENCY_PATHS

    pk = _send(alpha_people, beta_people.agency)
    with schema_context("beta"):
        case = services.incoming_request_receive(pk=pk, actor=beta_officer)
        handler = PersonFactory(name="베타담당자", unit=beta_people.head.unit)
        services.case_assign(case=case, assignee=handler, actor=beta_officer)
    with schema_context("alpha"):
        alpha_officer = PersonFactory(name="알파고객관", unit=alpha_people.other.unit)
        alpha_officer.roles.add(Role.objects.get(code=RoleCode.CUSTOMER_OFFICER))
    markers = ["베타담당자", beta_officer.name, case.number]
    own = agency_client("alpha", alpha_officer.user)
    replayed = agency_client("beta")
    replayed.cookies = own.cookies
    failures = []
    for path in [p for p in AGENCY_PATHS if p.startswith(("/cases/", "/api/v1/cases/"))]:
        path = path.replace("/1/", f"/{case.pk}/").replace("/x/", "/close/")
        for client in (own, replayed):
            response = client.get(path)
            body = response.content.decode(errors="replace")
            if response.status_code >= 500 or any(m in body for m in markers):
                failures.append((path, response.status_code))
        if replayed.get(path).status_code not in (302, 401, 403, 404):
            failures.append((path, "replayed session answered"))
    assert failures == []


def test_the_channel_lives_only_in_the_public_schema(alpha):
    """A shared-only app: no agency schema has its tables (they would shadow the channel on
    the agency's search path), and no tenant app's table refers to them."""
    from django.conf import settings
    from django.db import connection

    assert "core.exchange" in settings.SHARED_APPS
    assert "core.exchange" not in settings.TENANT_APPS
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name LIKE "
            "'exchange_%%' GROUP BY table_schema"
        )
        assert [row[0] for row in cursor.fetchall()] == ["public"]
        cursor.execute(
            "SELECT count(*) FROM information_schema.referential_constraints rc JOIN "
            "information_schema.constraint_column_usage u ON u.constraint_name = "
            "rc.unique_constraint_name WHERE u.table_name LIKE 'exchange_%%' AND "
            "rc.constraint_schema <> 'public'"
        )
        assert cursor.fetchone()[0] == 0


def test_the_channels_trail_cannot_be_rewritten(alpha_people, beta_people):
    from django.db import DatabaseError, transaction

    pk = _send(alpha_people, beta_people.agency)
    with pytest.raises(DatabaseError), transaction.atomic():
        AgencyRequestStep.objects.filter(request_id=pk).update(status=RequestStatus.ANSWERED)
    with pytest.raises(DatabaseError), transaction.atomic():
        AgencyRequestStep.objects.filter(request_id=pk).delete()
    assert list(AgencyRequestStep.objects.values_list("status", flat=True)) == ["sent"]
