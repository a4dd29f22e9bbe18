from django_tenants.utils import schema_context

from core.customers.models import Case, CaseStatus
from tenants.demo_work import DemoStaff, _cases


def test_the_demo_agency_has_a_waiting_and_an_assigned_case(alpha_people):
    people = alpha_people
    with schema_context("alpha"):
        _cases(
            DemoStaff(
                head=people.head, staff=people.staff, hr_unit=people.hr.unit, admin=people.admin
            )
        )
        assert sorted(Case.objects.values_list("status", flat=True)) == [
            CaseStatus.ASSIGNED,
            CaseStatus.RECEIVED,
        ]


def test_the_demo_has_a_request_from_mpb_followed_while_mogaha_handles_it(db):
    from core.exchange.models import AgencyRequest, RequestStatus
    from core.org.models import Person, Role, RoleCode
    from tenants.demo_work import seed_cross_agency_request
    from tests.factories import PersonFactory, onboard_agency

    for subdomain, code, name in (("mpb", "1051000", "기획예산처"),
                                  ("mogaha", "1310000", "행정자치부")):
        onboard_agency(subdomain, code=code, name_ko=name)
        with schema_context(subdomain):
            PersonFactory(email=f"staff@{subdomain}.test")
    with schema_context("mogaha"):
        Person.objects.get(employee_number="ADMIN-001").roles.add(
            Role.objects.get(code=RoleCode.CUSTOMER_OFFICER))
    seed_cross_agency_request(log=lambda line: None)
    seed_cross_agency_request(log=lambda line: None)  # again: nothing twice
    sent = AgencyRequest.objects.get()
    assert (sent.from_agency.schema_name, sent.to_agency.schema_name) == ("mpb", "mogaha")
    assert sent.status == RequestStatus.IN_PROGRESS
    with schema_context("mogaha"):
        case = Case.objects.get()
        assert case.exchange_request_id == sent.pk and case.status == CaseStatus.ASSIGNED
