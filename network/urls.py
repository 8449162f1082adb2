from __future__ import annotations

from django.urls import path

from network import views

app_name = "network"
urlpatterns = [
    path("familj/<int:family_id>/", views.family, name="family"),
    path("familj/<int:family_id>/ny/", views.process_create, name="process_create"),
    path("<int:pk>/", views.process_detail, name="process_detail"),
    path("<int:pk>/andra/", views.process_edit, name="process_edit"),
    path("<int:pk>/avsluta/", views.process_close, name="process_close"),
    path("<int:pk>/natverket/ny/", views.participant_add, name="participant_add"),
    path("<int:pk>/moten/ny/", views.meeting_add, name="meeting_add"),
    path("<int:pk>/moten/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/moten/<int:meeting_id>/atgarder/ny/", views.action_add, name="action_add"),
    path("<int:pk>/atgarder/<int:action_id>/status/", views.action_status, name="action_status"),
    path("<int:pk>/behovsinventering/ny/", views.inventory_add, name="inventory_add"),
    path("<int:pk>/tid/ny/", views.time_add, name="time_add"),
]
