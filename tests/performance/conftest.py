from datetime import date

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from core.org import services as org_services
from core.org.models import AppointmentKind


def base_date_now() -> date:
    """The service rating's base date of the half we are in (30 June or 31 December)."""
    today = timezone.localdate()
    return date(today.year, 6, 30) if today.month <= 6 else date(today.year, 12, 31)


def hire(person, actor, *, on=date(2020, 1, 1)):
    """Give a factory-made person the history org_on reads (their hire appointment)."""
    return org_services.appointment_record(
        person=person, kind=AppointmentKind.HIRE, starts_on=on, reason="신규 임용",
        unit=person.unit, grade=person.grade, position=person.position, actor=actor)


@pytest.fixture
def placed(alpha_people):
    """The personas with their appointments on record."""
    p = alpha_people
    with schema_context("alpha"):
        for person in (p.admin, p.hr, p.head, p.staff, p.other):
            hire(person, p.hr)
    return p


@pytest.fixture
def cycle(placed):
    """The open service rating (근무성적평가) of the current half."""
    from core.performance.services import cycle_open

    with schema_context("alpha"):
        return cycle_open(scheme="service", base_date=base_date_now(), actor=placed.hr)
