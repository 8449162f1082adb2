"""URLs of the reminder pages (issue 9), included by cases/urls.py under /familjer/."""

from __future__ import annotations

from django.urls import path

from cases import reminder_views as views

urlpatterns = [
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
