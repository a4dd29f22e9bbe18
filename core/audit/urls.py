from django.urls import path

from core.audit import views
from core.org.selectors import is_agency_admin
from core.portal.access import person_passes

app_name = "audit"
urlpatterns = [path("", person_passes(is_agency_admin)(views.events), name="events")]
