"""The approver's authority (rules §1, 위임전결규정): the last signer holds the position the
delegation rules give the document type, or a higher one in the same chain of units; a
lower one signs only as the absent approver's acting official (대결), marked. Unknown types
are refused; the line keeps 검토 → 협조 → 결재; co-operators come from other units."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from core.approvals import services
from core.approvals.models import Document, DocumentStatus, SerialCounter, SignMark, StepRole
from core.org.models import Person, Position, UnitKind
from tests.conftest import agency_client
from tests.factories import PersonFactory, UnitFactory

TODAY = timezone.localdate()


@dataclass
class Chain:
    """실 → 국 → 과, each with its head, a 주무관 drafting in the 과, a 사무관 beside them,
    a 과장 of another 실 and the 장관 in the minister's office."""

    officer: Person
    deputy: Person
    division_head: Person
    bureau_head: Person
    office_head: Person
    other_division_head: Person
    other_officer: Person
    minister: Person


def _head(unit, code, name):
    person = PersonFactory(name=name, unit=unit, position=Position.objects.get(code=code))
    unit.head = person
    unit.save(update_fields=["head"])
    return person


@pytest.fixture
def chain(alpha):
    with schema_context("alpha"):
        kinds = {k.code: k for k in UnitKind.objects.all()}
        office = UnitFactory(name="기획조정실", kind=kinds["office"])
        bureau = UnitFactory(name="정책기획관", kind=kinds["bureau"], parent=office)
        division = UnitFactory(name="혁신행정담당관", kind=kinds["division"], parent=bureau)
        other = UnitFactory(name="운영지원과", kind=kinds["division"])
        minister_office = UnitFactory(name="장관실", kind=kinds["office"])
        yield Chain(
            officer=PersonFactory(name="최주무", unit=division),
            deputy=PersonFactory(name="오사무", unit=division,
                                 position=Position.objects.get(code="deputy")),
            division_head=_head(division, "division_head", "김과장"),
            bureau_head=_head(bureau, "bureau_head", "이국장"),
            office_head=_head(office, "office_head", "박실장"),
            other_division_head=_head(other, "division_head", "정과장"),
            other_officer=PersonFactory(name="한주무", unit=other),
            minister=_head(minister_office, "minister", "장장관"),
        )


def _draft(chain, document_type="general"):
    return services.document_draft(drafter=chain.officer, title="계획 보고", body="본문",
                                   document_type=document_type)


def _submit(chain, document, *line):
    return services.document_submit(document=document, actor=chain.officer, line=[
        services.LineEntry(person=person, role=role) for person, role in line])


def test_an_officer_placed_last_cannot_approve_and_number_a_directive(chain):
    document = _draft(chain, "directive")
    with pytest.raises(ValidationError) as refused:
        _submit(chain, document, (chain.deputy, StepRole.APPROVER))
    assert "'훈령' 문서의 결재권자는 장관 이상이어야 합니다" in refused.value.messages[0]
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
    assert not document.steps.exists()
    assert not SerialCounter.objects.filter(register="directive").exists()


def test_the_minister_signs_a_directive_and_it_is_numbered(chain):
    document = _draft(chain, "directive")
    _submit(chain, document, (chain.division_head, StepRole.REVIEWER),
            (chain.minister, StepRole.APPROVER))
    services.step_approve(document=document, actor=chain.division_head)
    signed = services.step_approve(document=document, actor=chain.minister)
    assert signed.number == "훈령 제1호"
    assert signed.steps.get(role=StepRole.APPROVER).sign_mark == SignMark.NONE


def test_a_division_head_last_on_an_office_head_type_is_refused(chain):
    document = _draft(chain, "policy")  # 주요 정책: 실장 전결
    with pytest.raises(ValidationError) as refused:
        _submit(chain, document, (chain.division_head, StepRole.APPROVER))
    assert "'주요 정책' 문서의 결재권자는 실장 이상이어야 합니다" in refused.value.messages[0]
    assert "김과장" in refused.value.messages[0]


def test_the_office_head_signs_by_delegation_and_a_bureau_head_cannot(chain):
    document = _draft(chain, "policy")
    with pytest.raises(ValidationError):
        _submit(chain, document, (chain.bureau_head, StepRole.APPROVER))
    _submit(chain, document, (chain.division_head, StepRole.REVIEWER),
            (chain.office_head, StepRole.APPROVER))
    services.step_approve(document=document, actor=chain.division_head)
    services.step_approve(document=document, actor=chain.office_head)
    assert document.steps.get(role=StepRole.APPROVER).sign_mark == SignMark.DELEGATED


def test_a_higher_position_of_the_same_chain_may_sign(chain):
    document = _draft(chain)  # 일반 문서: 과장 전결; the 국장 above signs in their own right
    _submit(chain, document, (chain.bureau_head, StepRole.APPROVER))
    services.step_approve(document=document, actor=chain.bureau_head)
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED
    assert document.steps.get().sign_mark == SignMark.NONE


