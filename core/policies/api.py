"""/api/v1/rules/: the agency's rulebook for its admins and HR officers — each kind with the
version in force, drafts and history — and the previews that answer without writing."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from core.audit.services import Origin
from core.org.selectors import can_manage_org, is_agency_admin
from core.policies import services
from core.policies.kinds import kind_get
from core.policies.models import Policy
from core.policies.selectors import draft_get, kind_book, rule_shape, rulebook
from core.portal.api import ScopedViewSet


class RuleVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="판 번호: 결과가 이 번호로 규칙 버전을 기록합니다 "
                                            "(version id results pin)")
    status = serializers.CharField(help_text="draft | adopted")
    effective_from = serializers.DateField(allow_null=True)
    standard_model_version = serializers.CharField()
    source = serializers.CharField()
    data = serializers.JSONField()
    created_at = serializers.DateTimeField()


class RuleBoundSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=12, decimal_places=4, coerce_to_string=False)
    source = serializers.CharField()
    standard_model_version = serializers.CharField()


class RuleKindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    in_force = RuleVersionSerializer(allow_null=True)
    value = serializers.JSONField(help_text="적용 중인 값 (기관 버전이 없으면 기본값)")
    default = serializers.JSONField(allow_null=True, help_text="표준모델 기본값")
    default_version = serializers.CharField()
    bounds = RuleBoundSerializer(many=True)
    drafts = RuleVersionSerializer(many=True)
    history = RuleVersionSerializer(many=True)
    earliest_effective = serializers.DateField()
    has_preview = serializers.BooleanField()
    schema = serializers.JSONField(help_text="JSON Schema of the kind's data")


def _kind_json(book) -> dict:
    kind = book.kind
    default, _source, default_version = kind.standard_default()
    return {
        "kind": kind.code, "label": book.label,
        "in_force": _version(book.in_force) if book.in_force else None,
        "value": book.rule.model_dump(mode="json"), "default": default,
        "default_version": default_version,
        "bounds": [{"code": bound.code, "label": label, "value": bound.value,
                    "source": bound.source, "standard_model_version": bound.version}
                   for label, bound in book.bounds],
        "drafts": [_version(d) for d in book.drafts],
        "history": [_version(p) for p in book.history],
        "earliest_effective": kind.earliest_effective(timezone.localdate()),
        "has_preview": kind.has_preview,
        "schema": kind.shape.model_json_schema(),
    }


def _version(policy: Policy) -> dict:
    return {"id": policy.pk, "status": policy.status, "effective_from": policy.effective_from,
            "standard_model_version": policy.standard_model_version, "source": policy.source,
            "data": policy.data, "created_at": policy.created_at}


class EvaluateeSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=60)
    unit = serializers.CharField(
        max_length=60, help_text="기관 부서 코드(조직도를 따라 합쳐짐) 또는 다른 평가단위 이름")
    score = serializers.DecimalField(max_digits=9, decimal_places=4)
    parent = serializers.CharField(max_length=60, required=False, allow_null=True,
                                   allow_blank=True,
                                   help_text="부서 코드가 아닌 평가단위가 합쳐질 상위 단위")


class ServiceRatingPreviewSerializer(serializers.Serializer):
    evaluatees = EvaluateeSerializer(many=True, allow_empty=False, max_length=50_000)
    draft = serializers.JSONField(
        required=False, allow_null=True,
        help_text="미리 볼 초안: 규칙 데이터(object) 또는 저장된 초안의 번호(integer). "
                  "없으면 적용 중인 버전")

    def validate_evaluatees(self, rows):
        ids = [row["id"] for row in rows]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("같은 id가 두 번 있습니다."))
        return rows


class GradedSerializer(serializers.Serializer):
    id = serializers.CharField()
    grade = serializers.CharField()
    rank = serializers.IntegerField()
    pooled_into = serializers.CharField(allow_null=True)


class PreviewResultSerializer(serializers.Serializer):
    results = GradedSerializer(many=True)
    rule_version = serializers.IntegerField(
        allow_null=True, help_text="쓰인 규칙 버전의 번호 (저장되지 않은 초안이면 null)")


class RuleDraftSerializer(serializers.Serializer):
    data = serializers.JSONField(help_text="규칙 데이터: GET /rules/<kind>/ 의 schema 참조")


PREVIEW_EXAMPLES = [
    OpenApiExample(
        "근무성적평가 미리보기 (service rating preview)", request_only=True,
        value={"evaluatees": [
            {"id": "e1", "unit": "1000001-01", "score": 91.5},
            {"id": "e2", "unit": "1000001-01", "score": 87.5},
            {"id": "e3", "unit": "기획팀", "score": 80, "parent": "1000001-01"}]}),
    OpenApiExample(
        "초안으로 미리보기 (with a draft)", request_only=True,
        value={"draft": 42, "evaluatees": [{"id": "e1", "unit": "기획팀", "score": 87.5}]}),
    OpenApiExample(
        "결과 (outcome)", response_only=True,
        value={"results": [{"id": "e1", "grade": "수", "rank": 1, "pooled_into": None},
                           {"id": "e3", "grade": "우", "rank": 3,
                            "pooled_into": "1000001-01"}], "rule_version": 7}),
]


class RuleViewSet(ScopedViewSet):
    """Agency admins and HR officers read the rulebook and preview; admins save drafts."""

    queryset = Policy.objects.none()
    lookup_field = "kind"
    lookup_value_regex = "[a-z_]{1,40}"
    pagination_class = None
    parser_classes = [JSONParser]

    def scoped_queryset(self, person):
        if not can_manage_org(person):
            raise PermissionDenied
        return Policy.objects.all()

    def _kind(self, code: str):
        self.get_queryset()  # the access check
        kind = kind_get(code)
        if kind is None:
            raise NotFound(_("알 수 없는 규칙 종류입니다."))
        return kind

    def http_method_not_allowed(self, request, *args, **kwargs):
        """An unknown kind is not found, whatever the method."""
        if "kind" in kwargs:
            self._kind(kwargs["kind"])
        return super().http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(responses=RuleKindSerializer(many=True))
    def list(self, request):
        self.get_queryset()
        return Response([_kind_json(b) for b in rulebook(on=timezone.localdate())])

    @extend_schema(responses=RuleKindSerializer)
    def retrieve(self, request, kind=None):
        kind = self._kind(kind)
        return Response(_kind_json(kind_book(kind, on=timezone.localdate())))

    @extend_schema(request=ServiceRatingPreviewSerializer,
                   responses={200: PreviewResultSerializer},
                   examples=PREVIEW_EXAMPLES,
                   description="규칙의 효과를 저장 없이 계산합니다 (nothing is written). "
                               "지금은 service_rating: 평가단위별 강제 배분.")
    @action(detail=True, methods=["post"])
    def preview(self, request, kind=None):
        kind = self._kind(kind)
        if not kind.has_preview:
            raise NotFound(_("이 규칙에는 미리보기가 없습니다."))
        payload = ServiceRatingPreviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        draft, version_id = payload.validated_data.get("draft"), None
        if draft is None:
            book = kind_book(kind, on=timezone.localdate())
            rule, version_id = book.rule, book.in_force.pk if book.in_force else None
        elif isinstance(draft, int) and not isinstance(draft, bool):
            saved = draft_get(kind, draft)
            if saved is None:
                raise NotFound(_("그런 초안이 없습니다."))
            rule, version_id = rule_shape(saved), saved.pk
        elif isinstance(draft, dict):
            rule = kind.validate(draft)
        else:
            raise serializers.ValidationError(
                {"draft": [_("초안은 규칙 데이터(객체)나 초안 번호로 주세요.")]})
        results = kind.preview(rule, [dict(row) for row in payload.validated_data["evaluatees"]])
        return Response({"results": results, "rule_version": version_id})

    @extend_schema(request=RuleDraftSerializer, responses={
        201: RuleVersionSerializer, 400: OpenApiResponse(description="한도를 넘은 초안 (refused)")},
        examples=[OpenApiExample("거부 (refused)", response_only=True, status_codes=["400"],
                                 value={"detail": ["최상위 등급 비율은 20%를 넘을 수 없습니다 "
                                                   "— 공무원 성과평가 등에 관한 규정"]})])
    @action(detail=True, methods=["post"])
    def drafts(self, request, kind=None):
        """Save a draft version (agency admins): refused with the bound and its source."""
        kind = self._kind(kind)
        if not is_agency_admin(self.member()):
            raise PermissionDenied
        payload = RuleDraftSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if not isinstance(payload.validated_data["data"], dict):
            raise serializers.ValidationError({"data": [_("규칙 데이터는 객체여야 합니다.")]})
        try:
            draft = services.draft_save(kind=kind, data=payload.validated_data["data"],
                                        actor=self.member(),
                                        origin=Origin.from_request(request))
        except DjangoValidationError as error:
            return Response({"detail": error.messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response(_version(draft), status=status.HTTP_201_CREATED)

