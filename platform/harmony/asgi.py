import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")
django_application = get_asgi_application()

from harmony.admission import AdmissionLimit, request_limit  # noqa: E402  (needs Django set up)
from harmony.warm import warm_up  # noqa: E402

# A worker starts taking requests once this module is imported: import the views first, so a
# worker started again after a crash does not make its first requests wait for them.
warm_up()
application = AdmissionLimit(django_application, limit=request_limit())
