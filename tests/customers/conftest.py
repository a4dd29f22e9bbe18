import pytest
from django_tenants.utils import schema_context

from core.customers.services import Intake, case_receive
from core.org.models import Role, RoleCode
from tests.factories import PersonFactory


def intake(**fields) -> Intake:
    values = {
        "kind": "citizen",
        "name": "홍길동",
        "email": "hong.gildong@example.com",
        "phone": "010-1234-5678",
        "case_type": "inquiry",
        "title": "주차 민원",
        "body": "아파트 앞 불법 주차를 단속해 주세요.",
        "consent": True,
    }
    return Intake(**{**values, **fields})


@pytest.fixture
def officer(alpha_people):
    """Kim the customer officer (고객 담당관), in the other unit."""
    with schema_context("alpha"):
        person = PersonFactory(name="고객관", unit=alpha_people.other.unit)
        person.roles.add(Role.objects.get(code=RoleCode.CUSTOMER_OFFICER))
        return person


@pytest.fixture
def case(alpha_people):
    """A citizen's case in Hyun's unit, not yet assigned (with its status token)."""
    with schema_context("alpha"):
        received, token = case_receive(intake=intake(), channel="web")
        received.handling_unit = alpha_people.head.unit
        received.save(update_fields=["handling_unit"])
        received.token = token
        return received


@pytest.fixture
def closed_case(alpha_people, case):
    """The citizen's case handled by Sam (in Hyun's unit) and closed by Hyun."""
    from core.customers.services import case_assign, case_close

    with schema_context("alpha"):
        token = case.token
        assigned = case_assign(case=case, assignee=alpha_people.staff, actor=alpha_people.head)
        closed = case_close(case=assigned, answer="단속했습니다.", actor=alpha_people.head)
        closed.token = token
        return closed


def answer_all(points: int, questions: int = 5) -> dict:
    """A survey form answering every question with ``points``."""
    return {f"q{i}": str(points) for i in range(1, questions + 1)}
