"""Pages of customer management: the public intake and status pages (no account), and the
staff's case box, case page, moves and phone/visit entry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit.services import Origin
from core.customers import forms, notices, selectors, services
from core.customers.models import STEP_TEXT, CaseStatus, Channel, Subscription
from core.org.models import Person, PersonStatus, Unit
from core.portal.access import current_person

# Filings per address per hour on the public page (floods are refused in Korean).
INTAKE_LIMIT = 5
INTAKE_WINDOW = 3600


def _private(response: HttpResponse) -> HttpResponse:
    """A page carrying a private link or a customer's words: not cached, indexed or leaked
    through the Referer header."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _over_limit(request) -> bool:
    """Count one filing from the address; True once it has filed more than the limit this
    hour. The key names the agency's schema, so one agency's flood never blocks another's."""
    address = Origin.from_request(request).ip_address or "unknown"
    key = f"customers:intake:{connection.schema_name}:{address}"
    cache.add(key, 0, INTAKE_WINDOW)
    try:
        return cache.incr(key) > INTAKE_LIMIT
    except ValueError:  # expired between add and incr
        cache.set(key, 1, INTAKE_WINDOW)
        return False


def _intake(form) -> services.Intake:
    data = form.cleaned_data
    return services.Intake(
        notice_steps=tuple(data.get("notice_steps") or ()),
        notice_channels=tuple(data.get("notice_channels") or ()),
        **{
            name: data.get(name) or ("" if name != "consent" else False)
            for name in (
                "kind",
                "name",
                "email",
                "phone",
                "case_type",
                "title",
                "body",
                "affiliation",
                "field",
                "consent",
            )
        }
    )


