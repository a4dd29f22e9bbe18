from django.urls import path

from core.approvals import pdf, views

app_name = "approvals"
urlpatterns = [
    path("", views.boxes, name="boxes"),
    path("new/", views.draft, name="draft"),
    path("people/", views.people, name="people"),
    path("<int:pk>/", views.document, name="document"),
    path("<int:pk>/pdf/", pdf.document_pdf, name="document_pdf"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/redraft/", views.redraft, name="redraft"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/receive/<int:recipient_pk>/", views.receive, name="receive"),
    path("<int:pk>/circulate/", views.circulate, name="circulate"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/skip/", views.skip, name="skip"),
    path("<int:pk>/management/", views.management, name="management"),
    path("absences/", views.absences, name="absences"),
]
