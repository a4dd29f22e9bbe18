"""What every kind of agency rule declares once: a typed shape (a pydantic model), the checks
against the legal bounds of the standard model, a readable rendering, the earliest start of
a new version, and optionally a preview.

Labels in the shapes are Korean source strings marked for translation (``gettext_noop``) and
translated where they are shown."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, get_args, get_origin

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as ShapeError

from tenants.standard_models import (
    latest_standard_model_version,
    load_standard_model,
    standard_model_versions,
    version_key,
)


class Shape(BaseModel):
    """A rule's data, or one row of it. Unknown keys are kept out (``forbid``) so a typo in
    an API draft is refused instead of silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Bound:
    """A legal bound: its value and where it comes from (law or guideline)."""

    code: str
    value: Decimal
    source: str
    version: str

    def __str__(self) -> str:
        return f"{self.value.normalize():f}"


@dataclass(frozen=True)
class Value:
    """One labelled value of a rule as the page shows it."""

    key: str
    label: str
    value: str
    is_table = False


@dataclass(frozen=True)
class Table:
    key: str
    label: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    is_table = True


Item = Value | Table


def _title(info, name: str) -> str:
    return _(info.title) if info and info.title else name


def _text(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("예") if value else _("아니요")
    if isinstance(value, Decimal):
        value = f"{value.normalize():f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value) or "—"
    return f"{value}{unit}"


def _unit(info) -> str:
    extra = (info.json_schema_extra or {}) if info else {}
    return extra.get("unit", "")


def _row_model(annotation) -> type[Shape] | None:
    if get_origin(annotation) is list:
        (inner,) = get_args(annotation) or (None,)
        if isinstance(inner, type) and issubclass(inner, Shape):
            return inner
    return None


def _is_model(annotation) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Shape)


