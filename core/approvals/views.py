"""Electronic approval pages: the boxes, drafting with its line, the document and its turns."""

import hashlib
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.approvals import selectors, services
from core.approvals.exports import documents_xlsx_response
from core.approvals.forms import (
    LINE_FIELDS,
    MAX_REVIEWERS,
    AbsenceForm,
    ActForm,
    CirculateForm,
    DraftForm,
    ManagementForm,
    ReviseForm,
    SkipForm,
    line_edit,
)
from core.approvals.models import (
    DocumentRecipient,
    DocumentStatus,
    SignMark,
    StepRole,
    StepStatus,
)
from core.approvals.pdf import boxes_in_order
from core.audit.services import Origin
from core.org import selectors as org_selectors
from core.policies.selectors import document_types
from core.portal.access import (
    current_person,
    current_signers,
    person_cached,
    person_passes,
    remember_queue_count,
)
from core.portal.feedback import flash_refused, form_refused
from core.portal.params import digits_to_int

BOXES = [("queue", gettext_lazy("결재할 문서")), ("progress", gettext_lazy("진행 중")),
         ("done", gettext_lazy("완료")), ("returned", gettext_lazy("반려")),
         ("drafts", gettext_lazy("임시 저장·회수")), ("after", gettext_lazy("후결")),
         ("inbox", pgettext_lazy("box", "수신")), ("circulated", gettext_lazy("공람"))]
ALL_BOX = ("all", gettext_lazy("전체 문서"))  # records officers only
staff_only = person_passes(lambda person: person is not None and person.is_active)


def _date(request, name: str):
    try:
        return parse_date(request.GET.get(name) or "")
    except ValueError:
        return None


@staff_only
def boxes(request):
    person = current_person(request)
    box = request.GET.get("box", "queue")
    filters = {"query": request.GET.get("q", "").strip(), "since": _date(request, "since"),
               "until": _date(request, "until"), "ordering": request.GET.get("sort", ""),
               "status": request.GET.get("status", "")}

    def listed():
        return selectors.document_list(person=person, box=box,
                                       signers=current_signers(request), **filters)

    if request.GET.get("format") == "xlsx":
        services.documents_export_record(actor=person, box=box, filters=filters,
                                         origin=Origin.from_request(request))
        return documents_xlsx_response(listed(), box=box)
    # The list's length, kept like the rest of the page until the agency's data next changes;
    # the list itself is built only if the page's kept list must be rendered afresh.
    digest = hashlib.md5(repr((box, sorted(filters.items()))).encode(),
                         usedforsecurity=False).hexdigest()
    count = person_cached(request, f"box-count:{digest}", lambda: listed().count())

    def page_of_list():
        paginator = Paginator(listed(), 30)
        paginator.count = count
        return paginator.get_page(request.GET.get("page"))

    page = SimpleLazyObject(page_of_list)
    if box == "queue" and not any(filters[key] for key in ("query", "since", "until", "status")):
        remember_queue_count(request, count)
    counts = person_cached(request, "waiting_counts",
                           lambda: selectors.waiting_counts(person=person))
    shown = [(code, label, counts.get(code, 0)) for code, label in BOXES] + (
        [(*ALL_BOX, 0)] if selectors.reads_all_documents(person) else [])
    return render(request, "approvals/boxes.html", {
        "page": page, "box": box, "boxes": shown, "filters": filters,
        "statuses": DocumentStatus.choices,
        "querystring": request.GET.copy()})


LINE_EDITS = ("line_add", "line_move", "line_remove", "find_people")


def _editing_line(post) -> bool:
    """"결재선 불러오기" and the line builder's buttons sent without JavaScript: the page
    comes back with the change and what was typed; nothing is saved."""
    return "apply_template" in post or any(key in post for key in LINE_EDITS)


