"""Korean first: the language is Korean unless the person chose English with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language; a Korean government
portal opens in Korean for everyone and remembers an explicit choice in the language cookie."""

from django.conf import settings
from django.utils import translation


class KoreanFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the thread goes back to its language after the request,
        # so nothing run later in the same thread inherits this person's choice.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
