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
