import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")
django_application = get_asgi_application()

from harmony.admission import AdmissionLimit, request_limit  # noqa: E402  (needs Django set up)

application = AdmissionLimit(django_application, limit=request_limit())
