"""Error pages that fit the caller: JSON ``{"detail": …}`` under /api/ (a program reads it),
the HTML pages everywhere else. Django's URL conf points its handler400/403/404/500 here, so a
path no route matches (/api/v1/documents/abc/) or an uncaught error answers the API's way."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def refuse(request: HttpRequest, detail: str) -> HttpResponse:
    """Answer 400 with ``detail``. The HTML page is rendered without the request: no context
    processor runs on input already known to be hostile."""
    if is_api(request):
        return api_error(400, detail)
    return HttpResponseBadRequest(render_to_string("400.html", {"detail": detail}))


def bad_request(request, exception=None):
    return refuse(request, _("요청을 처리할 수 없습니다. 입력한 값을 확인하세요."))


def permission_denied(request, exception=None):
    if is_api(request):
        return api_error(403, _("이 작업을 할 권한이 없습니다."))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if is_api(request):
        return api_error(404, _("찾을 수 없습니다."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return api_error(500, _("일시적인 오류가 발생했습니다. 잠시 후 다시 시도하세요."))
    return defaults.server_error(request)
