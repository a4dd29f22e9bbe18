"""Read the agency's rules in force."""

from datetime import date

from core.policies.models import Policy, PolicyKind


def policy_in_force(*, kind: str, on: date) -> Policy | None:
    """Return the version of a rule that applies on ``on`` (the latest one started by then)."""
    rules = Policy.objects.filter(kind=kind, effective_from__lte=on)
    return rules.order_by("-effective_from").first()


def delegation_rules(*, on: date) -> list[dict]:
    """위임전결규정 in force: [{document_type, name, final_position}, ...]."""
    policy = policy_in_force(kind=PolicyKind.DELEGATION, on=on)
    return policy.data["rules"] if policy else []


def document_types(*, on: date) -> list[tuple[str, str]]:
    """The document types the delegation rules know, as (code, name) choices."""
    return [(rule["document_type"], rule.get("name") or rule["document_type"])
            for rule in delegation_rules(on=on)]
