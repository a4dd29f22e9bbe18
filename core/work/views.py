"""Work management pages: task cards and the unit board, memo reports, instructions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.approvals.models import Document
from core.audit.services import Origin
from core.org.models import Unit
from core.portal.access import current_person, person_passes
from core.portal.feedback import flash_refused, form_refused
from core.work import selectors, services
from core.work.forms import (
    CompleteForm,
    DecisionForm,
    InstructionForm,
    LinkDocumentForm,
    MemoForm,
    ProgressForm,
    ReplyForm,
    TaskForm,
)
from core.work.models import AssignmentStatus, Priority, TaskStatus

staff_only = person_passes(selectors.is_member)
MEMO_BOXES = [("inbox", gettext_lazy("받은 메모보고")), ("sent", gettext_lazy("보낸 메모보고"))]
INSTRUCTION_BOXES = [("received", gettext_lazy("받은 지시")), ("issued", gettext_lazy("내린 지시"))]


def _int_or_none(text: str | None) -> int | None:
    # isdecimal, not isdigit: "²" is a digit that int() refuses (a 500 from a URL).
    return int(text) if text and text.isdecimal() else None


def _task_or_404(request, pk: int):
    task = selectors.task_for(person=current_person(request), pk=pk)
    if task is None:
        raise Http404
    return task


# --- tasks -------------------------------------------------------------------------------


@staff_only
def tasks(request):
    person = current_person(request)
    filters = {
        "query": request.GET.get("q", "").strip(),
        "unit_id": _int_or_none(request.GET.get("unit")),
        "status": request.GET.get("status", ""),
        "priority": _int_or_none(request.GET.get("priority")),
        "mine": request.GET.get("mine") == "1",
        "overdue": request.GET.get("overdue") == "1",
        "ordering": request.GET.get("sort", "due_date"),
    }
    page = Paginator(selectors.task_list(person=person, **filters), 30).get_page(
        request.GET.get("page"))
    return render(request, "work/task_list.html", {
        "page": page, "filters": filters, "units": Unit.objects.filter(is_active=True),
        "statuses": TaskStatus.choices, "priorities": Priority.choices,
        "today": timezone.localdate(), "querystring": request.GET.copy()})


@staff_only
@require_http_methods(["GET", "POST"])
def task_new(request):
    person = current_person(request)
    form = TaskForm(request.POST or None, initial={"owner": person, "unit": person.unit})
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=person, origin=Origin.from_request(request),
                                        **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("과제를 등록했습니다."))
            return redirect("work:task", pk=task.pk)
    return render(request, "work/form.html", {"form": form, "title": _("과제 등록")},
                  status=400 if form.errors else 200)


@staff_only
@require_http_methods(["GET", "POST"])
def task_edit(request, pk: int):
    person, task = current_person(request), _task_or_404(request, pk)
    if not selectors.can_edit_task(person, task):
        raise PermissionDenied
    initial = {name: getattr(task, name) for name in TaskForm.base_fields}
    form = TaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(task=task, actor=person, origin=Origin.from_request(request),
                                 **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("과제를 저장했습니다."))
            return redirect("work:task", pk=task.pk)
    return render(request, "work/form.html", {"form": form, "title": task.title},
                  status=400 if form.errors else 200)


def _render_card(request, task, status: int = 200, **forms):
    person = current_person(request)
    can_edit = selectors.can_edit_task(person, task)
    documents, hidden = selectors.task_documents(person=person, task=task)
    forms.setdefault("progress_form", ProgressForm(initial={"percent": task.progress}))
    forms.setdefault("decision_form", DecisionForm())
    forms.setdefault("link_form", LinkDocumentForm(
        documents=selectors.linkable_documents(person=person, task=task)))
    return render(request, "work/task_card.html", {
        "task": task, "can_edit": can_edit, "overdue": task.is_overdue(),
        "can_decide": selectors.can_record_decision(person, task, "decision"),
        "documents": documents, "hidden_documents": hidden, **forms}, status=status)


@staff_only
def task_card(request, pk: int):
    return _render_card(request, _task_or_404(request, pk))


def _act_on_card(request, pk: int, form, act, done_message: str, form_name: str):
    """Run one card action: refuse who may not, re-show the card with errors, else redirect."""
    task = _task_or_404(request, pk)
    if form.is_valid():
        try:
            act(task, form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, done_message)
            return redirect("work:task", pk=pk)
    return _render_card(request, task, status=400, **{form_name: form})


@staff_only
@require_POST
def task_progress(request, pk: int):
    person, origin = current_person(request), Origin.from_request(request)
    return _act_on_card(
        request, pk, ProgressForm(request.POST),
        lambda task, data: services.progress_report(task=task, actor=person, origin=origin,
                                                    **data),
        _("진척 상황을 보고했습니다."), "progress_form")


@staff_only
@require_POST
def task_decision(request, pk: int):
    person, origin = current_person(request), Origin.from_request(request)
    return _act_on_card(
        request, pk, DecisionForm(request.POST),
        lambda task, data: services.decision_record(task=task, actor=person, origin=origin,
                                                    **data),
        _("의사결정 과정에 기록했습니다."), "decision_form")


@staff_only
@require_POST
def task_link(request, pk: int):
    person, origin = current_person(request), Origin.from_request(request)
    task = _task_or_404(request, pk)
    form = LinkDocumentForm(request.POST,
                            documents=selectors.linkable_documents(person=person, task=task))
    return _act_on_card(
        request, pk, form,
        lambda task, data: services.task_link_document(task=task, actor=person, origin=origin,
                                                       **data),
        _("문서를 연결했습니다."), "link_form")


@staff_only
@require_POST
def task_unlink(request, pk: int, document_pk: int):
    person, task = current_person(request), _task_or_404(request, pk)
    document = get_object_or_404(Document, pk=document_pk)
    try:
        services.task_unlink_document(task=task, document=document, actor=person,
                                      origin=Origin.from_request(request))
    except ValidationError as error:
        flash_refused(request, error)
    else:
        messages.success(request, _("문서 연결을 해제했습니다."))
    return redirect("work:task", pk=pk)


@staff_only
def board(request):
    person = current_person(request)
    unit = selectors.board_unit(person=person, unit_id=_int_or_none(request.GET.get("unit")))
    return render(request, "work/board.html", {
        "unit": unit, "board": selectors.unit_board(unit=unit) if unit else None,
        "units": Unit.objects.filter(is_active=True)})


# --- memo reports ------------------------------------------------------------------------


@staff_only
def memos(request):
    person, box = current_person(request), request.GET.get("box", "inbox")
    query = request.GET.get("q", "").strip()
    if box == "sent":
        rows = selectors.memo_sent(person=person, query=query)
    else:
        box = "inbox"
        rows = selectors.memo_inbox(person=person, query=query,
                                    unread=request.GET.get("unread") == "1")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "work/memo_list.html", {
        "page": page, "box": box, "boxes": MEMO_BOXES, "query": query,
        "unread": request.GET.get("unread") == "1", "querystring": request.GET.copy()})


@staff_only
@require_http_methods(["GET", "POST"])
def memo_new(request):
    person = current_person(request)
    form = MemoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            memo = services.memo_send(actor=person, origin=Origin.from_request(request),
                                      **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("메모보고를 보냈습니다."))
            return redirect("work:memo", pk=memo.pk)
    return render(request, "work/form.html", {"form": form, "title": _("메모보고 작성")},
                  status=400 if form.errors else 200)


def _render_memo(request, pk: int, reply_form=None, status: int = 200):
    person = current_person(request)
    memo = selectors.memo_for(person=person, pk=pk)
    if memo is None:
        raise Http404
    return render(request, "work/memo_detail.html", {
        "memo": memo, "reply_form": reply_form or ReplyForm(),
        "is_author": memo.author_id == person.pk}, status=status)


@staff_only
def memo_detail(request, pk: int):
    person = current_person(request)
    memo = selectors.memo_for(person=person, pk=pk)
    if memo is None:
        raise Http404
    services.memo_mark_read(memo=memo, actor=person, origin=Origin.from_request(request))
    return _render_memo(request, pk)


@staff_only
@require_POST
def memo_reply(request, pk: int):
    person = current_person(request)
    memo = selectors.memo_for(person=person, pk=pk)
    if memo is None:
        raise Http404
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.memo_reply(memo=memo, actor=person, origin=Origin.from_request(request),
                                **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("답신을 보냈습니다."))
            return redirect("work:memo", pk=pk)
    return _render_memo(request, pk, reply_form=form, status=400)


# --- instructions ------------------------------------------------------------------------


@staff_only
def instructions(request):
    person, box = current_person(request), request.GET.get("box", "received")
    status = request.GET.get("status", "")
    if box == "issued":
        rows = selectors.instructions_issued(person=person)
    else:
        box = "received"
        rows = selectors.instructions_received(person=person, status=status)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "work/instruction_list.html", {
        "page": page, "box": box, "boxes": INSTRUCTION_BOXES, "status": status,
        "statuses": AssignmentStatus.choices, "today": timezone.localdate(),
        "can_issue": selectors.can_issue_instructions(person),
        "querystring": request.GET.copy()})


@person_passes(selectors.can_issue_instructions)
@require_http_methods(["GET", "POST"])
def instruction_new(request):
    person = current_person(request)
    form = InstructionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            instruction = services.instruction_issue(
                actor=person, origin=Origin.from_request(request), **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("지시사항을 내렸습니다."))
            return redirect("work:instruction", pk=instruction.pk)
    return render(request, "work/form.html", {"form": form, "title": _("지시사항 작성")},
                  status=400 if form.errors else 200)


def _render_instruction(request, pk: int, complete_form=None, status: int = 200):
    person = current_person(request)
    instruction = selectors.instruction_for(person=person, pk=pk)
    if instruction is None:
        raise Http404
    today = timezone.localdate()
    assignments = list(instruction.assignments.all())
    for row in assignments:
        row.overdue = row.status == AssignmentStatus.OPEN and instruction.due_date < today
    mine = next((row for row in assignments if row.assignee_id == person.pk), None)
    return render(request, "work/instruction_detail.html", {
        "instruction": instruction, "assignments": assignments, "mine": mine,
        "is_issuer": instruction.issuer_id == person.pk,
        "complete_form": complete_form or CompleteForm()}, status=status)


@staff_only
def instruction_detail(request, pk: int):
    return _render_instruction(request, pk)


@staff_only
@require_POST
def instruction_complete(request, pk: int):
    person = current_person(request)
    instruction = selectors.instruction_for(person=person, pk=pk)
    if instruction is None:
        raise Http404
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.instruction_complete(instruction=instruction, actor=person,
                                          origin=Origin.from_request(request),
                                          **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("완료 처리했습니다."))
            return redirect("work:instruction", pk=pk)
    return _render_instruction(request, pk, complete_form=form, status=400)
