"""Agency rules are versioned data seeded from the standard model."""

from datetime import date, timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from core.policies.models import Policy, PolicyKind
from core.policies.selectors import policy_in_force
from tenants.standard_models import latest_standard_model_version


def test_the_standard_model_rules_apply_from_onboarding_until_a_new_version(alpha):
    today = timezone.localdate()
    with schema_context("alpha"):
        seeded = policy_in_force(kind=PolicyKind.SERVICE_RATING, on=today)
        assert seeded.data["components"][0]["weight"] == 70
        assert seeded.standard_model_version == latest_standard_model_version()
        assert "공무원 성과평가 등에 관한 규정" in seeded.source

        newer = Policy.objects.create(kind=PolicyKind.SERVICE_RATING,
                                      effective_from=today + timedelta(days=30),
                                      data={**seeded.data, "components": []})
        assert policy_in_force(kind=PolicyKind.SERVICE_RATING, on=today) == seeded
        assert policy_in_force(kind=PolicyKind.SERVICE_RATING,
                               on=today + timedelta(days=31)) == newer
        assert policy_in_force(kind=PolicyKind.SERVICE_RATING, on=date(2000, 1, 1)) is None
