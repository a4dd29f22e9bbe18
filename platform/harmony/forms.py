"""How every form renders (issue 12 §3, KRDS form components): labels without Django's ":"
suffix, no "---------" in selects (a Korean empty choice that says what it means), errors
under the field they concern (Django marks the field aria-invalid and points its
aria-describedby at the error list), checkboxes beside their labels. One renderer
(FORM_RENDERER), so ours and allauth's forms alike follow it without per-form code."""

from pathlib import Path

import django.forms
from django.conf import settings
from django.forms import BoundField, ChoiceField, ModelChoiceField
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

DASHES = "---------"


def meaningful_empty_choice(field: django.forms.Field) -> None:
    """Replace Django's dashed empty choice with 선택하세요 (required) or 선택 안 함."""
    label = _("선택하세요") if field.required else _("선택 안 함")
    if isinstance(field, ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = label
    elif isinstance(field, ChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] in ("", None) and choices[0][1] == DASHES:
            field.choices = [("", label), *choices[1:]]


class HarmonyBoundField(BoundField):
    def __init__(self, form, field, name):
        meaningful_empty_choice(field)  # the form's own copy of the field
        super().__init__(form, field, name)

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        if label_suffix is None and self.field.label_suffix is None:
            label_suffix = ""  # KRDS: a label is not a sentence ending in ":"
        return super().label_tag(contents, attrs, label_suffix, tag)


class HarmonyFormRenderer(DjangoTemplates):
    """Django's template renderer, with frontend/templates/django/forms/ overriding its
    templates, and HarmonyBoundField for every field."""

    bound_field_class = HarmonyBoundField

    @cached_property
    def engine(self):
        return self.backend({
            "APP_DIRS": True,
            "DIRS": [settings.FRONTEND_DIR / "templates",
                     Path(django.forms.__file__).parent / "templates"],
            "NAME": "djangoforms",
            "OPTIONS": {},
        })
