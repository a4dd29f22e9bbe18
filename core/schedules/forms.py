"""The entry form: a title and a day are enough; the rest has sensible defaults, because
schedules must cost almost no effort (업무관리 §2, the 2005 pilot's lesson)."""

from datetime import datetime, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from core.schedules.models import KST, Entry, Scope
from core.schedules.selectors import day_start

DEFAULT_LENGTH = timedelta(hours=1)


class EntryForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=200,
                            error_messages={"required": _("제목을 입력하세요.")})
    start_date = forms.DateField(label=_("시작일"),
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 error_messages={"required": _("시작일을 입력하세요.")})
    start_time = forms.TimeField(label=_("시작 시각"), required=False,
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_date = forms.DateField(label=_("종료일"), required=False,
                               help_text=_("비워 두면 시작일과 같은 날로 합니다."),
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end_time = forms.TimeField(label=_("종료 시각"), required=False,
                               help_text=_("비워 두면 시작 후 1시간으로 합니다."),
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    all_day = forms.BooleanField(label=_("하루 종일"), required=False)
    location = forms.CharField(label=_("장소"), max_length=200, required=False)
    note = forms.CharField(label=_("메모"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    scope = forms.ChoiceField(label=_("구분"), choices=Scope.choices, initial=Scope.PERSONAL,
                              error_messages={"required": _("구분을 선택하세요.")})
    is_key = forms.BooleanField(
        label=_("주요일정"), required=False,
        help_text=_("개인 일정을 주요일정으로 표시하면 같은 부서 직원도 볼 수 있습니다."))

    def __init__(self, *args, scopes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes

    @classmethod
    def initial_for(cls, entry: Entry) -> dict:
        start, end = entry.starts_at.astimezone(KST), entry.ends_at.astimezone(KST)
        return {"title": entry.title, "all_day": entry.all_day, "location": entry.location,
                "note": entry.note, "scope": entry.scope, "is_key": entry.is_key,
                "start_date": start.date(), "end_date": entry.last_day,
                "start_time": None if entry.all_day else start.time(),
                "end_time": None if entry.all_day else end.time()}

    def clean(self):
        data = super().clean()
        start_date = data.get("start_date")
        if start_date is None or self.errors:
            return data
        end_date = data.get("end_date") or start_date
        if data.get("all_day"):
            if end_date < start_date:
                self.add_error("end_date", _("종료일은 시작일과 같거나 뒤여야 합니다."))
                return data
            data["starts_at"] = day_start(start_date)
            data["ends_at"] = day_start(end_date + timedelta(days=1))
            return data
        if data.get("start_time") is None:
            self.add_error("start_time", _("시작 시각을 입력하거나 '하루 종일'을 고르세요."))
            return data
        data["starts_at"] = datetime.combine(start_date, data["start_time"], tzinfo=KST)
        end_time = data.get("end_time")
        data["ends_at"] = (datetime.combine(end_date, end_time, tzinfo=KST) if end_time
                           else datetime.combine(end_date, data["start_time"], tzinfo=KST)
                           + DEFAULT_LENGTH)
        if data["ends_at"] <= data["starts_at"]:
            self.add_error("end_time", _("종료 일시는 시작 일시보다 뒤여야 합니다."))
        return data

    def entry_fields(self) -> dict:
        """Return the cleaned values as the keyword arguments the services take."""
        names = ("title", "starts_at", "ends_at", "all_day", "location", "note", "scope",
                 "is_key")
        return {name: self.cleaned_data[name] for name in names}
