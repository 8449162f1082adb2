"""The start page of the administration area and the change history."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from familjelotsen import access
from familjelotsen.paging import page_number
from sysadmin import selectors

HISTORY_PER_PAGE = 100


@require_GET
@access.require_administrator
def index(request):
    return render(
        request,
        "sysadmin/index.html",
        {"changes": selectors.change_history(limit=10)},
    )


@require_GET
@access.require_administrator
def history(request):
    number = page_number(request.GET.get("sida"))
    changes = selectors.change_history(
        limit=HISTORY_PER_PAGE + 1, offset=(number - 1) * HISTORY_PER_PAGE
    )
    return render(
        request,
        "sysadmin/history.html",
        {
            "changes": changes[:HISTORY_PER_PAGE],
            "number": number,
            "has_next": len(changes) > HISTORY_PER_PAGE,
        },
    )
