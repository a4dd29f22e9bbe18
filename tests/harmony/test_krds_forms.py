"""Forms the KRDS way and Korean that reads well (issue 12 §3): no ":" after labels, no
"---------", errors under the field they concern with the field marked, radio groups in a
fieldset, checkboxes before their labels, and our wording over the libraries' stock Korean."""

import re

from django import forms
from django.utils import translation

from tests.conftest import agency_client
from tests.factories import PASSWORD


class _Sample(forms.Form):
    title = forms.CharField(label="제목", max_length=5, help_text="짧게 쓰세요")
    kind = forms.ChoiceField(label="유형", choices=[("", "---------"), ("a", "보고")],
                             required=False)
    decision = forms.ChoiceField(label="처리", widget=forms.RadioSelect,
                                 choices=[("approve", "승인"), ("return", "반려")])
    agree = forms.BooleanField(label="동의합니다")


def _render(data) -> str:
    with translation.override("ko"):
        form = _Sample(data=data)
        form.is_valid()
        return form.as_p()


def test_labels_carry_no_colon_and_selects_no_dashes():
    html = _render({})
    assert '<label for="id_title">제목</label>' in html
    assert ":</label>" not in html and "---------" not in html
    assert '<option value="" selected>선택 안 함</option>' in html


def test_an_error_sits_under_its_field_which_is_marked_and_points_at_it():
    html = _render({"title": "너무 긴 제목입니다"})
    field = re.search(r'<input type="text" name="title"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_title_helptext id_title_error"' in field
    error = '<ul class="errorlist" id="id_title_error"><li>5자 이내로 입력하세요 (지금 10자).</li>'
    assert error in html and html.index(field) < html.index(error)


def test_radio_groups_are_fieldsets_and_checkboxes_stand_before_their_labels():
    html = _render({})
    assert re.search(r'<fieldset class="hm-fieldset"[^>]*>\s*<legend>처리</legend>', html)
    assert ('<div class="krds-form-check"><input type="radio" name="decision" value="approve"'
            in html)
    assert re.search(r'<div class="krds-form-check"><input type="checkbox" name="agree"[^>]*>'
                     r'<label for="id_agree">동의합니다</label></div>', html)


def test_the_approval_action_form_offers_approve_return_hold_as_a_radio_group():
    from core.approvals.forms import ActForm

    with translation.override("ko"):
        html = ActForm().as_p()
    assert "<legend>처리</legend>" in html
    for label in ("승인", "반려", "보류"):
        radio = rf'<input type="radio"[^>]*>\s*<label for="id_decision_\d">{label}</label>'
        assert re.search(radio, html)


def test_the_sign_in_page_says_keep_me_signed_in_and_asks_once_about_the_password(alpha):
    page = agency_client("alpha").get("/accounts/login/").content.decode()
    assert "로그인 유지" in page and "아이디 저장" not in page
    assert page.count("비밀번호를 잊으셨나요?") == 1
    assert ":</label>" not in page


def test_signing_in_reads_naturally(alpha_people):
    client = agency_client("alpha")
    response = client.post("/accounts/login/", {"login": alpha_people.staff.user.email,
                                                "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert "로그인했습니다" in page and "으로 로그인 되었습니다" not in page


def test_django_length_and_choice_messages_read_as_korean_sentences():
    with translation.override("ko"):
        field = forms.CharField(max_length=200)
        try:
            field.clean("가" * 201)
        except forms.ValidationError as error:
            assert error.messages == ["200자 이내로 입력하세요 (지금 201자)."]
        choice = forms.ChoiceField(choices=[("a", "가")])
        try:
            choice.clean("z")
        except forms.ValidationError as error:
            assert error.messages == ["목록에 있는 값 중에서 고르세요 (입력값: z)."]


def test_confirmation_asks_in_a_krds_dialog_not_the_browser_confirm():
    from django.contrib.staticfiles import finders

    script = open(finders.find("harmony/confirm.js"), encoding="utf-8").read()
    assert "window.confirm" not in script
    assert 'createElement("dialog")' in script and "krds-modal" in script
    assert "showModal()" in script and "htmx:confirm" in script
