"""One entry of every kind in Alpha: Sam's (staff) personal and key schedules and his unit's
meeting, Olivia's (other unit) unit schedule, and an agency-wide event by Alice (admin)."""

from dataclasses import dataclass

import pytest
from django_tenants.utils import schema_context

from core.schedules.models import Entry, Scope
from tests.schedules.factories import EntryFactory, kst


@dataclass
class Entries:
    personal: Entry
    key: Entry
    unit: Entry
    other_unit: Entry
    agency: Entry


@pytest.fixture
def entries(alpha_people) -> Entries:
    p = alpha_people
    with schema_context("alpha"):
        return Entries(
            personal=EntryFactory(title="치과 예약", owner=p.staff),
            key=EntryFactory(title="국회 업무보고 배석", owner=p.staff, is_key=True,
                             starts_at=kst(2026, 5, 13, 14), ends_at=kst(2026, 5, 13, 16)),
            unit=EntryFactory(title="혁신기획과 주간회의", owner=p.staff, scope=Scope.UNIT,
                              starts_at=kst(2026, 5, 11, 9), ends_at=kst(2026, 5, 11, 10)),
            other_unit=EntryFactory(title="성과관리과 워크숍", owner=p.other, scope=Scope.UNIT),
            agency=EntryFactory(title="기관 체육대회", owner=p.admin, scope=Scope.AGENCY,
                                all_day=True, starts_at=kst(2026, 5, 20),
                                ends_at=kst(2026, 5, 22)),
        )
