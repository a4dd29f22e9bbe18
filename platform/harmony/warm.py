"""Load what every request needs before a server process takes its first one.

Django imports the URLconfs (and with them every view module: the PDF renderer, the XLSX
reader, the API schema …) and compiles templates on first use. Under load that took the first
request of a fresh uvicorn worker 3–6 s, and when a worker dies, uvicorn's new one takes
requests at once: doing it at start-up keeps that wait out of any request."""

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver


def warm_up() -> None:
    for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
        get_resolver(urlconf).url_patterns  # noqa: B018  (imports the views)
        get_resolver(urlconf).reverse_dict  # noqa: B018  (builds the lookup tables)
    get_template("base.html")
