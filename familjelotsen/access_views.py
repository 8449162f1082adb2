from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from familjelotsen.models import User


@require_GET
def access_log(request):
    if request.user.role != User.Role.TEAM_LEAD:
        raise PermissionDenied
    return render(request, "familjelotsen/access_log.html", {"entries": []})
