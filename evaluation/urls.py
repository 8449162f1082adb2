from __future__ import annotations

from django.urls import path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("familj/<int:family_id>/", views.family, name="family"),
    path("familj/<int:family_id>/ny/", views.questionnaire_new, name="questionnaire_new"),
    path("familj/<int:family_id>/deltagande/", views.agreement_record, name="agreement_record"),
    path(
        "familj/<int:family_id>/deltagande/aterkalla/",
        views.agreement_withdraw,
        name="agreement_withdraw",
    ),
    path("enkat/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("enkat/<int:pk>/ratta/", views.questionnaire_correct, name="questionnaire_correct"),
    path("formular/", views.questionnaire_print, name="questionnaire_print"),
    path("samverkan/", views.rounds, name="rounds"),
    path("samverkan/<int:pk>/", views.round_detail, name="round_detail"),
    path("samverkan/<int:pk>/stang/", views.round_close, name="round_close"),
    path("samverkan/<int:round_id>/svara/", views.survey_answer, name="survey_answer"),
    path("uttag/", views.extract, name="extract"),
]
