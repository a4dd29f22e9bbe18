"""Performance API (read): cycles, goals with their indicators, and attainment now — every
object through the access helpers of core/performance/selectors.py."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.org.models import Person
from core.performance import selectors
from core.performance.models import Cycle, Goal, Indicator
from core.portal.api import ScopedViewSet
from core.portal.params import digits_to_int


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cycle
        fields = ["id", "scheme", "name", "starts_on", "ends_on", "base_date", "snapshot_on",
                  "status", "scheme_rule_id", "definitions"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "name", "source", "code", "weight", "target", "direction",
                  "unit_label", "value"]


class GoalSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "cycle", "level", "unit", "person", "parent", "title", "weight",
                  "indicators"]


class IndicatorNowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="indicator.id")
    name = serializers.CharField(source="indicator.name")
    target = serializers.DecimalField(source="indicator.target", max_digits=14,
                                      decimal_places=2)
    value = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    attainment = serializers.DecimalField(max_digits=6, decimal_places=2)


class GoalNowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="goal.id")
    title = serializers.CharField(source="goal.title")
    weight = serializers.IntegerField(source="goal.weight")
    attainment = serializers.DecimalField(max_digits=6, decimal_places=2)
    indicators = IndicatorNowSerializer(many=True)


class AttainmentSerializer(serializers.Serializer):
    attainment = serializers.DecimalField(max_digits=6, decimal_places=2)
    weight_total = serializers.IntegerField()
    goals = GoalNowSerializer(many=True)


class MemberNowSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="member.person_id")
    name = serializers.CharField(source="member.person.name")
    attainment = serializers.DecimalField(source="now.attainment", max_digits=6,
                                          decimal_places=2)
    weight_total = serializers.IntegerField(source="now.weight_total")


class UnitAttainmentSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.unit_id")
    name = serializers.CharField(source="unit.name")
    now = AttainmentSerializer()
    members = MemberNowSerializer(many=True)


class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.none()

    def scoped_queryset(self, person: Person):
        return selectors.cycles_visible_to(person)

    @extend_schema(parameters=[OpenApiParameter("person", int), OpenApiParameter("unit", int)],
                   responses={200: AttainmentSerializer})
    @action(detail=True)
    def attainment(self, request, pk=None):
        """A person's attainment now (``person``, the caller's own by default), or a unit's
        with each member's (``unit``: units the caller heads; HR sees every unit)."""
        cycle, viewer = self.scoped_object(pk), self.member()
        if "unit" in request.query_params:
            unit = selectors.units_headed(viewer, cycle).filter(
                unit_id=digits_to_int(request.query_params["unit"]) or 0).first()
            if unit is None:
                raise NotFound
            return Response(UnitAttainmentSerializer(selectors.unit_board(cycle, unit)).data)
        person_id = digits_to_int(request.query_params.get("person", "")) or viewer.pk
        if not selectors.may_see_person(viewer, cycle, person_id):
            raise NotFound
        return Response(AttainmentSerializer(selectors.person_now(cycle, person_id)).data)


class GoalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = GoalSerializer
    queryset = Goal.objects.none()

    def scoped_queryset(self, person: Person):
        goals = selectors.goals_visible_to(person).order_by("cycle_id", "level", "sort_order",
                                                             "id")
        params = self.request.query_params
        for name in ("cycle", "person", "unit"):
            if name in params:
                goals = goals.filter(**{f"{name}_id": digits_to_int(params[name]) or 0})
        if params.get("level"):
            goals = goals.filter(level=params["level"][:10])
        return goals

    @extend_schema(parameters=[OpenApiParameter("cycle", int), OpenApiParameter("person", int),
                               OpenApiParameter("unit", int), OpenApiParameter(
                                   "level", str, enum=["agency", "unit", "person"])])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
