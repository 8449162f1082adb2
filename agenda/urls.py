"""URLs of the agenda, included under /familjer/ beside the pages of cases (the addresses
are those of the family pages they belong to; the names are in the `agenda` namespace)."""

from __future__ import annotations

from django.urls import path

from agenda import views

app_name = "agenda"
urlpatterns = [
    path("<int:pk>/besok/", views.visit_book, name="visit_book"),
    path("besok/<int:pk>/avboka/", views.visit_cancel, name="visit_cancel"),
    path("<int:pk>/sms/", views.family_outbox, name="sms_outbox"),
    path("sms/<int:pk>/forsok-igen/", views.reminder_retry, name="sms_retry"),
    path("sms/<int:pk>/avbryt/", views.reminder_cancel, name="sms_cancel"),
    path("sms/misslyckade/", views.failed_sends, name="sms_failed"),
    path("utskick/<int:pk>/forsok-igen/", views.digest_retry, name="digest_retry"),
    path("besok/<int:pk>/flytta/", views.visit_reschedule, name="visit_reschedule"),
    path("idag/", views.digest, name="digest"),
    path("kalender/", views.calendar_settings, name="calendar"),
    path("kalender/<str:token>.ics", views.calendar_feed_ics, name="calendar_feed"),
]
