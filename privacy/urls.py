"""The privacy app's pages. Included at the root without a namespace: the URL names
(`register_extract`, `access_log`, …) are global, and the paths are those users know."""

from django.urls import path

from privacy import log_extract, log_review, views

urlpatterns = [
    # Loggkontroll: the log page, its CSV export, the recorded reviews and a family's extract.
    path("loggkontroll/", log_review.access_log, name="access_log"),
    path("loggkontroll/export.csv", log_extract.access_log_csv, name="access_log_csv"),
    path("loggkontroll/granskningar/", log_review.access_log_reviews, name="access_log_reviews"),
    path(
        "loggkontroll/familj/<int:pk>/utdrag.pdf",
        log_extract.family_log_extract,
        name="family_log_extract",
    ),
    path(
        "familjer/medlem/<int:pk>/registerutdrag.<str:fmt>",
        views.register_extract,
        name="register_extract",
    ),
]
