"""Plain-text e-mails are plain: templates under an ``email/`` folder ending in ``.txt`` (ours
and allauth's) render without HTML autoescaping, so a name like "R&D <팀>" arrives as typed
instead of as "R&amp;D &lt;팀&gt;". One rule in the engine, so a new e-mail template cannot
forget ``{% autoescape off %}``. HTML templates, and allauth's .txt flash messages (which it
unescapes itself and the page escapes again), keep autoescaping."""

from django.template.backends.django import DjangoTemplates, Template, reraise
from django.template.context import make_context
from django.template.exceptions import TemplateDoesNotExist


def is_plain_text_email(template_name: str) -> bool:
    return template_name.endswith(".txt") and (
        template_name.startswith("email/") or "/email/" in template_name)


class PlainTextEmailTemplate(Template):
    def render(self, context=None, request=None):
        context = make_context(context, request, autoescape=False)
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            reraise(exc, self.backend)


class HarmonyTemplates(DjangoTemplates):
    def get_template(self, template_name):
        template = super().get_template(template_name)
        if is_plain_text_email(template_name):
            return PlainTextEmailTemplate(template.template, self)
        return template
