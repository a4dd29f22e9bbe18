"""Pages of customer management: the public intake and status pages (no account), the
staff's case box, case page, moves, attachments and phone/visit entry, and requests between
agencies on the platform (sent and followed here; received here as cases)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit.services import Origin
from core.customers import forms, notices, selectors, services
from core.customers.models import STEP_TEXT, CaseStatus, Channel, Subscription
from core.exchange import selectors as exchange
from core.org.models import Person, PersonStatus, Unit
from core.portal.access import current_person
from core.spreadsheets import xlsx_response

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


def _step_text(step) -> str:
    if step.status == CaseStatus.IN_PROGRESS and step.stage:
        return _("‘%(stage)s’ 단계를 진행하고 있습니다.") % {"stage": step.stage}
    return str(STEP_TEXT[step.status])


def _status_page(request, case, *, errors=(), posted=None, status: int = 200) -> HttpResponse:
    survey, posted = selectors.survey_of(case), posted or {}
    questions = [
        (i, question.text, posted.get(f"q{i}", ""))
        for i, question in enumerate(survey.version.rule.questions if survey else [], start=1)
    ]
    return _private(
        render(
            request,
            "customers/public_status.html",
            {
                "case": case,
                "today": timezone.localdate(),
                "steps": [(_step_text(step), step) for step in case.steps.all()],
                "progress": selectors.shared_progress(case),
                "survey": survey,
                "questions": questions,
                "survey_errors": errors,
                "posted": posted,
            },
            status=status,
        )
    )


@login_not_required
@require_GET
def public_status(request, token: str):
    """The case's steps as the customer reads them, and once it is closed the satisfaction
    survey; a wrong or revoked link is not found."""
    case = selectors.case_by_token(token)
    if case is None:
        raise Http404
    return _status_page(request, case)


@login_not_required
@require_POST
def public_survey(request, token: str):
    """Answer the satisfaction survey of a closed case, once, through its private link."""
    case = selectors.case_by_token(token)
    if case is None:
        raise Http404
    survey = selectors.survey_of(case)
    count = len(survey.version.rule.questions) if survey else 0
    answers = [request.POST.get(f"q{i}", "") for i in range(1, count + 1)]
    try:
        services.survey_answer(
            case=case,
            answers=answers,
            comment=request.POST.get("comment", ""),
            origin=Origin.from_request(request),
        )
    except ValidationError as error:
        posted = {f"q{i}": value for i, value in enumerate(answers, start=1)}
        posted["comment"] = request.POST.get("comment", "")[: services.MAX_COMMENT]
        return _status_page(request, case, errors=error.messages, posted=posted, status=400)
    return redirect("public_requests:status", token)


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
            "satisfaction": selectors.may_read_satisfaction(person),
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


def _action_forms(case, person, data=None) -> dict:
    people = Person.objects.filter(status=PersonStatus.ACTIVE, unit__isnull=False)
    if case.handling_unit_id:
        people = people.filter(unit_id=case.handling_unit_id)
    return {
        "stage": forms.StageForm(data, stages=selectors.case_stages(case)),
        "assign": forms.AssignForm(data, people=people.order_by("name")),
        "transfer": forms.TransferForm(
            data,
            units=Unit.objects.filter(is_active=True)
            .exclude(pk=case.handling_unit_id)
            .order_by("name"),
        ),
        "extend": forms.ExtendForm(data),
        "close": forms.CloseForm(data),
        "link-task": forms.LinkTaskForm(
            data, tasks=selectors.linkable_tasks(person=person, case=case)
        ),
        "link-document": forms.LinkDocumentForm(
            data, documents=selectors.linkable_documents(person=person, case=case)
        ),
        "unlink": forms.UnlinkForm(data),
    }


# The button of each move on the case page.
MOVE_LABELS = {
    "stage": gettext_lazy("단계 변경"),
    "assign": gettext_lazy("배정"),
    "transfer": gettext_lazy("이송"),
    "extend": gettext_lazy("기한 연장"),
    "link-task": gettext_lazy("과제 연결"),
    "link-document": gettext_lazy("문서 연결"),
    "close": gettext_lazy("답변하고 완료"),
}


def _moves(case, person) -> list:
    """The moves a handler may make now, with their forms and buttons (a case type without
    stages has no stage move)."""
    built = _action_forms(case, person)
    if not built["stage"].fields["stage"].choices:
        del built["stage"]
    return [
        (action, built[action], MOVE_LABELS[action]) for action in MOVE_LABELS if action in built
    ]


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
    found = selectors.case_type_of(case)
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
                "moves": _moves(case, person) if handler and not case.is_closed else [],
                "link": request.session.pop(f"case-link-{case.pk}", ""),
                "links": selectors.case_links(case),
                "stages": list(found.stages) if found else [],
                "needs_document": bool(found and found.answer_needs_document),
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
    "stage": lambda case, actor, data, origin: services.case_stage_set(
        case=case, stage=data["stage"], actor=actor, origin=origin
    ),
    "link-task": lambda case, actor, data, origin: services.case_link_task(
        case=case, task=data["task"], actor=actor, origin=origin
    ),
    "link-document": lambda case, actor, data, origin: services.case_link_document(
        case=case, document=data["document"], actor=actor, origin=origin
    ),
    "unlink": lambda case, actor, data, origin: services.case_unlink(
        case=case, link_id=data["link"], actor=actor, origin=origin
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
            form = _action_forms(case, person, request.POST)[action]
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
@require_GET
def attachment(request, pk: int, attachment_pk: int):
    """Send a case's attachment to someone who may open the case; files have no public URL,
    and each download is recorded."""
    person = _me(request)
    case = selectors.case_for(person, pk)
    item = case and case.attachments.filter(pk=attachment_pk).first()
    if not item:
        raise Http404
    services.case_attachment_download_record(
        case=case, actor=person, file=item.name, origin=Origin.from_request(request)
    )
    return _private(FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name))


# --- Requests between agencies on the platform (issue 9 §4) ------------------------------


@require_GET
def outgoing(request):
    """The requests sent from here to other agencies that the person may follow."""
    person = _me(request)
    return render(
        request,
        "customers/outgoing_list.html",
        {
            "rows": selectors.outgoing_list(person),
            "officer": selectors.is_customer_officer(person),
            "waiting": selectors.incoming_waiting(person).count(),
        },
    )


def _month(raw: str) -> date:
    """"2026-03" (or a date in it) as its first day; ValueError otherwise."""
    year, month = raw.strip()[:7].split("-")
    return date(int(year), int(month), 1)


def _period(request) -> tuple[date, date, list[str]]:
    """The months asked for (시작 월, 끝 월), January of this year to this month by
    default; at most three years."""
    this_month = timezone.localdate().replace(day=1)
    default = (this_month.replace(month=1), this_month)
    chosen, errors = list(default), []
    for index, name in enumerate(("start", "end")):
        raw = request.GET.get(name, "")
        if not raw.strip():
            continue
        try:
            chosen[index] = _month(raw)
        except ValueError:
            errors.append(_("월은 2026-01처럼 입력하세요."))
    start, end = chosen
    if start > end or (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
        errors.append(_("기간은 시작 월부터 3년 이내의 끝 월까지로 정하세요."))
        start, end = default
    return start, end, errors


MAX_MONTHS = 36


def _results(request):
    person = _me(request)
    if not selectors.may_read_satisfaction(person):
        raise Http404
    start, end, errors = _period(request)
    units = selectors.satisfaction_units(person)
    return person, selectors.satisfaction_results(start=start, end=end, units=units), errors


@require_GET
def satisfaction(request):
    """Satisfaction results by person, unit, case type and month, with response rates —
    aggregates only, for customer officers, admins and the heads of the units concerned."""
    _person, results, errors = _results(request)
    return render(
        request,
        "customers/satisfaction.html",
        {
            "results": results,
            "errors": errors,
            "minimum": selectors.MIN_RESPONSES,
            "sections": _shown(_sections(results)),
            "total": results.total.cells(),
        },
    )


@require_http_methods(["GET", "POST"])
def outgoing_new(request):
    """Send a request or query to another agency on the platform."""
    person = _me(request)
    form = forms.OutgoingRequestForm(request.POST or None, agencies=exchange.destinations())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = services.outgoing_request_send(
                actor=person,
                to_agency_id=data["to_agency"].pk if data["to_agency"] else None,
                title=data["title"] or "",
                body=data["body"] or "",
                consent=data["consent"],
                origin=Origin.from_request(request),
            )
        except ValidationError as error:
            _form_refused(form, error)
        else:
            messages.success(
                request, _("%(agency)s에 요청을 보냈습니다.") % {"agency": row.to_agency_name}
            )
            return redirect("cases:outgoing_detail", row.exchange_request_id)
    return render(
        request,
        "customers/outgoing_new.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


@require_GET
def outgoing_detail(request, pk: int):
    """A request sent from here, as the channel says it stands now."""
    found = selectors.outgoing_for(_me(request), pk)
    if found is None:
        raise Http404
    row, sent = found
    return render(
        request,
        "customers/outgoing_detail.html",
        {"row": row, "sent": sent, "steps": sent.steps.all()},
    )


@require_GET
def incoming(request):
    """Requests from other agencies' officials waiting to be received (customer officers)."""
    person = _me(request)
    if not selectors.is_customer_officer(person):
        raise Http404
    return render(
        request,
        "customers/incoming_list.html",
        {"requests": selectors.incoming_waiting(person)[:200]},
    )


