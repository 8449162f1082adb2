from django.urls import path

from familjelotsen import access_views

urlpatterns = [
    path("loggkontroll/", access_views.access_log, name="access_log"),
    path(
        "loggkontroll/familj/<int:pk>/utdrag.pdf",
        access_views.family_log_extract,
        name="family_log_extract",
    ),
]