def _form_refused(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_not_required
@require_http_methods(["GET", "POST"])
def public_new(request):
    """File a request, complaint or question without an account."""
    types = selectors.case_types(public_only=True)
    form = forms.PublicIntakeForm(request.POST or None, case_types=types)
    context = {
        "form": form,
        "consent_version": services.CONSENT_VERSION,
        "purpose": services.PURPOSE,
        "agency": request.tenant,
    }
    if request.method == "POST":
        if _over_limit(request):
            return _private(
                render(
                    request,
                    "customers/public_refused.html",
                    {
                        "message": _(
                            "짧은 시간에 너무 많이 신청했습니다. 한 시간 뒤에 다시 신청하세요."
                        )
                    },
                    status=429,
                )
            )
        if request.POST.get("website"):
            return _private(
                render(
                    request,
                    "customers/public_refused.html",
                    {"message": _("신청을 받을 수 없습니다. 입력 내용을 확인하세요.")},
                    status=400,
                )
            )
        if form.is_valid():
            try:
                case, token = services.case_receive(
                    intake=_intake(form),
                    channel=Channel.WEB,
                    attachments=request.FILES.getlist("attachments"),
                    origin=Origin.from_request(request),
                )
            except ValidationError as error:
                _form_refused(form, error)
            else:
                link = request.build_absolute_uri(reverse("public_requests:status", args=[token]))
                return _private(
                    render(request, "customers/public_received.html", {"case": case, "link": link})
                )
        return _private(render(request, "customers/public_new.html", context, status=400))
    return _private(render(request, "customers/public_new.html", context))




@login_not_required
@require_GET
def public_status(request, token: str):
    """The case's steps as the customer reads them; a wrong or revoked link is not found."""
    case = selectors.case_by_token(token)
    if case is None:
        raise Http404
    return _private(
        render(
            request,
            "customers/public_status.html",
            {
                "case": case,
                "today": timezone.localdate(),
                "steps": [(STEP_TEXT[step.status], step) for step in case.steps.all()],
            },
        )
    )


def _me(request) -> Person:
    person = current_person(request)
    if person is None or not person.is_active:
        raise Http404
    return person


@require_GET
def box(request):
    """The case box: open cases by due date, overdue, by unit, type and status; search."""
    person = _me(request)
    filters = {
        "status": request.GET.get("status", "open"),
        "unit": request.GET.get("unit", ""),
        "case_type": request.GET.get("type", "")[:40],
        "overdue": request.GET.get("overdue") == "1",
        "query": request.GET.get("q", ""),
    }
    page = Paginator(selectors.case_box(person=person, **filters), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "customers/box.html",
        {
            "page": page,
            "filters": filters,
            "statuses": CaseStatus.choices,
            "types": selectors.case_types(),
            "today": timezone.localdate(),
            "units": Unit.objects.filter(is_active=True).order_by("sort_order", "name"),
            "querystring": request.GET.copy(),
        },
    )


@require_http_methods(["GET", "POST"])
def staff_new(request):
    """Enter a case received by phone or at the desk."""
    person = _me(request)
    form = forms.StaffIntakeForm(request.POST or None, case_types=selectors.case_types())
    if request.method == "POST" and form.is_valid():
        try:
            case, _token = services.case_receive(
                intake=_intake(form),
                channel=form.cleaned_data["channel"],
                actor=person,
                attachments=request.FILES.getlist("attachments"),
                origin=Origin.from_request(request),
            )
        except ValidationError as error:
            _form_refused(form, error)
        else:
            messages.success(
                request, _("%(number)s 민원을 접수했습니다.") % {"number": case.number}
            )
            return redirect("cases:detail", case.pk)
    return render(
        request, "customers/staff_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _action_forms(case, data=None) -> dict:
    people = Person.objects.filter(status=PersonStatus.ACTIVE, unit__isnull=False)
    if case.handling_unit_id:
        people = people.filter(unit_id=case.handling_unit_id)
    return {
        "assign": forms.AssignForm(data, people=people.order_by("name")),
        "transfer": forms.TransferForm(
            data,
            units=Unit.objects.filter(is_active=True)
            .exclude(pk=case.handling_unit_id)
            .order_by("name"),
        ),
        "extend": forms.ExtendForm(data),
        "close": forms.CloseForm(data),
    }


@require_GET
def detail(request, pk: int):
    """The case with its customer (contacts unmasked, and the view recorded, for its
    handlers only), its steps and the moves its handlers may make."""
    person = _me(request)
    case = selectors.case_for(person, pk)
    if case is None:
        raise Http404
    handler = selectors.handles(person, case)
    if handler:
        services.contact_view_record(case=case, viewer=person, origin=Origin.from_request(request))
    return _private(
        render(
            request,
            "customers/detail.html",
            {
                "case": case,
                "handler": handler,
                "steps": case.steps.select_related("actor"),
                "contact": selectors.contact_of(case.customer, unmasked=handler),
                "attachments": case.attachments.all(),
                "deliveries": selectors.deliveries_of(person, case),
                "today": timezone.localdate(),
                "forms": _action_forms(case) if handler and not case.is_closed else {},
                "link": request.session.pop(f"case-link-{case.pk}", ""),
            },
        )
    )


MOVES = {
    "assign": lambda case, actor, data, origin: services.case_assign(
        case=case, assignee=data["assignee"], actor=actor, origin=origin
    ),
    "transfer": lambda case, actor, data, origin: services.case_transfer(
        case=case, unit=data["unit"], reason=data["reason"], actor=actor, origin=origin
    ),
    "extend": lambda case, actor, data, origin: services.case_extend(
        case=case, days=data["days"], reason=data["reason"], actor=actor, origin=origin
    ),
    "close": lambda case, actor, data, origin: services.case_close(
        case=case, answer=data["answer"], actor=actor, origin=origin
    ),
}


@require_POST
def move(request, pk: int, action: str):
    """Assign, transfer, extend or close a case; revoke its status link."""
    person = _me(request)
    case = selectors.case_for(person, pk)
    if case is None or (action not in MOVES and action != "revoke"):
        raise Http404
    origin = Origin.from_request(request)
    try:
        if action == "revoke":
            token = services.case_link_revoke(case=case, actor=person, origin=origin)
            request.session[f"case-link-{case.pk}"] = request.build_absolute_uri(
                reverse("public_requests:status", args=[token])
            )
        else:
            form = _action_forms(case, request.POST)[action]
            if not form.is_valid():
                raise ValidationError([m for errors in form.errors.values() for m in errors])
            MOVES[action](case, person, form.cleaned_data, origin)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("처리했습니다."))
    return redirect("cases:detail", case.pk)


# --- Notices: unsubscribing (no account) and the followers of public cards --------------------


@login_not_required
@csrf_exempt  # RFC 8058 one-click unsubscribing posts without a form; the token is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Stop notices from the link in a notice: this case's, every one, or a subscription.
    GET asks (mail scanners open links); POST stops. A wrong token is not found."""
    target = notices.unsubscribe_target(token)
    if target is None:
        raise Http404
    is_case = not isinstance(target, Subscription)
    context = {"target": target, "is_case": is_case, "agency": request.tenant}
    if request.method == "POST":
        scope = request.POST.get("scope") or (
            notices.SCOPE_CASE if is_case else notices.SCOPE_SUBSCRIPTION)
        allowed = (notices.SCOPE_CASE, notices.SCOPE_CUSTOMER) if is_case else (
            notices.SCOPE_SUBSCRIPTION,)
        if scope not in allowed:
            context["error"] = _("알림을 끊을 범위를 고르세요.")
            return _private(render(request, "customers/unsubscribe.html", context, status=400))
        changed = notices.notices_stop(target=target, scope=scope,
                                       origin=Origin.from_request(request))
        context.update(done=True, scope=scope, changed=changed)
    return _private(render(request, "customers/unsubscribe.html", context))


def _officer(request) -> Person:
    person = _me(request)
    if not selectors.is_customer_officer(person):
        raise Http404
    return person


@require_http_methods(["GET", "POST"])
def subscriptions(request):
    """The followers of public task cards and policy topics; a customer officer registers
    one with their consent."""
    person = _officer(request)
    form = forms.FollowerForm(request.POST or None, tasks=notices.public_tasks(),
                              topics=notices.public_topics())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                customer = services.follower_register(
                    kind=data["kind"], name=data["name"], email=data["email"],
                    affiliation=data["affiliation"], field=data["field"])
                notices.subscription_create(customer=customer, task=data["task"],
                                            topic=data["topic"], actor=person,
                                            origin=Origin.from_request(request))
        except ValidationError as error:
            _form_refused(form, error)
        else:
            messages.success(request, _("구독을 등록했습니다."))
            return redirect("cases:subscriptions")
    page = Paginator(selectors.subscriptions_for(person), 50).get_page(request.GET.get("page"))
    return _private(render(request, "customers/subscriptions.html", {"form": form, "page": page},
                           status=400 if form.errors else 200))


@require_POST
def subscription_end(request, pk: int):
    person = _officer(request)
    subscription = selectors.subscriptions_for(person).filter(pk=pk).first()
    if subscription is None:
        raise Http404
    try:
        notices.subscription_end(subscription=subscription, actor=person,
                                 origin=Origin.from_request(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("구독을 끝냈습니다."))
    return redirect("cases:subscriptions")
