"""Fixtures the approval tests share."""

import pytest
from django_tenants.utils import schema_context

from core.org.models import Position


@pytest.fixture
def division_head(alpha_people):
    """Make Hyun, the staff member's unit head, a 과장 (division head): the position the
    standard delegation rules name for the final approval of general documents (전결)."""
    with schema_context("alpha"):
        head = alpha_people.head
        head.position = Position.objects.get(code="division_head")
        head.save(update_fields=["position"])
    return alpha_people
