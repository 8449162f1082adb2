from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from familjelotsen.access import CASE_ROLES, require_roles


@require_GET
@require_roles(*CASE_ROLES)
def my_families(request):
    return render(request, "cases/my_families.html", {"families": []})


@require_GET
@require_roles(*CASE_ROLES)
def waiting_list(request):
    return render(request, "cases/waiting_list.html", {"families": []})


@require_GET
@require_roles(*CASE_ROLES)
def pupils(request):
    return render(request, "cases/pupils.html", {"pupils": []})


@require_GET
@require_roles(*CASE_ROLES)
def shared(request):
    return render(request, "cases/shared.html", {"families": []})
