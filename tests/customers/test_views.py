"""The public intake and status pages (no account) and the staff's case pages."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from core.audit.events import EventType
from core.audit.models import ActivityEvent
from core.customers.models import Case, Customer
from core.customers.views import INTAKE_LIMIT
from tests.conftest import agency_client

FORM = {
    "kind": "citizen",
    "name": "홍길동",
    "email": "hong@example.com",
    "phone": "010-1234-5678",
    "case_type": "inquiry",
    "title": "가로등 고장",
    "body": "우리 동네 가로등이 꺼져 있습니다.",
    "consent": "on",
}


def _link(response) -> str:
    return re.search(
        r'value="(https?://[^"]+/public/requests/[^"]+/)"', response.content.decode()
    ).group(1)


def test_a_citizen_files_without_an_account_and_follows_the_link(alpha):
    client = agency_client("alpha")
    assert client.get("/public/requests/new/").status_code == 200
    upload = SimpleUploadedFile("사진.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post("/public/requests/new/", {**FORM, "attachments": [upload]})
    assert response.status_code == 200
    with schema_context("alpha"):
        case = Case.objects.get()
        assert case.attachments.count() == 1
    assert case.number in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    status = agency_client("alpha").get(_link(response).split("localhost", 1)[1])
    page = status.content.decode()
    assert status.status_code == 200
    assert "가로등 고장" in page and "신청이 접수되었습니다." in page
    assert "홍길동" not in page


def test_html_in_the_form_is_shown_as_text(alpha):
    response = agency_client("alpha").post(
        "/public/requests/new/", {**FORM, "title": "<script>alert(1)</script>"}
    )
    link = _link(response).split("localhost", 1)[1]
    page = agency_client("alpha").get(link).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_missing_consent_and_wrong_files_are_refused_and_nothing_is_written(alpha):
    client = agency_client("alpha")
    response = client.post("/public/requests/new/", {**FORM, "consent": ""})
    assert response.status_code == 400
    assert "동의해야" in response.content.decode()
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post("/public/requests/new/", {**FORM, "attachments": [bad]})
    assert response.status_code == 400 and "붙일 수 없는 파일 형식" in response.content.decode()
    with schema_context("alpha"):
        assert not Case.objects.exists() and not Customer.objects.exists()


def test_the_honeypot_refuses_a_bot(alpha):
    response = agency_client("alpha").post(
        "/public/requests/new/", {**FORM, "website": "http://spam.example"}
    )
    assert response.status_code == 400
    with schema_context("alpha"):
        assert not Case.objects.exists()


def test_a_flood_from_one_address_is_refused_in_korean(alpha, beta):
    client = agency_client("alpha")
    for _ in range(INTAKE_LIMIT):
        assert client.post("/public/requests/new/", FORM).status_code == 200
    refused = client.post("/public/requests/new/", FORM)
    assert refused.status_code == 429 and "한 시간 뒤에" in refused.content.decode()
    with schema_context("alpha"):
        assert Case.objects.count() == INTAKE_LIMIT
    # Another agency's page counts its own filings.
    assert agency_client("beta").post("/public/requests/new/", FORM).status_code == 200


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 500])
def test_a_wrong_token_is_not_found(alpha, token):
    assert agency_client("alpha").get(f"/public/requests/{token}/").status_code == 404


def test_another_agencys_link_is_not_found(alpha, beta):
    response = agency_client("beta").post("/public/requests/new/", FORM)
    path = _link(response).split("localhost", 1)[1]
    assert agency_client("beta").get(path).status_code == 200
    assert agency_client("alpha").get(path).status_code == 404


def test_a_bystander_sees_masked_contacts_and_the_handler_sees_them_logged(alpha_people, case):
    bystander = agency_client("alpha", alpha_people.staff.user).get(f"/cases/{case.pk}/")
    assert bystander.status_code == 200
    page = bystander.content.decode()
    assert "홍*동" in page and "010-****-5678" in page and "010-1234-5678" not in page
    with schema_context("alpha"):
        assert not ActivityEvent.objects.filter(type=EventType.CUSTOMER_CONTACT_VIEWED).exists()
    handler = agency_client("alpha", alpha_people.head.user).get(f"/cases/{case.pk}/")
    assert "010-1234-5678" in handler.content.decode()
    with schema_context("alpha"):
        viewed = ActivityEvent.objects.get(type=EventType.CUSTOMER_CONTACT_VIEWED)
        assert viewed.actor_person_id == alpha_people.head.pk
        assert viewed.payload == {"customer": case.customer_id}
    outsider = agency_client("alpha", alpha_people.other.user).get(f"/cases/{case.pk}/")
    assert outsider.status_code == 404


def test_the_handler_assigns_and_closes_and_the_customer_reads_the_answer(alpha_people, case):
    head = agency_client("alpha", alpha_people.head.user)
    head.post(f"/cases/{case.pk}/assign/", {"assignee": alpha_people.staff.pk})
    staff = agency_client("alpha", alpha_people.staff.user)
    response = staff.post(f"/cases/{case.pk}/close/", {"answer": "가로등을 고쳤습니다."})
    assert response.status_code == 302
    page = agency_client("alpha").get(f"/public/requests/{case.token}/").content.decode()
    assert "가로등을 고쳤습니다." in page and "처리가 끝나 답변을 드렸습니다." in page


def test_a_bystander_cannot_close_a_case(alpha_people, case):
    staff = agency_client("alpha", alpha_people.staff.user)
    staff.post(f"/cases/{case.pk}/close/", {"answer": "제가 닫습니다."})
    with schema_context("alpha"):
        assert not Case.objects.get(pk=case.pk).is_closed


def test_a_revoked_link_is_not_found(alpha_people, case):
    head = agency_client("alpha", alpha_people.head.user)
    head.post(f"/cases/{case.pk}/revoke/")
    assert agency_client("alpha").get(f"/public/requests/{case.token}/").status_code == 404
    fresh = head.get(f"/cases/{case.pk}/").content.decode()
    assert "/public/requests/" in fresh


def test_the_box_lists_open_cases_and_staff_enter_a_phone_case(alpha_people, case, officer):
    client = agency_client("alpha", officer.user)
    assert case.number in client.get("/cases/").content.decode()
    response = client.post("/cases/new/", {**FORM, "channel": "phone", "title": "전화 문의"})
    assert response.status_code == 302
    with schema_context("alpha"):
        entered = Case.objects.get(title="전화 문의")
        assert entered.channel == "phone"
    assert "전화 문의" in client.get("/cases/?q=전화").content.decode()
    assert "전화 문의" not in client.get("/cases/?q=없는제목").content.decode()
