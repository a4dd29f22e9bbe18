"""발신명의 (rules §1, document foot): the head's title configured per agency, proposed from
its name by the standard model at onboarding, editable by agency admins, and printed on the
document page and the PDF — never "{기관명}장" by default."""

import io

import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from core.approvals import services
from core.approvals.models import StepRole
from core.org.selectors import org_settings, sending_authority_propose
from tests.conftest import agency_client


@pytest.mark.parametrize(("name", "title"), [
    ("과학기술부", "과학기술부장관"), ("해양경찰청", "해양경찰청장"), ("수원시", "수원시장"),
    ("인사혁신처", "인사혁신처장"), ("양평군", "양평군수"), ("강남구", "강남구청장"),
    ("경기도", "경기도지사"), ("제주특별자치도", "제주특별자치도지사"),
    ("서울특별시", "서울특별시장"), ("공정거래위원회", "공정거래위원장"),
    ("서울특별시교육청", "서울특별시교육감"),
])
def test_the_standard_model_proposes_the_heads_title(name, title):
    assert sending_authority_propose(name=name) == title


def test_onboarding_records_the_proposed_title(alpha):
    with schema_context("alpha"):
        assert org_settings().sending_authority == "알파부장관"


def _sent(people):
    document = services.document_draft(drafter=people.staff, title="협조 요청", body="본문",
                                       external_recipients=["행정안전부장관"])
    services.document_submit(document=document, actor=people.staff, line=[
        services.LineEntry(person=people.head, role=StepRole.APPROVER)])
    return services.step_approve(document=document, actor=people.head)


def test_an_admin_sets_the_title_and_the_page_and_pdf_print_it(alpha_people):
    people = alpha_people
    admin = agency_client("alpha", people.admin.user)
    page = admin.get("/org/settings/")
    assert 'value="알파부장관"' in page.content.decode()
    response = admin.post("/org/settings/", {
        "privileged_mfa_required": "on", "api_token_days": 90,
        "sending_authority": "알파부 장관 직무대행"})
    assert response.status_code == 302
    with schema_context("alpha"):
        assert org_settings().sending_authority == "알파부 장관 직무대행"
        document = _sent(people)
    staff = agency_client("alpha", people.staff.user)
    assert "알파부 장관 직무대행" in staff.get(f"/approvals/{document.pk}/").content.decode()
    pdf = staff.get(f"/approvals/{document.pk}/pdf/").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "알파부 장관 직무대행" in text


def test_an_empty_title_is_refused(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    response = admin.post("/org/settings/", {
        "privileged_mfa_required": "on", "api_token_days": 90, "sending_authority": " "})
    assert response.status_code == 200
    with schema_context("alpha"):
        assert org_settings().sending_authority == "알파부장관"


def test_staff_cannot_change_the_title(alpha_people):
    staff = agency_client("alpha", alpha_people.staff.user)
    response = staff.post("/org/settings/", {
        "privileged_mfa_required": "on", "api_token_days": 90, "sending_authority": "아무개"})
    assert response.status_code in (302, 403, 404)
    with schema_context("alpha"):
        assert org_settings().sending_authority == "알파부장관"


def test_the_data_migration_fills_existing_agencies(alpha):
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("core.org.migrations.0007_sending_authority")
    with schema_context("alpha"):
        from core.org.models import OrgSettings

        OrgSettings.objects.update(sending_authority="")

        class Editor:
            pass

        editor = Editor()
        editor.connection = connection
        migration.sending_authority_fill(apps, editor)
        assert org_settings().sending_authority == "알파부장관"