@staff_only
@require_http_methods(["GET", "POST"])
def draft(request):
    """Draft and submit; "결재선 불러오기" refills the line from a template, keeping the text."""
    person = current_person(request)
    today = timezone.localdate()
    templates = selectors.line_templates(on=today)
    options = {"document_types": document_types(on=today), "templates": templates,
               "drafter": person}
    if request.method == "POST" and not _editing_line(request.POST):
        saving = "save_draft" in request.POST
        form = DraftForm(request.POST, request.FILES, saving=saving, **options)
        if form.is_valid():
            try:
                document = _draft_and_submit(form, person, Origin.from_request(request),
                                             submit=not saving)
            except ValidationError as error:
                form_refused(form, error)
            else:
                if saving:
                    return _saved(request, form, document)
                messages.success(request, _("결재를 올렸습니다."))
                return redirect("approvals:document", pk=document.pk)
        return _draft_page(request, form, person, status=400 if form.errors else 200)
    initial, line = _template_initial(request, person, templates, today)
    return _draft_page(request, DraftForm(initial=initial, **options), person,
                       unfilled=line.unfilled if line else ())


def _saved(request, form: DraftForm, document):
    """After 임시 저장: back to the draft's editing page, with its attachments stored and its
    line remembered for this session (a draft's line is only written when it goes up)."""
    request.session[f"draft_line:{document.pk}"] = form.line_ids()
    messages.success(request, _("임시 저장했습니다. 붙임 파일 %(n)d개가 함께 저장되어 있습니다.")
                     % {"n": document.attachments.count()})
    return redirect("approvals:redraft", pk=document.pk)


def _typed(request) -> dict:
    """What the draft form posted, as initial values (lists for the fields taking several);
    the line as posted, even when a role has nobody left."""
    fields = DraftForm.base_fields
    typed = {key: values if isinstance(fields[key], forms.ModelMultipleChoiceField)
             else values[0] for key, values in request.POST.lists() if key in fields}
    if request.method != "POST" or "apply_template" in request.POST:
        return typed  # nothing typed yet, or the template fills the line
    return {**typed, "reviewers": request.POST.getlist("reviewers"),
            "cooperators": request.POST.getlist("cooperators"),
            "approver": request.POST.get("approver") or None}


def _template_initial(request, person, templates: list[dict], today):
    """The form's starting values: what was typed (when a template is applied to a draft in
    progress, or the line is edited) and the line the chosen template, or the first one for
    the type, fills in; with the filled line."""
    typed = _typed(request)
    kind = typed.get("document_type") or request.GET.get("type") or "general"
    choice = typed.get("line_template", "") if "apply_template" in request.POST else ""
    if choice.isdecimal() and int(choice) < len(templates):
        template = templates[int(choice)]
        kind = template["document_type"]
    elif typed:  # "직접 지정" or an edit of the line: the line stays as typed
        return {**typed, "document_type": kind}, None
    else:
        choice, template = next(((str(i), t) for i, t in enumerate(templates)
                                 if t["document_type"] == kind), ("", None))
    if template is None:
        proposed = selectors.proposed_approver(drafter=person, document_type=kind, on=today)
        return {**typed, "document_type": kind, "approver": proposed}, None
    line = selectors.template_line(drafter=person, template=template, on=today)
    return {**typed, "document_type": kind, "line_template": choice,
            "reviewers": line.reviewers, "cooperators": line.cooperators,
            "approver": line.approver}, line


def _line_ids(form: DraftForm) -> dict[str, list[str]]:
    """The line on the form, as ids in the order chosen: posted, or its starting values."""
    if form.is_bound:
        return {name: form.data.getlist(name) for name in LINE_FIELDS}
    values = {name: form.initial.get(name) for name in LINE_FIELDS}
    values["approver"] = [values["approver"]] if values["approver"] else []
    return {name: [str(getattr(v, "pk", v)) for v in values[name] or () if v]
            for name in LINE_FIELDS}


