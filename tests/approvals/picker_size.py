"""Helpers for measuring the draft page with a large agency (2,000 people in 80 units)."""

from django_tenants.utils import schema_context

from core.org.models import Grade, Person, Position, Unit, UnitKind


def add_people(n: int = 2000, units: int = 80, *, batch: str = "B") -> None:
    """Add ``n`` active people spread over ``units`` new units to alpha, in bulk."""
    with schema_context("alpha"):
        kind = UnitKind.objects.get(code="division")
        made = Unit.objects.bulk_create(
            [Unit(code=f"{batch}{i:03d}", name=f"대량시험{batch}{i}과", kind=kind)
             for i in range(units)])
        grade = Grade.objects.get(code="G7")
        position = Position.objects.get(code="officer")
        Person.objects.bulk_create(
            [Person(name=f"대량{batch}{i:04d}", employee_number=f"M{batch}{i:05d}",
                    unit=made[i % units], grade=grade, position=position) for i in range(n)])