def test_a_head_of_another_chain_cannot_sign(chain):
    document = _draft(chain)
    with pytest.raises(ValidationError):
        _submit(chain, document, (chain.other_division_head, StepRole.APPROVER))


def test_the_acting_official_of_an_absent_office_head_signs_marked_proxy(chain):
    services.absence_register(person=chain.office_head, acting=chain.division_head,
                              kind="trip", starts_on=TODAY, ends_on=TODAY,
                              actor=chain.office_head)
    document = _draft(chain, "policy")
    _submit(chain, document, (chain.office_head, StepRole.APPROVER))
    services.step_approve(document=document, actor=chain.division_head)
    step = document.steps.get()
    assert (step.sign_mark, step.acted_by) == (SignMark.PROXY, chain.division_head)
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED


def test_an_approver_who_lost_the_position_cannot_sign_what_waits_for_them(chain):
    document = _draft(chain)
    _submit(chain, document, (chain.division_head, StepRole.APPROVER))
    chain.division_head.position = Position.objects.get(code="deputy")
    chain.division_head.save(update_fields=["position"])
    with pytest.raises(ValidationError):
        services.step_approve(document=document, actor=chain.division_head)
    document.refresh_from_db()
    assert (document.status, document.serial) == (DocumentStatus.IN_PROGRESS, None)


def test_an_unknown_document_type_is_refused(chain):
    with pytest.raises(ValidationError) as refused:
        _draft(chain, "memo_of_love")
    assert "위임전결규정에 없는 문서 유형" in str(refused.value)
    assert not Document.objects.exists()
    document = _draft(chain)
    with pytest.raises(ValidationError):
        services.document_edit(document=document, actor=chain.officer, title="계획",
                               body="본문", document_type="memo_of_love")
    document.refresh_from_db()
    assert document.document_type == "general"


def test_roles_out_of_order_are_refused(chain):
    document = _draft(chain)
    with pytest.raises(ValidationError) as refused:
        _submit(chain, document, (chain.other_officer, StepRole.COOPERATOR),
                (chain.deputy, StepRole.REVIEWER), (chain.division_head, StepRole.APPROVER))
    assert "검토, 협조, 결재 순서" in refused.value.messages[0]
    assert not document.steps.exists()


def test_a_cooperator_of_the_drafters_unit_is_refused(chain):
    document = _draft(chain)
    with pytest.raises(ValidationError) as refused:
        _submit(chain, document, (chain.deputy, StepRole.COOPERATOR),
                (chain.division_head, StepRole.APPROVER))
    assert "협조자는 기안자와 다른 부서" in refused.value.messages[0]
    _submit(chain, document, (chain.other_officer, StepRole.COOPERATOR),
            (chain.division_head, StepRole.APPROVER))
    assert document.steps.count() == 2


def _api(person):
    with schema_context("alpha"):
        token, _ = Token.objects.get_or_create(user=person.user)
    client = agency_client("alpha")
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_the_api_refuses_alike(chain):
    client = _api(chain.officer)

    def create(document_type, line):
        return client.post("/api/v1/documents/", {
            "title": "API 기안", "body": "<p>본문</p>", "document_type": document_type,
            "line": [{"person": person.pk, "role": role} for person, role in line]},
            content_type="application/json")

    low = create("directive", [(chain.division_head, "approver")])
    assert low.status_code == 400
    assert "장관 이상" in low.content.decode()
    unknown = create("memo_of_love", [(chain.division_head, "approver")])
    assert unknown.status_code == 400
    assert "위임전결규정에 없는 문서 유형" in unknown.content.decode()
    disordered = create("general", [(chain.division_head, "approver"),
                                    (chain.deputy, "reviewer")])
    assert disordered.status_code == 400
    same_unit = create("general", [(chain.deputy, "cooperator"),
                                   (chain.division_head, "approver")])
    assert "협조자는 기안자와 다른 부서" in same_unit.content.decode()
    with schema_context("alpha"):
        assert not Document.objects.exists()
    assert create("general", [(chain.division_head, "approver")]).status_code == 201


def test_the_draft_page_refuses_a_low_approver_with_the_rule(chain):
    client = agency_client("alpha", chain.officer.user)
    response = client.post("/approvals/new/", {
        "title": "계획", "document_type": "budget", "body": "<p>본문</p>",
        "disclosure": "public", "disclosure_ground": "", "reviewers": [], "cooperators": [],
        "approver": chain.division_head.pk})
    assert response.status_code == 400
    assert "예산·회계&#x27; 문서의 결재권자는 국장 이상이어야 합니다" in response.content.decode()
    with schema_context("alpha"):
        assert not Document.objects.exists()
