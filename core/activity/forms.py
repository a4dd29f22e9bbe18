"""Forms of activity records, the performance card and reports: they parse input; the
services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.activity.models import EvidenceType, RecordKind, RecordStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("날짜를 YYYY-MM-DD 형식으로 입력하세요.")}


class PeriodForm(forms.Form):
    """A period and the list's filters (all optional)."""

    since = forms.DateField(label=_("시작일"), required=False, widget=DATE,
                            error_messages=DATE_ERRORS)
    until = forms.DateField(label=_("종료일"), required=False, widget=DATE,
                            error_messages=DATE_ERRORS)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("기간의 끝이 시작보다 빠릅니다."))
        return data


class RecordFilterForm(PeriodForm):
    kind = forms.ChoiceField(label=_("구분"), required=False,
                             choices=[("", _("전체")), *RecordKind.choices])
    status = forms.ChoiceField(label=_("상태"), required=False,
                               choices=[("", _("전체")), *RecordStatus.choices])


class RecordForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=200,
                            error_messages={"required": _("제목을 입력하세요.")})
    description = forms.CharField(label=_("내용"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    occurred_on = forms.DateField(label=_("실적일"), widget=DATE,
                                  error_messages={**DATE_ERRORS,
                                                  "required": _("날짜를 입력하세요.")})
    evidence_type = forms.ChoiceField(label=_("연결할 증빙 자료"), required=False,
                                      choices=[("", _("연결하지 않음")), *EvidenceType.choices])
    evidence_id = forms.CharField(
        label=_("증빙 자료 번호"), required=False, max_length=20,
        help_text=_("문서·과제·메모보고·지시사항·민원의 주소에 있는 번호"))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("반려 사유"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("반려 사유를 입력하세요.")})


class CardEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("구분"), choices=())
    title = forms.CharField(label=_("제목"), max_length=200,
                            error_messages={"required": _("제목을 입력하세요.")})
    body = forms.CharField(label=_("내용"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("내용을 입력하세요.")})
    occurred_on = forms.DateField(label=_("기준일"), widget=DATE,
                                  error_messages={**DATE_ERRORS,
                                                  "required": _("날짜를 입력하세요.")})

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)


class CardEntryEditForm(CardEntryForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