def _draft_page(request, form: DraftForm, person, *, document=None, unfilled=(),
                status: int = 200):
    """The draft (or redraft) page with its line builder: the line chosen so far (after the
    edit the builder's buttons sent without JavaScript), the approver the delegation rules
    propose, and the people found for the line."""
    line, refusal = _line_ids(form), ""
    if any(key in request.POST for key in LINE_EDITS[:3]):
        line, refusal = line_edit(line, request.POST)
    found = selectors.line_people([pk for ids in line.values() for pk in ids])
    chosen = {name: [found[int(pk)] for pk in ids if pk.isdecimal() and int(pk) in found]
              for name, ids in line.items()}
    kind = (form.data.get("document_type") if form.is_bound
            else form.initial.get("document_type")) or "general"
    query = request.POST.get("people_q", "").strip()[:50] if "find_people" in request.POST else ""
    people, more = selectors.people_search(query=query, drafter=person)
    return render(request, "approvals/draft.html", {
        "form": form, "document": document,
        "returned": selectors.last_return(document) if document else None,
        "files_dropped": bool(request.FILES),
        "builder": {
            "reviewers": chosen["reviewers"], "cooperators": chosen["cooperators"],
            "approver": next(iter(chosen["approver"]), None), "refusal": refusal,
            "unfilled": unfilled, "max_reviewers": MAX_REVIEWERS,
            "proposed": selectors.proposed_approver(drafter=person, document_type=kind,
                                                    on=timezone.localdate()),
            "query": query, "found": people, "more": more}}, status=status)


@staff_only
def people(request):
    """Find people for the approval line by name, unit or position as the drafter types: a
    short list (the builder's fragment), never the whole agency."""
    query = (request.GET.get("people_q") or request.GET.get("q") or "").strip()[:50]
    found, more = selectors.people_search(query=query, drafter=current_person(request))
    return render(request, "approvals/_people_results.html",
                  {"builder": {"query": query, "found": found, "more": more}})


def _draft_and_submit(form: DraftForm, person, origin: Origin, *, submit: bool = True):
    data = form.cleaned_data
    with transaction.atomic():
        document = services.document_draft(
            drafter=person, title=data["title"], body=data["body"],
            document_type=data["document_type"], disclosure=data["disclosure"],
            disclosure_ground=data["disclosure_ground"],
            recipient_units=data["recipient_units"],
            external_recipients=data["external_recipients"], via=data["via"],
            attachments=data["attachments"], origin=origin, **form.management())
        if not submit:
            return document
        return services.document_submit(document=document, line=form.line(), actor=person,
                                        origin=origin)


@staff_only
def document(request, pk: int):
    person = current_person(request)
    signers = current_signers(request)
    card = _CardLoader(request.tenant, person=person, pk=pk, signers=signers)
    # What the page needs besides the card's kept fragments, kept per person until the
    # agency's data next changes (``person_cached``): whether they may read it, its title and
    # what they may do with it. A few words and flags: the document itself, its line and
    # history are read (``card``) only when a kept fragment must be rendered afresh.
    page = person_cached(request, f"document-page:{pk}", lambda: _page(card, person, signers))
    if page is None:
        raise Http404
    if page.unread_circulation:
        found = card()
        services.circulation_mark_read(document=found, person=person)
        for circulation in found.circulations.all():  # not shown 미열람 to its reader
            if circulation.person_id == person.pk and circulation.read_at is None:
                circulation.read_at = timezone.now()
    if page.read_by_role_only:
        services.document_read_record(document=card(), reader=person, signers=signers,
                                      origin=Origin.from_request(request))
    return render(request, "approvals/document.html", {
        "page": page,
        "document": SimpleLazyObject(card),
        "boxes": SimpleLazyObject(lambda: boxes_in_order(card())),
        "returned": SimpleLazyObject(lambda: selectors.last_return(card())),
        "sending_authority": SimpleLazyObject(lambda: card.letterhead()["sending_authority"]),
        "contact": SimpleLazyObject(lambda: card.letterhead()["contact"]),
        "status_label": SimpleLazyObject(
            lambda: selectors.status_for(document=card(), person=person)),
        "policy_entries": SimpleLazyObject(lambda: selectors.policy_record(card())),
        "effect": SimpleLazyObject(lambda: selectors.notice_effect(card()) or ""),
        "act_form": SimpleLazyObject(ActForm),
        "skip_form": SkipForm() if page.skippable else None,
        "management_form": ManagementForm(initial=page.management)
        if page.management is not None else None,
        "handlers": org_selectors.unit_colleagues(person) if page.to_receive else (),
        "me_pk": person.pk,
    })


