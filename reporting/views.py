from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from familjelotsen.models import User


@require_GET
def dashboard(request):
    if request.user.role not in (User.Role.PROJECT_LEADER, User.Role.TEAM_LEAD):
        raise PermissionDenied
    return render(request, "reporting/dashboard.html", {})
