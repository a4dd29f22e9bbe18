"""The API's one way to its objects: every viewset is a ``ScopedViewSet`` and gets its objects
only through its object type's access helper, so a new endpoint cannot forget scoping (the
shape of PostHog's ``safely_get_queryset``)."""

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, PermissionDenied

from core.org.models import Person
from core.portal.params import digits_to_int


# A viewset whose ``get_queryset`` is ``scoped_queryset(person)`` for the signed-in, active
# agency person, and nothing else. Fails closed: a subclass that does not implement
# ``scoped_queryset`` raises on its first request; one that declares a class ``queryset``
# with rows or overrides ``get_queryset`` is refused when the class is defined.
# ``queryset = Model.objects.none()`` may name the model for the API schema: it holds no rows.
# (No docstring: the API schema would show it as every subclass's description.)
class ScopedViewSet(viewsets.GenericViewSet):
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise ImproperlyConfigured(
                f"{cls.__name__}: implement scoped_queryset(person), not get_queryset().")
        declared = cls.__dict__.get("queryset")
        if declared is not None and not declared.query.is_empty():
            raise ImproperlyConfigured(
                f"{cls.__name__}: a class queryset would bypass scoping; use "
                "Model.objects.none() to name the model and scoped_queryset(person) for rows.")

    def scoped_queryset(self, person: Person) -> QuerySet:
        """Return the objects ``person`` may reach, from the object type's access helper."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement scoped_queryset(person) with its object "
            "type's access helper.")

    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset(self.member())

    def person(self) -> Person | None:
        """The signed-in account's person in this agency (looked up once per request)."""
        if not hasattr(self, "_scoped_person"):
            user = self.request.user
            # One query; roles load only when an access helper asks for them (most never do).
            self._scoped_person = (Person.objects.select_related("unit", "grade", "position")
                            .filter(user=user).first() if user.is_authenticated else None)
        return self._scoped_person

    def member(self) -> Person:
        """The signed-in person, refused (403) unless they are an active member."""
        person = self.person()
        if person is None or not person.is_active:
            raise PermissionDenied
        return person

    def scoped_object(self, pk, queryset: QuerySet | None = None) -> Model:
        """The object with primary key ``pk`` among the scoped ones (``queryset``, when given,
        must be narrowed from ``get_queryset()``), else 404 as if it did not exist."""
        queryset = self.get_queryset() if queryset is None else queryset
        if (object_id := digits_to_int(pk)) is None:
            raise NotFound
        found = queryset.filter(pk=object_id).first()
        if found is None:
            raise NotFound
        return found