class RuleKind:
    """Subclasses set ``code``, ``label``, ``shape``; override ``check`` for the bounds and
    ``display`` to show codes by name."""

    code: ClassVar[str]
    label: ClassVar[str]  # Korean, marked with gettext_noop
    shape: ClassVar[type[Shape]]
    # Bound code → what it limits, as the page names it.
    bound_labels: ClassVar[dict[str, str]] = {}
    # A hand-written editor for shapes the generic form cannot edit (URL name), if any.
    editor_url: ClassVar[str | None] = None
    has_preview: ClassVar[bool] = False
    # The data an agency without a version of its own follows (kinds the standard model
    # does not carry).
    default: ClassVar[dict | None] = None
    # The button that takes a newer standard model's value (%(version)s).
    take_label: ClassVar[str] = gettext_noop("표준모델 %(version)s의 새 값 받기")

    # --- reading ------------------------------------------------------------------------

    def parse(self, data: Any) -> Shape:
        """Read ``data`` into the kind's shape; Korean messages naming the field otherwise."""
        try:
            return self.shape.model_validate(data)
        except ShapeError as error:
            raise ValidationError([self._shape_message(e) for e in error.errors()]) from None

    def _shape_message(self, error: dict) -> str:
        where = " · ".join(self._loc_label(error["loc"])) or _(str(self.label))
        ctx = error.get("ctx") or {}
        messages = {
            "missing": _("값을 입력하세요."),
            "extra_forbidden": _("알 수 없는 항목입니다."),
            "int_parsing": _("정수를 입력하세요."),
            "int_from_float": _("정수를 입력하세요."),
            "int_type": _("정수를 입력하세요."),
            "decimal_parsing": _("숫자를 입력하세요."),
            "decimal_type": _("숫자를 입력하세요."),
            "literal_error": _("허용되지 않는 값입니다."),
            "string_pattern_mismatch": _("형식이 맞지 않습니다."),
            "too_short": _("항목이 너무 적습니다."),
            "too_long": _("항목이 너무 많습니다."),
            "greater_than_equal": _("%(limit)s 이상이어야 합니다.") % {"limit": ctx.get("ge")},
            "less_than_equal": _("%(limit)s 이하여야 합니다.") % {"limit": ctx.get("le")},
            "string_too_short": _("값을 입력하세요."),
        }
        return f"{where}: {messages.get(error['type'], _('올바른 값이 아닙니다.'))}"

    def _loc_label(self, loc: tuple) -> list[str]:
        labels, model = [], self.shape
        for part in loc:
            if isinstance(part, int):
                labels.append(_("%(n)s번째") % {"n": part + 1})
                continue
            info = model.model_fields.get(part) if model else None
            labels.append(_title(info, str(part)))
            annotation = info.annotation if info else None
            model = _row_model(annotation) or (annotation if _is_model(annotation) else None)
        return labels

    # --- bounds -------------------------------------------------------------------------

    def bounds(self, version: str | None = None) -> dict[str, Bound]:
        """The legal bounds of the standard model's ``version`` (the latest published by
        default: central staff tighten or widen them by publishing a new version)."""
        version = version or latest_standard_model_version()
        rows = load_standard_model(version).get("bounds", {}).get(self.code, {})
        return {
            code: Bound(code, Decimal(str(row["value"])), row["source"], version)
            for code, row in rows.items()
        }

    def check(self, rule: Shape, bounds: dict[str, Bound]) -> list[str]:
        """Messages for each bound ``rule`` breaks; none by default."""
        return []

    def validate(self, data: Any, bounds: dict[str, Bound] | None = None) -> Shape:
        """The rule as its shape, within the bounds; ValidationError with every message."""
        rule = self.parse(data)
        problems = self.check(rule, self.bounds() if bounds is None else bounds)
        if problems:
            raise ValidationError(problems)
        return rule

    @staticmethod
    def broken(message: str, bound: Bound) -> str:
        """A bound's refusal: the message, then the source ("… — 공무원 성과평가 등에 관한
        규정")."""
        return f"{message.rstrip('.')} — {bound.source}"

    # --- dates --------------------------------------------------------------------------

    def earliest_effective(self, today: date) -> date:
        return today

    def start_refusal(self, start: date, today: date) -> str | None:
        """Why a new version cannot start on ``start``, or None."""
        earliest = self.earliest_effective(today)
        if start >= earliest:
            return None
        if earliest == today:
            return _(
                "지난 날짜부터 적용할 수 없습니다. 이미 지난 기간의 결과가 바뀌지 않도록 "
                "새 버전은 오늘(%(today)s) 이후부터 적용됩니다."
            ) % {"today": today.isoformat()}
        return self.late_start_reason(earliest)

    def late_start_reason(self, earliest: date) -> str:
        return _("%(date)s 이후부터 적용할 수 있습니다.") % {"date": earliest.isoformat()}

    # --- rendering ----------------------------------------------------------------------

    def display(self, path: str, value: Any) -> Any:
        """The value as people read it (names for codes); ``path`` names the field, e.g.
        ``rules.final_position``."""
        return value

    def describe(self, rule: Shape) -> list[Item]:
        """Labelled values and tables, in the shape's field order."""
        items: list[Item] = []
        for name, info in type(rule).model_fields.items():
            value = getattr(rule, name)
            label = _title(info, name)
            row = _row_model(info.annotation)
            if row is not None:
                columns = [
                    (n, i)
                    for n, i in row.model_fields.items()
                    if not (i.json_schema_extra or {}).get("internal")
                ]
                items.append(
                    Table(
                        name,
                        label,
                        [_title(i, n) for n, i in columns],
                        [
                            [
                                _text(self.display(f"{name}.{n}", getattr(entry, n)), _unit(i))
                                for n, i in columns
                            ]
                            for entry in value
                        ],
                    )
                )
            elif _is_model(info.annotation):
                for sub, sub_info in type(value).model_fields.items():
                    items.append(
                        Value(
                            f"{name}.{sub}",
                            f"{label} · {_title(sub_info, sub)}",
                            _text(
                                self.display(f"{name}.{sub}", getattr(value, sub)), _unit(sub_info)
                            ),
                        )
                    )
            elif isinstance(value, dict):
                items.append(
                    Table(
                        name,
                        label,
                        [_("구분"), _("값")],
                        [
                            [_text(self.display(f"{name}.key", k)), _text(v, _unit(info))]
                            for k, v in value.items()
                        ],
                    )
                )
            else:
                items.append(Value(name, label, _text(self.display(name, value), _unit(info))))
        return items

    def standard_merge(self, current: dict | None, standard: dict) -> dict:
        """The draft a newer standard model's value gives, from the agency's ``current``
        data: the standard model's value (kinds may keep the agency's own choices)."""
        return standard

    def standard_default(self, version: str | None = None) -> tuple[dict | None, str, str]:
        """(data, source, version) of the standard model's value for this kind, the latest
        version carrying it at or before ``version``; the kind's own default otherwise."""
        versions = [v for v in standard_model_versions()
                    if version is None or version_key(v) <= version_key(version)]
        for candidate in reversed(versions):
            for row in load_standard_model(candidate)["policies"]:
                if row["kind"] == self.code:
                    return row["data"], row["source"], candidate
        return self.default, "", ""
