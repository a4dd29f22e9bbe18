"""Read the agency's rules in force."""

from datetime import date

from core.policies.models import Policy


def policy_in_force(*, kind: str, on: date) -> Policy | None:
    """Return the version of a rule that applies on ``on`` (the latest one started by then)."""
    rules = Policy.objects.filter(kind=kind, effective_from__lte=on)
    return rules.order_by("-effective_from").first()
