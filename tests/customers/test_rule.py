"""Case types are a rule kind: the standard model's value is in force at onboarding, the
page shows it, and the bounds refuse a period longer than the standard model allows."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.policies.kinds import kind_get
from core.policies.selectors import policy_in_force
from tests.conftest import agency_client


def test_onboarding_copies_the_case_types_and_the_page_shows_them(alpha_people):
    with schema_context("alpha"):
        from django.utils import timezone

        assert policy_in_force(kind="case_types", on=timezone.localdate()) is not None
    client = agency_client("alpha", alpha_people.admin.user)
    page = client.get("/rules/kinds/case_types/")
    assert page.status_code == 200
    assert "제도·절차 질의" in page.content.decode()
    assert client.get("/rules/kinds/case_types/new/").status_code in (200, 302)


def test_a_period_beyond_the_bound_is_refused_with_its_source(alpha):
    kind = kind_get("case_types")
    data, _source, _version = kind.standard_default()
    data = {**data, "types": [{**data["types"][0], "due_days": 120}]}
    with schema_context("alpha"), pytest.raises(ValidationError) as refused:
        kind.validate(data)
    assert "90" in str(refused.value) and "표준모델" in str(refused.value)
