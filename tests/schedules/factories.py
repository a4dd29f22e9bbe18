"""Schedule entries for tests, written to whichever schema is current."""

from datetime import datetime, timedelta

import factory

from core.schedules.models import KST, Entry, Scope


def kst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=KST)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    title = factory.Sequence(lambda n: f"회의{n}")
    starts_at = factory.LazyFunction(lambda: kst(2026, 5, 12, 10))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=1))
    scope = Scope.PERSONAL
    unit = factory.LazyAttribute(lambda e: e.owner.unit if e.scope == Scope.UNIT else None)
