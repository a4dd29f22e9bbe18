"""The generic editor of a rule kind: a form built from the kind's shape (scalar values,
groups of values and tables whose rows are edited in place), its data rebuilt from the posted
values; the kind's ``validate`` then checks shape and bounds. Kinds whose shape this cannot
edit (nested tables) name a hand-written editor (``RuleKind.editor_url``).

Also the side-by-side comparison of two versions as labelled rows."""

import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Union, get_args, get_origin

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.policies.kinds import RuleKind, Table, Value
from core.policies.kinds.base import Shape, _is_model, _row_model, _title

SEP = "__"


def _choices(annotation) -> list | None:
    """The allowed values of a Literal (or an optional Literal), else None."""
    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    if get_origin(annotation) in (Union, type(int | None)):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and get_origin(args[0]) is Literal:
            return [None, *get_args(args[0])]
    return None


def _field_for(kind: RuleKind, path: str, annotation, info, initial) -> forms.Field | None:
    label = _title(info, path)
    choices = _choices(annotation)
    if choices is not None:
        return forms.ChoiceField(
            label=label, required=None not in choices, initial="" if initial is None
            else str(initial), choices=[("", "—") if c is None else
                                        (str(c), str(kind.display(path, c))) for c in choices])
    if annotation is bool:
        return forms.BooleanField(label=label, required=False, initial=initial)
    if annotation is int:
        return forms.IntegerField(label=label, initial=initial)
    if annotation is Decimal:
        return forms.DecimalField(label=label, initial=initial, max_digits=12, decimal_places=4)
    if annotation is str or annotation == str | None:
        return forms.CharField(label=label, initial=initial, required=annotation is str,
                               max_length=200)
    if get_origin(annotation) is list and get_args(annotation)[0] is str:
        return forms.CharField(label=label, initial=", ".join(initial or []), max_length=500,
                               help_text=_("쉼표로 구분해 적으세요."))
    return None


@dataclass
class Section:
    label: str
    fields: list  # bound fields (a group of values) …
    columns: list | None = None  # … or a table: column labels and rows of bound fields
    rows: list | None = None


