"""The 기안문 foot (시행규칙 서식): the handling unit's 우편번호, 주소, 홈페이지, 전화·전송 (the
agency's where the unit has none), the drafter's 전자우편 and 공개 구분 on the page and the
PDF; 경유 entered on the draft and printed. Contact details are org data: editable on the
unit and agency settings pages, importable with the units."""

import io

import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from core.approvals.models import Document
from core.org import imports
from core.org.models import OrgSettings, Unit
from tests.conftest import agency_client


@pytest.fixture
def contacts(division_head):
    """The agency's address and homepage; 혁신기획과's own phone and fax."""
    people = division_head
    with schema_context("alpha"):
        OrgSettings.objects.update(postal_code="30112", address="세종특별자치시 도움6로 42",
                                   homepage="www.alpha.go.kr", phone="044-000-0000",
                                   fax="044-000-0001")
        Unit.objects.filter(pk=people.staff.unit_id).update(phone="044-205-1234",
                                                            fax="044-205-1299")
        people.staff.phone = ""
        people.staff.save(update_fields=["phone"])
    return people


def _approved(people):
    staff = agency_client("alpha", people.staff.user)
    response = staff.post("/approvals/new/", {
        "title": "협조 요청", "document_type": "general", "body": "<p>본문</p>",
        "disclosure": "partial", "disclosure_ground": "5", "reviewers": [], "cooperators": [],
        "approver": people.head.pk, "external_recipients": "행정안전부장관",
        "via": "국무조정실장"})
    assert response.status_code == 302
    with schema_context("alpha"):
        document = Document.objects.get()
    agency_client("alpha", people.head.user).post(f"/approvals/{document.pk}/act/",
                                                  {"decision": "approve"})
    return document


def test_the_page_and_the_pdf_print_the_foot_and_the_via(contacts):
    people = contacts
    document = _approved(people)
    assert document.via == "국무조정실장"
    staff = agency_client("alpha", people.staff.user)
    page = staff.get(f"/approvals/{document.pk}/").content.decode()
    pdf = staff.get(f"/approvals/{document.pk}/pdf/").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for shown in (page, text):
        for expected in ("국무조정실장", "30112", "세종특별자치시 도움6로 42", "www.alpha.go.kr",
                         "044-205-1234", "044-205-1299", people.staff.email, "부분공개"):
            assert expected in shown, expected
        assert "044-000-0000" not in shown  # the unit's own phone comes first


def test_a_unit_admin_edits_the_units_contact_details(alpha_people):
    people = alpha_people
    admin = agency_client("alpha", people.admin.user)
    with schema_context("alpha"):
        unit = Unit.objects.get(pk=people.staff.unit_id)
    response = admin.post(f"/org/units/{unit.pk}/edit/", {
        "code": unit.code, "name": unit.name, "kind": unit.kind_id, "parent": "",
        "head": people.head.pk, "sort_order": 0, "postal_code": "30112",
        "address": "세종특별자치시 도움6로 42", "homepage": "", "phone": "044-205-1234",
        "fax": "044-205-1299"})
    assert response.status_code == 302
    with schema_context("alpha"):
        unit.refresh_from_db()
    assert (unit.postal_code, unit.phone, unit.fax) == ("30112", "044-205-1234", "044-205-1299")


def test_the_agency_contact_details_are_set_on_the_settings_page(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    response = admin.post("/org/settings/", {
        "privileged_mfa_required": "on", "api_token_days": 90, "sending_authority": "알파부장관",
        "postal_code": "30112", "address": "세종특별자치시 도움6로 42",
        "homepage": "www.alpha.go.kr", "phone": "044-000-0000", "fax": ""})
    assert response.status_code == 302
    with schema_context("alpha"):
        row = OrgSettings.objects.get()
    assert (row.address, row.homepage, row.fax) == ("세종특별자치시 도움6로 42",
                                                    "www.alpha.go.kr", "")


def test_units_import_with_their_contact_details(alpha_people):
    content = ("부서코드,부서명,유형,상위부서코드,정렬순서,우편번호,주소,전화,전송\n"
               "D900,민원정책과,과,,1,30112,세종특별자치시 도움6로 42,044-205-9000,044-205-9099\n"
               ).encode()
    with schema_context("alpha"):
        result = imports.units_import(name="units.csv", content=content,
                                      actor=alpha_people.admin.user)
        assert not result.errors
        unit = Unit.objects.get(code="D900")
    assert (unit.postal_code, unit.phone, unit.fax) == ("30112", "044-205-9000", "044-205-9099")


@pytest.mark.parametrize(("subdomain", "name", "kind", "authority"), [
    ("mogaha", "행정자치부", "central", "행정자치부장관"),
    ("kcg", "해양경찰청", "central", "해양경찰청장"),
    ("suwon", "수원시", "basic", "수원시장"),
])
def test_the_demo_prints_a_whole_foot_for_a_ministry_a_cheong_and_a_city(
        division_head, subdomain, name, kind, authority):
    """The demo's 기안문: the head's title as 발신명의 and every field of the foot filled."""
    from core.org.selectors import sending_authority_propose
    from tenants.demo import LETTERHEADS, demo_letterhead

    assert sending_authority_propose(name=name, kind=kind) == authority
    with schema_context("alpha"):
        demo_letterhead(subdomain)
    document = _approved(division_head)
    page = agency_client("alpha", division_head.staff.user).get(
        f"/approvals/{document.pk}/").content.decode()
    postal_code, address, homepage, _phone, fax = LETTERHEADS[subdomain]
    assert len(postal_code) == 5 and postal_code.isdigit()
    for value in (postal_code, address, homepage, fax):
        assert value in page
