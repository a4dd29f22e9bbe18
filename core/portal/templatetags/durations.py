"""How long something waited, as officials say it: "2일 3시간", "45분", "1분 미만"."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        return _("1분 미만")
    days, rest = divmod(minutes, 60 * 24)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d일 %(h)d시간") % {"d": days, "h": hours} if hours else _(
            "%(d)d일") % {"d": days}
    if hours:
        return _("%(h)d시간 %(m)d분") % {"h": hours, "m": minutes} if minutes else _(
            "%(h)d시간") % {"h": hours}
    return _("%(m)d분") % {"m": minutes}