class _CardLoader:
    """The document as ``person`` may read it, with what its card shows, and its letterhead
    (발신명의, the foot): each read at most once per request, and only when asked for."""

    def __init__(self, agency, *, person, pk: int, signers: list[int]):
        self.agency, self.person, self.pk, self.signers = agency, person, pk, signers
        self._read: dict = {}

    def __call__(self):
        if "document" not in self._read:
            self._read["document"] = selectors.document_for(
                person=self.person, pk=self.pk, signers=self.signers)
        return self._read["document"]

    def letterhead(self) -> dict:
        if "letterhead" not in self._read:
            self._read["letterhead"] = org_selectors.letterhead(self.agency,
                                                                self().handling_unit)
        return self._read["letterhead"]


@dataclass(frozen=True)
class _Receipt:
    pk: int
    unit_name: str


@dataclass(frozen=True)
class _DocumentPage:
    """What the document page shows and offers ``person`` outside its kept fragments."""

    pk: int
    title: str
    my_turn: bool
    can_revise: bool
    skippable: bool
    to_acknowledge: bool
    to_receive: tuple[_Receipt, ...]
    can_withdraw: bool
    can_redraft: bool
    can_circulate: bool
    unread_circulation: bool
    read_by_role_only: bool
    # 보존기간 and 분류 as they stand, while the drafter or the turn's holder may change them.
    management: dict | None


def _page(card: _CardLoader, person, signers: list[int]) -> _DocumentPage | None:
    found = card()
    if found is None:
        return None
    steps = found.steps.all()
    mine = found.drafter_id == person.pk
    my_step = None if mine else next(
        (s for s in steps if s.person_id in signers
         and s.status in (StepStatus.PENDING, StepStatus.HELD)), None)
    return _DocumentPage(
        pk=found.pk, title=found.title, my_turn=my_step is not None,
        can_revise=my_step is not None and my_step.role == StepRole.REVIEWER,
        skippable=mine and found.status in services.OPEN and any(
            s.role == StepRole.REVIEWER and s.status == StepStatus.PENDING for s in steps),
        to_acknowledge=any(s.person_id == person.pk and s.sign_mark == SignMark.PROXY
                           and s.acknowledged_at is None for s in steps),
        to_receive=tuple(_Receipt(r.pk, r.unit.name) for r in found.recipients.all()
                         if r.unit_id == person.unit_id and r.dispatched_at
                         and not r.received_at),
        can_withdraw=mine and found.status in services.OPEN,
        can_redraft=mine and found.status in services.EDITABLE,
        can_circulate=found.status == DocumentStatus.APPROVED and selectors.may_circulate(
            person=person, document=found),
        unread_circulation=any(c.person_id == person.pk and c.read_at is None
                               for c in found.circulations.all()),
        read_by_role_only=selectors.reads_by_role_only(person=person, document=found,
                                                       signers=signers),
        management={"retention": found.retention, "classification": found.classification}
        if found.status != DocumentStatus.APPROVED and (mine or my_step is not None) else None)


@staff_only
@require_POST
def act(request, pk: int):
    found = _readable_or_404(request, pk)
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("처리 방법을 선택하세요."))
        return redirect("approvals:document", pk=pk)
    decision, opinion = form.cleaned_data["decision"], form.cleaned_data["opinion"]
    if decision == "approve":
        return _move(request, found, services.step_approve, _("처리했습니다."), opinion=opinion)
    move = services.step_return if decision == "return" else services.step_hold
    return _move(request, found, move, _("처리했습니다."), reason=opinion)


