from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from familjelotsen.context_processors import NAVIGATION


@require_GET
def home(request):
    """Each role starts on its own page."""
    entries = NAVIGATION.get(request.user.role)
    if not entries:
        return redirect("account_logout")
    return redirect(entries[0][0])


@login_not_required
@require_GET
def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


def not_offered(request):
    """An address of a library's feature that Familjelotsen does not offer."""
    raise Http404
