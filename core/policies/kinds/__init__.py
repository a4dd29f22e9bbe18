"""The registry of agency rule kinds. A kind is declared once, here; rows of any kind live
in the one ``Policy`` table (its ``kind`` column is validated against this registry, not
against database choices), so adding a kind needs no migration in any agency schema.

Later kinds (customer case types and survey, indicator definitions) subclass ``RuleKind``
and call ``register``."""

from core.policies.kinds.base import Bound, Item, RuleKind, Shape, Table, Value
from core.policies.kinds.customers import CaseTypesKind
from core.policies.kinds.evaluation import (
    MultiRaterKind,
    PerformanceContractKind,
    ServiceRatingKind,
)
from core.policies.kinds.rewards import BonusKind, PromotionKind
from core.policies.kinds.surveys import SurveyKind
from core.policies.kinds.workflow import (
    AbsenceRegistrarsKind,
    ApprovalLinesKind,
    DelegationKind,
    TransparencyKind,
)

KINDS: dict[str, RuleKind] = {}


def register(kind: RuleKind) -> RuleKind:
    KINDS[kind.code] = kind
    return kind


for _kind in (
    ServiceRatingKind,
    PerformanceContractKind,
    MultiRaterKind,
    BonusKind,
    PromotionKind,
    DelegationKind,
    ApprovalLinesKind,
    TransparencyKind,
    AbsenceRegistrarsKind,
    CaseTypesKind,
    SurveyKind,
):
    register(_kind())


def kind_get(code: str) -> RuleKind | None:
    return KINDS.get(code)


__all__ = ["KINDS", "Bound", "Item", "RuleKind", "Shape", "Table", "Value", "kind_get", "register"]
