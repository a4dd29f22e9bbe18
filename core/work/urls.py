from django.urls import path

from core.work import views

app_name = "work"
urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("new/", views.task_new, name="task_new"),
    path("board/", views.board, name="board"),
    path("<int:pk>/", views.task_card, name="task"),
    path("<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("<int:pk>/decisions/", views.task_decision, name="task_decision"),
    path("<int:pk>/documents/", views.task_link, name="task_link"),
    path("<int:pk>/documents/<int:document_pk>/unlink/", views.task_unlink,
         name="task_unlink"),
    path("memos/", views.memos, name="memos"),
    path("memos/new/", views.memo_new, name="memo_new"),
    path("memos/<int:pk>/", views.memo_detail, name="memo"),
    path("memos/<int:pk>/reply/", views.memo_reply, name="memo_reply"),
    path("instructions/", views.instructions, name="instructions"),
    path("instructions/new/", views.instruction_new, name="instruction_new"),
    path("instructions/<int:pk>/", views.instruction_detail, name="instruction"),
    path("instructions/<int:pk>/complete/", views.instruction_complete,
         name="instruction_complete"),
]
