from __future__ import annotations

from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("ny/", views.course_new, name="new"),
    path("<int:pk>/", views.course_detail, name="detail"),
    path("<int:pk>/andra/", views.course_edit, name="edit"),
    path("<int:pk>/tillfallen/", views.session_add, name="session_add"),
    path("<int:pk>/deltagare/", views.participant_add, name="participant_add"),
    path("<int:pk>/tillfallen/<int:session_id>/", views.attendance, name="attendance"),
]
