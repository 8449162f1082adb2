"""One-time form tokens: a form submitted twice (double click, a resent POST after a network
hiccup, the back button) creates one record.

Usage — in the template, inside the ``<form method="post">`` (the tag is a builtin, no
``{% load %}`` needed)::

    {% csrf_token %}
    {% form_token %}

and on the view that handles the POST::

    from familjelotsen.idempotency import idempotent_post

    @idempotent_post
    def journal_entry_create(request, family_id): ...

Contract:

* The view follows POST/redirect/GET: on success it returns a redirect (``302``/``303``) or,
  for htmx, a ``HX-Redirect`` response. That location is stored with the token for a day.
* A repeated POST with the same token does not run the view again: it gets the first
  response's redirect (as ``HX-Redirect`` when the repeat is an htmx request).
* A POST while the first one with the same token is still running waits up to a few seconds
  for it, then answers ``409`` with a page saying the form is being saved.
* A response that is not a redirect (a form re-shown with validation errors) or an exception
  frees the token, so correcting the form and sending it again works.
* A POST without a (well-formed) token runs the view as usual.

Tokens live in the shared database cache, keyed by user, so workers agree and one user's
token never matches another's.
"""

from __future__ import annotations

import functools
import re
import secrets
import time
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect

FIELD_NAME = "form_token"
TOKEN_TTL = 24 * 60 * 60
WAIT_FOR_FIRST = 5.0
_POLL = 0.1
_PENDING = "pending"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def new_form_token() -> str:
    return secrets.token_hex(16)


def _cache_key(request: HttpRequest, token: str) -> str:
    user = getattr(request, "user", None)
    owner = user.pk if user is not None and user.is_authenticated else "anon"
    return f"fl:form-token:{owner}:{token}"


def _success_location(response: HttpResponse) -> str | None:
    if response.get("HX-Redirect"):
        return response["HX-Redirect"]
    if response.status_code in (301, 302, 303, 307, 308) and response.get("Location"):
        return response["Location"]
    return None


def _redirect(request: HttpRequest, location: str) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(location)
    return HttpResponseRedirect(location)


def _run_first(view, key, request, *args, **kwargs) -> HttpResponse:
    try:
        response = view(request, *args, **kwargs)
    except BaseException:
        cache.delete(key)
        raise
    location = _success_location(response)
    if location is None:
        cache.delete(key)
    else:
        cache.set(key, location, TOKEN_TTL)
    return response


def idempotent_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a POST view at most once per one-time form token (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get(FIELD_NAME, "") if request.method == "POST" else ""
        if not _TOKEN.match(token):
            return view(request, *args, **kwargs)
        key = _cache_key(request, token)
        deadline = time.monotonic() + WAIT_FOR_FIRST
        while True:
            # cache.add is atomic on the database cache (unique key): one request wins.
            if cache.add(key, _PENDING, TOKEN_TTL):
                return _run_first(view, key, request, *args, **kwargs)
            stored = cache.get(key)
            if stored is not None and stored != _PENDING:
                return _redirect(request, stored)
            # Still pending (or just freed by a failed first attempt: the next add wins).
            if time.monotonic() >= deadline:
                return render(request, "errors/409.html", status=409)
            if stored is not None:
                time.sleep(_POLL)

    return wrapper
