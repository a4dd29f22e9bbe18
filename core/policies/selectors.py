"""Read the agency's rules in force."""

from datetime import date

from core.policies.models import Policy


def policy_in_force(*, kind: str, on: date) -> Policy | None:
    return Policy.objects.filter(kind=kind, effective_from__lte=on).order_by("-effective_from").first()


def policies_in_force(*, on: date) -> list[Policy]:
    return [p for kind in Policy._meta.get_field("kind").choices
            if (p := policy_in_force(kind=kind[0], on=on)) is not None]