def _readable_or_404(request, pk: int):
    """The document, if the signed-in person may read it (else 404, as if it did not exist)."""
    found = (selectors.visible_documents(person=current_person(request),
                                         signers=current_signers(request))
             .filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


def _move(request, document, move, done: str, **fields):
    """A move on the document by the signed-in person: the service's refusal, or ``done``,
    is flashed on the document's card."""
    try:
        move(document=document, actor=current_person(request),
             origin=Origin.from_request(request), **fields)
    except ValidationError as error:
        flash_refused(request, error)
    else:
        messages.success(request, done)
    return redirect("approvals:document", pk=document.pk)


@staff_only
@require_POST
def withdraw(request, pk: int):
    return _move(request, _readable_or_404(request, pk), services.document_withdraw,
                 _("문서를 회수했습니다."))


@staff_only
@require_POST
def acknowledge(request, pk: int):
    return _move(request, _readable_or_404(request, pk), services.step_acknowledge,
                 _("후결했습니다."))


@staff_only
@require_http_methods(["GET", "POST"])
def absences(request):
    person = current_person(request)
    form = AbsenceForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_register(actor=person, origin=Origin.from_request(request),
                                      **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("부재를 등록했습니다."))
            return redirect("approvals:absences")
    return render(request, "approvals/absences.html", {
        "form": form, "absences": selectors.absences_for(person=person)},
        status=400 if form.errors else 200)


@staff_only
@require_POST
def receive(request, pk: int, recipient_pk: int):
    person, found = current_person(request), _readable_or_404(request, pk)
    recipient = DocumentRecipient.objects.filter(document=found, pk=recipient_pk).first()
    if recipient is None:
        raise Http404
    handler_id = digits_to_int(request.POST.get("handler") or "")
    handler = (org_selectors.unit_colleagues(person).filter(pk=handler_id).first()
               if handler_id else None)
    try:
        if handler_id and handler is None:
            raise ValidationError(_("처리담당자는 수신 부서의 재직 중인 직원이어야 합니다."))
        recipient = services.receipt_register(recipient=recipient, actor=person,
                                              handler=handler,
                                              origin=Origin.from_request(request))
    except ValidationError as error:
        flash_refused(request, error)
    else:
        messages.success(request, _("접수했습니다: %(number)s") % {
            "number": recipient.receipt_number})
    return redirect("approvals:document", pk=pk)


@staff_only
@require_http_methods(["GET", "POST"])
def circulate(request, pk: int):
    """공람 지정 on a page of its own: its picker lists everyone in the agency, too heavy to
    render on every completed document's card."""
    found = _readable_or_404(request, pk)
    if not selectors.may_circulate(person=current_person(request), document=found):
        raise PermissionDenied
    form = CirculateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _move(request, found, services.document_circulate, _("공람을 지정했습니다."),
                     people=list(form.cleaned_data["people"]),
                     units=list(form.cleaned_data["units"]),
                     deadline=form.cleaned_data["deadline"])
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return render(request, "approvals/circulate.html", {"document": found, "form": form},
                  status=400 if form.errors else 200)


@staff_only
@require_http_methods(["GET", "POST"])
def redraft(request, pk: int):
    """Edit a returned, withdrawn or saved document and send it up again as a new version."""
    person = current_person(request)
    found = selectors.document_for(person=person, pk=pk)
    if found is None or found.drafter_id != person.pk:
        raise Http404
    if found.status not in services.EDITABLE:
        messages.error(request, _("진행 중이거나 완료된 문서는 고칠 수 없습니다."))
        return redirect("approvals:document", pk=pk)
    today = timezone.localdate()
    options = {"drafter": person, "document_types": document_types(on=today),
               "templates": selectors.line_templates(on=today)}
    previous = _previous_draft(found, request.session.get(f"draft_line:{found.pk}"))
    if request.method == "POST" and _editing_line(request.POST):
        form = DraftForm(initial={**previous, **_typed(request)}, **options)
        return _draft_page(request, form, person, document=found)
    saving = "save_draft" in request.POST
    form = DraftForm(request.POST or None, request.FILES or None, initial=previous,
                     saving=saving, **options)
    if request.method == "POST" and form.is_valid():
        origin, data = Origin.from_request(request), form.cleaned_data
        try:
            with transaction.atomic():
                services.document_edit(
                    document=found, actor=person, title=data["title"], body=data["body"],
                    document_type=data["document_type"], disclosure=data["disclosure"],
                    disclosure_ground=data["disclosure_ground"],
                    recipient_units=data["recipient_units"],
                    external_recipients=data["external_recipients"], via=data["via"],
                    attachments=data["attachments"], origin=origin, **form.management())
                if not saving:
                    services.document_submit(document=found, line=form.line(), actor=person,
                                             origin=origin)
        except ValidationError as error:
            form_refused(form, error)
        else:
            if saving:
                return _saved(request, form, found)
            request.session.pop(f"draft_line:{found.pk}", None)
            messages.success(request, _("고친 문서를 다시 올렸습니다."))
            return redirect("approvals:document", pk=pk)
    return _draft_page(request, form, person, document=found,
                       status=400 if form.errors else 200)


def _previous_draft(document, saved_line: dict | None = None) -> dict:
    """The document as the form's starting values; the line it went up with, or for a draft
    never sent the line remembered when it was saved."""
    steps = list(document.steps.all())
    if not steps and saved_line:
        return {**_previous_draft(document), **saved_line,
                "approver": next(iter(saved_line.get("approver", [])), None)}
    return {
        "title": document.title, "body": document.body, "document_type": document.document_type,
        "disclosure": document.disclosure, "disclosure_ground": document.disclosure_ground,
        "via": document.via, "retention": document.retention,
        "classification": document.classification, "effective_on": document.effective_on,
        **_meeting_initial(document),
        "reviewers": [s.person_id for s in steps if s.role == "reviewer"],
        "cooperators": [s.person_id for s in steps if s.role == "cooperator"],
        "approver": next((s.person_id for s in steps if s.role == "approver"), None),
        "recipient_units": [r.unit_id for r in document.recipients.all() if r.unit_id],
    }


def _meeting_initial(document) -> dict:
    """The policy meeting entered on the draft, as the form shows it."""
    rows = list(document.policy_participants.all())
    return {"meeting_on": next((p.meeting_on for p in rows if p.meeting_on), None),
            "participants": "\n".join(" / ".join(part for part in (
                p.name, p.affiliation, p.remark) if part) for p in rows)}


@staff_only
@require_http_methods(["GET", "POST"])
def revise(request, pk: int):
    """A reviewer rewrites the draft at their turn; it goes on up the line as a new version."""
    person, found = current_person(request), _readable_or_404(request, pk)
    form = ReviseForm(request.POST or None, initial={"title": found.title, "body": found.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.step_revise(document=found, actor=person, origin=Origin.from_request(request),
                                 **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("기안문을 고쳤습니다. 검토를 마치려면 승인하세요."))
            return redirect("approvals:document", pk=pk)
    return render(request, "approvals/revise.html", {"form": form, "document": found},
                  status=400 if form.errors else 200)


@staff_only
@require_POST
def management(request, pk: int):
    """보존기간 and 분류 changed on the card, until the approver signs."""
    form = ManagementForm(request.POST)
    found = _readable_or_404(request, pk)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("approvals:document", pk=pk)
    return _move(request, found, services.document_management_update,
                 _("보존기간과 분류를 저장했습니다."), **form.cleaned_data)


@staff_only
@require_POST
def skip(request, pk: int):
    return _move(request, _readable_or_404(request, pk), services.step_skip,
                 _("검토자를 건너뛰었습니다."), reason=request.POST.get("reason", "")[:500])


@staff_only
def attachment(request, pk: int, attachment_pk: int):
    """Send an attachment to someone who may read its document; files have no public URL."""
    person = current_person(request)
    found = selectors.document_for(person=person, pk=pk)
    item = found and found.attachments.filter(pk=attachment_pk).first()
    if not item:
        raise Http404
    services.document_download_record(document=found, actor=person, file=item.name,
                                      origin=Origin.from_request(request))
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
