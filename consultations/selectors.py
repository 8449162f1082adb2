"""Reads of consultations for the pages: always from the access policy's visible set."""

from __future__ import annotations

from django.db.models import QuerySet

from familjelotsen import access


def consultation_list(user) -> QuerySet:
    return access.visible_consultations(user).select_related("asking_administration", "recorded_by")
