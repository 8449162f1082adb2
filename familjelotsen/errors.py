"""Swedish error pages without stack traces or personal data."""

from __future__ import annotations

from django.shortcuts import render


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Rendered without a request context: nothing about the user or the record leaks.
    return render(None, "errors/500.html", status=500)
