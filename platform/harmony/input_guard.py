"""Refuse a NUL byte anywhere in a request's path, query string or form fields, once for every
view: PostgreSQL cannot store or compare text holding one, so it reached the database as a
500 (search boxes, filters, the unauthenticated calendar feed's token). No legitimate input
carries a NUL, so the whole request is answered 400 before any view runs."""

from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from harmony.errors import refuse

NUL = "\x00"


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = carries_nul(request)
        except MultiPartParserError:
            return refuse(request, _("요청 본문을 읽을 수 없습니다."))
        if refused:
            return refuse(request, _("요청에 허용되지 않는 문자(NUL)가 들어 있습니다."))
        return self.get_response(request)


def carries_nul(request: HttpRequest) -> bool:
    if NUL in request.path:
        return True
    fields = [request.GET]
    # request.POST holds form bodies only; JSON reaches DRF, whose CharField refuses NUL.
    if request.method == "POST":
        fields.append(request.POST)
        names = [upload.name or "" for _, uploads in request.FILES.lists() for upload in uploads]
        if any(NUL in name for name in names):
            return True
    return any(NUL in key or any(NUL in value for value in values)
               for data in fields for key, values in data.lists())
