from django.urls import path

from core.activity import views

app_name = "activity"

urlpatterns = [
    path("", views.records, name="records"),
    path("new/", views.record_new, name="record_new"),
    path("review/", views.review, name="review"),
    path("collect/", views.collect, name="collect"),
    path("<int:pk>/", views.record, name="record"),
    path("<int:pk>/files/<int:file_pk>/", views.record_file, name="record_file"),
    path("<int:pk>/<slug:action>/", views.record_decide, name="record_decide"),
    path("card/", views.my_card, name="my_card"),
    path("cards/", views.card_people, name="card_people"),
    path("cards/<int:person_id>/", views.card, name="card"),
    path("cards/<int:person_id>/entries/new/", views.card_entry_new, name="card_entry_new"),
    path("cards/entries/<int:pk>/edit/", views.card_entry_edit, name="card_entry_edit"),
    path("reports/people/<int:person_id>/", views.person_report, name="person_report"),
    path("reports/units/<int:unit_id>/", views.unit_report, name="unit_report"),
]
