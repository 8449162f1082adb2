from __future__ import annotations

from django.urls import path

from sip import views

app_name = "sip"
urlpatterns = [
    path("familj/<int:family_id>/", views.family, name="family"),
    path("familj/<int:family_id>/ny/", views.plan_create, name="plan_create"),
    path("mina-insatser/", views.my_interventions, name="my_interventions"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/andra/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/status/", views.plan_transition, name="plan_transition"),
    path("<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("<int:pk>/deltagare/ny/", views.participant_add, name="participant_add"),
    path(
        "<int:pk>/deltagare/<int:participant_id>/ta-bort/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/behov/ny/", views.need_add, name="need_add"),
    path("<int:pk>/insatser/ny/", views.intervention_add, name="intervention_add"),
    path(
        "<int:pk>/insatser/<int:intervention_id>/",
        views.intervention_edit,
        name="intervention_edit",
    ),
    path(
        "<int:pk>/insatser/<int:intervention_id>/lage/",
        views.intervention_report,
        name="intervention_report",
    ),
    path("<int:pk>/andra-aktorer/ny/", views.measure_add, name="measure_add"),
    path("<int:pk>/moten/ny/", views.meeting_add, name="meeting_add"),
    path("<int:pk>/uppfoljning/ny/", views.follow_up_add, name="follow_up_add"),
    path("<int:pk>/utskick/ny/", views.distribution_add, name="distribution_add"),
]
