"""Plain-text e-mails carry names as typed; HTML pages still escape them."""

import pytest
from django.core import mail
from django.template import engines
from django.template.loader import render_to_string

from tests.factories import onboard_agency

NAME = "R&D <혁신> '본부' \"팀\""
LOCMEM = [{
    "BACKEND": "harmony.templating.HarmonyTemplates",
    "NAME": "django",
    "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {
        "app/email/note_message.txt": "{{ name }}",
        "email/note_subject.txt": "{{ name }}",
        "app/page.html": "{{ name }}",
        "app/messages/flash.txt": "{{ name }}",
    })]},
}]


@pytest.mark.parametrize("template", ["app/email/note_message.txt", "email/note_subject.txt"])
def test_an_email_text_template_renders_without_html_escaping(settings, template):
    settings.TEMPLATES = LOCMEM
    assert render_to_string(template, {"name": NAME}) == NAME


@pytest.mark.parametrize("template", ["app/page.html", "app/messages/flash.txt"])
def test_other_templates_keep_escaping(settings, template):
    settings.TEMPLATES = LOCMEM
    assert render_to_string(template, {"name": NAME}) == (
        "R&amp;D &lt;혁신&gt; &#x27;본부&#x27; &quot;팀&quot;")


def test_the_invitation_names_the_agency_as_typed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        onboard_agency("gamma", code="1000003", name_ko=NAME)
    (invitation,) = mail.outbox
    assert invitation.subject.startswith(f"[하모니] {NAME} 관리자 계정")
    assert invitation.body.startswith(f"{NAME}이 하모니에 등록되었습니다.")
    assert "&lt;" not in invitation.body and "&amp;" not in invitation.body


def test_the_engine_keeps_the_name_other_libraries_look_it_up_by():
    assert engines["django"].from_string("{{ x }}").render({"x": "<"}) == "&lt;"