@require_POST
def incoming_receive(request, pk: int):
    """Receive a request from another agency as a case (접수)."""
    person = _me(request)
    if not selectors.incoming_waiting(person).filter(pk=pk).exists():
        raise Http404
    try:
        case = services.incoming_request_receive(
            pk=pk, actor=person, origin=Origin.from_request(request)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("cases:incoming")
    messages.success(request, _("%(number)s 민원으로 접수했습니다.") % {"number": case.number})
    return redirect("cases:detail", case.pk)


def _sections(results) -> list[tuple[str, str, list]]:
    return [
        ("people", _("담당자별"), results.people),
        ("units", _("부서별"), results.units),
        ("types", _("민원 유형별"), results.types),
        ("months", _("월별"), results.months),
    ]


_ROW = ('<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td></tr>")


def _shown(sections) -> list[tuple[str, str, str]]:
    """Each section's table body, escaped and joined in one pass: a year of an agency has a
    row per person, and cell-by-cell template rendering was most of the page's time."""
    too_few = format_html('<span class="hm-muted">{}</span>', _("응답 부족"))
    return [
        (key, label, format_html_join("\n", _ROW, (
            (row.label, closed, answered, rate, too_few if score is None else score, low)
            for row in rows for closed, answered, rate, score, low in [row.cells()])))
        for key, label, rows in sections
    ]


@require_GET
def satisfaction_export(request):
    """The same results as an XLSX file (text cells stay text); the download is audited."""
    person, results, _errors = _results(request)
    services.survey_results_export_record(
        actor=person,
        period=f"{results.start:%Y-%m}~{results.end:%Y-%m}",
        origin=Origin.from_request(request),
    )
    rows = [
        [str(section), row.label, row.closed, row.answered, float(row.rate),
         float(row.score) if row.score is not None else "—", row.low if row.low is not None
         else "—"]
        for _key, section, group in [*_sections(results), ("total", _("전체"), [results.total])]
        for row in group
    ]
    return xlsx_response(
        sheet_title=str(_("고객만족도")),
        header=[str(_("구분")), str(_("대상")), str(_("완료 민원")), str(_("응답")),
                str(_("응답률(%)")), str(_("점수(100점 환산)")), str(_("후속 조치 대상"))],
        rows=rows,
        filename=f"satisfaction-{results.start:%Y-%m}-{results.end:%Y-%m}.xlsx",
    )
