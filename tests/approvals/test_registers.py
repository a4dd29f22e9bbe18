"""Document numbers by register (rules §1): the handling unit's yearly register by default;
훈령·예규 in their own register that never resets, 지시·공고 in their own per year."""

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import SerialCounter, StepRole
from core.approvals.selectors import document_list
from core.org.models import Position
from tests.factories import PersonFactory


@pytest.fixture
def people(alpha_people):
    with schema_context("alpha"):
        yield alpha_people


@pytest.fixture
def minister(people):
    """훈령 and 예규 are the minister's to sign (the standard delegation rule)."""
    return PersonFactory(name="장관", unit=people.head.unit,
                         position=Position.objects.get(code="minister"))


def _approved(people, document_type: str, approver=None):
    approver = approver or people.head
    document = services.document_draft(drafter=people.staff, title=f"{document_type} 문서",
                                       body="<p>본문</p>", document_type=document_type)
    services.document_submit(document=document, actor=people.staff, line=[
        services.LineEntry(person=approver, role=StepRole.APPROVER)])
    return services.step_approve(document=document, actor=approver)


def test_notices_count_per_year_in_their_own_register_beside_the_units(people):
    year = timezone.localdate().year
    first, general, second = (_approved(people, kind)
                              for kind in ("notice", "general", "notice"))
    assert first.number == f"공고 제{year}-1호"
    assert second.number == f"공고 제{year}-2호"
    assert general.number == "혁신기획과-1"  # the unit's register is not touched by notices


def test_directives_count_on_across_years(people, minister):
    directive = _approved(people, "directive", minister)
    assert directive.number == "훈령 제1호"
    counter = SerialCounter.objects.get(register="directive")
    assert (counter.year, counter.last_serial, counter.handling_unit_id) == (0, 1, None)
    assert _approved(people, "established_rule", minister).number == "예규 제1호"


def test_a_typed_number_finds_its_document(people):
    notice = _approved(people, "notice")
    _approved(people, "general")
    found = document_list(person=people.staff, box="done", query=notice.number)
    assert list(found) == [notice]
    assert list(document_list(person=people.staff, box="done", query="훈령 제1호")) == []
