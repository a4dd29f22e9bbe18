"""Agency admins issue new versions of their rules; old versions stay for their periods."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit.services import COMMAND_ORIGIN, Origin, audit_record
from core.org.models import Position
from core.policies.models import Policy, PolicyKind
from core.policies.selectors import policy_in_force


def delegation_rules_update(*, final_positions: dict[str, str], effective_from: date, actor,
                            origin: Origin = COMMAND_ORIGIN) -> Policy:
    """Issue a new version of 위임전결규정: document type → the position giving final approval."""
    current = policy_in_force(kind=PolicyKind.DELEGATION, on=effective_from)
    if current is None:
        raise ValidationError(_("적용 중인 위임전결규정이 없습니다."))
    known = set(Position.objects.values_list("code", flat=True))
    unknown = sorted(set(final_positions.values()) - known)
    if unknown:
        raise ValidationError(_("알 수 없는 직위입니다: %(codes)s") % {"codes": ", ".join(unknown)})
    rules = [{**rule, "final_position": final_positions.get(rule["document_type"],
                                                             rule["final_position"])}
             for rule in current.data["rules"]]
    with transaction.atomic():
        if Policy.objects.filter(kind=PolicyKind.DELEGATION,
                                 effective_from=effective_from).exists():
            raise ValidationError({"effective_from": _(
                "같은 날짜에 시작하는 규정이 이미 있습니다. 다른 시작일을 고르세요.")})
        policy = Policy.objects.create(
            kind=PolicyKind.DELEGATION, effective_from=effective_from, data={"rules": rules},
            source=current.source, standard_model_version=current.standard_model_version)
        audit_record(actor=actor, action="policies.delegation_updated", target=policy,
                     origin=origin, changes={"rules": [current.data["rules"], rules]})
    return policy
