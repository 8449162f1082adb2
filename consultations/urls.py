from __future__ import annotations

from django.urls import path

from consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("ny/", views.consultation_new, name="new"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
]
