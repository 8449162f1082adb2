from django.urls import path

from familjelotsen import access_views

urlpatterns = [
    path("loggkontroll/", access_views.access_log, name="access_log"),
]
