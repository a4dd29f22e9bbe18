"""The API reaches its objects only through each type's access helper: every viewset is a
ScopedViewSet, which fails closed (issue 13 §1)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIRequestFactory

from core.approvals.models import Document
from core.portal.api import ScopedViewSet
from harmony.urls_api import router
from tests.conftest import agency_client


def test_every_api_viewset_is_scoped():
    unscoped = [prefix for prefix, viewset, _basename in router.registry
                if not issubclass(viewset, ScopedViewSet)
                or viewset.scoped_queryset is ScopedViewSet.scoped_queryset]
    assert unscoped == []


def test_a_class_queryset_with_rows_is_refused_when_the_class_is_defined():
    with pytest.raises(ImproperlyConfigured, match="bypass scoping"):
        type("Leaky", (ScopedViewSet,), {"queryset": Document.objects.all()})


def test_overriding_get_queryset_is_refused_when_the_class_is_defined():
    with pytest.raises(ImproperlyConfigured, match="scoped_queryset"):
        type("Sidestep", (ScopedViewSet,), {"get_queryset": lambda self: None})


def test_a_viewset_that_forgets_scoped_queryset_fails_closed(alpha_people):
    forgetful = type("Forgetful", (ScopedViewSet,), {"queryset": Document.objects.none()})
    view = forgetful()
    view._scoped_person = alpha_people.staff
    view.request = APIRequestFactory().get("/")

    with pytest.raises(NotImplementedError, match="scoped_queryset"):
        view.get_queryset()


def test_a_non_numeric_id_is_not_found(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    for path in ("/api/v1/documents/abc/", "/api/v1/tasks/abc/", "/api/v1/memos/1x/"):
        assert client.get(path).status_code == 404