class RuleForm(forms.Form):
    """Edits ``data`` (the version a draft starts from) of ``kind``."""

    def __init__(self, *args, kind: RuleKind, data: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.base = kind, copy.deepcopy(data)
        self.layout: list[tuple] = []  # ("values", label, [names]) / ("table", label, cols, rows)
        single: list[str] = []
        for name, info in kind.shape.model_fields.items():
            value = data.get(name)
            row = _row_model(info.annotation)
            if row is not None:
                columns = [(n, i) for n, i in row.model_fields.items()
                           if _field_for(kind, n, i.annotation, i, None) is not None]
                rows = []
                for index, entry in enumerate(value or []):
                    names = []
                    for column, column_info in columns:
                        field_name = SEP.join((name, str(index), column))
                        self.fields[field_name] = _field_for(
                            kind, f"{name}.{column}", column_info.annotation, column_info,
                            entry.get(column))
                        self.fields[field_name].label = (
                            f"{_title(info, name)} {index + 1} · {_title(column_info, column)}")
                        names.append(field_name)
                    rows.append(names)
                self.layout.append(("table", _title(info, name),
                                    [_title(i, n) for n, i in columns], rows))
            elif _is_model(info.annotation):
                names = []
                for sub, sub_info in info.annotation.model_fields.items():
                    field_name = SEP.join((name, sub))
                    field = _field_for(kind, f"{name}.{sub}", sub_info.annotation, sub_info,
                                       (value or {}).get(sub))
                    if field is not None:
                        field.label = f"{_title(info, name)} · {field.label}"
                        self.fields[field_name] = field
                        names.append(field_name)
                self.layout.append(("values", _title(info, name), names))
            elif get_origin(info.annotation) is dict:
                names = []
                for key, item in (value or {}).items():
                    field_name = SEP.join((name, "k", key))
                    self.fields[field_name] = forms.IntegerField(
                        label=f"{_title(info, name)} · {key}", initial=item)
                    names.append(field_name)
                if names:
                    self.layout.append(("values", _title(info, name), names))
            else:
                field = _field_for(kind, name, info.annotation, info, value)
                if field is not None:
                    self.fields[name] = field
                    single.append(name)
        if single:
            self.layout.insert(0, ("values", "", single))

    def sections(self) -> list[Section]:
        out = []
        for entry in self.layout:
            if entry[0] == "values":
                out.append(Section(entry[1], [self[n] for n in entry[2]]))
            else:
                out.append(Section(entry[1], [], entry[2],
                                   [[self[n] for n in row] for row in entry[3]]))
        return out

    def rule_data(self) -> dict:
        """The posted values put back into the shape's data (what the form does not edit is
        kept from the version it started from)."""
        data = copy.deepcopy(self.base)
        for name, value in self.cleaned_data.items():
            parts = name.split(SEP)
            info = self.kind.shape.model_fields[parts[0]]
            if len(parts) == 1:
                data[name] = self._value(info.annotation, value)
            elif len(parts) == 2:
                sub = info.annotation.model_fields[parts[1]]
                data.setdefault(parts[0], {})[parts[1]] = self._value(sub.annotation, value)
            elif parts[1] == "k":
                data.setdefault(parts[0], {})[parts[2]] = value
            else:
                column = _row_model(info.annotation).model_fields[parts[2]]
                data[parts[0]][int(parts[1])][parts[2]] = self._value(column.annotation, value)
        return _jsonable(data)

    @staticmethod
    def _value(annotation, value) -> Any:
        choices = _choices(annotation)
        if choices is not None:
            return next((c for c in choices if c is not None and str(c) == value), None)
        if get_origin(annotation) is list:
            return [part.strip() for part in (value or "").split(",") if part.strip()]
        return value


def _jsonable(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else f"{value.normalize():f}"
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class Compared:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _cells(kind: RuleKind, rule: Shape | None) -> dict[str, tuple[str, str]]:
    """key → (label, text) for every value and table cell of ``rule``."""
    cells: dict[str, tuple[str, str]] = {}
    for item in kind.describe(rule) if rule is not None else []:
        if isinstance(item, Value):
            cells[item.key] = (item.label, item.value)
        elif isinstance(item, Table):
            for i, row in enumerate(item.rows):
                for j, (column, text) in enumerate(zip(item.columns, row, strict=False)):
                    # The first column names the row: listed only where it changed.
                    key = f"{item.key}.{i}.{column}" + ("#name" if j == 0 and len(row) > 1
                                                        else "")
                    cells[key] = (f"{item.label} · {row[0] if row else i + 1} · {column}", text)
    return cells


def compare(kind: RuleKind, before: Shape | None, after: Shape | None) -> list[Compared]:
    """The two versions side by side, row by row, in the order of the newer one."""
    old, new = _cells(kind, before), _cells(kind, after)
    keys = list(new) + [k for k in old if k not in new]
    rows = [Compared((new.get(k) or old.get(k))[0], old.get(k, ("", "—"))[1],
                     new.get(k, ("", "—"))[1]) for k in keys]
    return [row for key, row in zip(keys, rows, strict=True)
            if not key.endswith("#name") or row.changed]


class AdoptForm(forms.Form):
    effective_from = forms.DateField(label=gettext_lazy("적용 시작일"),
                                     widget=forms.DateInput(attrs={"type": "date"}))


class EvaluateesForm(forms.Form):
    """Evaluatees for the service-rating preview, one per line: id, unit, score[, parent]."""

    lines = forms.CharField(
        label=gettext_lazy(
            "평가 대상 (한 줄에 한 명: 식별자, 부서 코드 또는 평가단위, 점수[, 상위 단위])"),
        widget=forms.Textarea(attrs={"rows": 12}), max_length=200_000)

    def evaluatees(self) -> list[dict]:
        rows, errors = [], []
        for number, line in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",")]
            if len(parts) < 3 or not parts[0] or not parts[1]:
                errors.append(_("%(n)s번째 줄: 식별자, 부서, 점수를 쉼표로 구분해 적으세요.")
                              % {"n": number})
                continue
            try:
                score = Decimal(parts[2])
            except ArithmeticError:
                errors.append(_("%(n)s번째 줄: 점수는 숫자여야 합니다.") % {"n": number})
                continue
            if not score.is_finite():
                errors.append(_("%(n)s번째 줄: 점수는 숫자여야 합니다.") % {"n": number})
                continue
            rows.append({"id": parts[0], "unit": parts[1], "score": score,
                         "parent": parts[3] if len(parts) > 3 and parts[3] else None})
        ids = [r["id"] for r in rows]
        if len(ids) != len(set(ids)):
            errors.append(_("같은 식별자가 두 번 있습니다."))
        if not rows and not errors:
            errors.append(_("평가 대상을 한 명 이상 적으세요."))
        if errors:
            raise forms.ValidationError(errors)
        return rows
