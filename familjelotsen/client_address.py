"""The client's address and its description for throttling (django-axes).

Wired in settings: ``AXES_CLIENT_IP_CALLABLE`` (`client_ip`) and ``AXES_CLIENT_STR_CALLABLE``
(`axes_client_str`). The access log (`familjelotsen.audit`) records the same address.
"""

from __future__ import annotations

import hashlib
import hmac

from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client address for django-axes, derived exactly as allauth's rate limits derive it
    (ALLAUTH_TRUSTED_PROXY_COUNT), so both throttles count the same client. Derived once per
    request: a list page's access log asks for it once per row."""
    if hasattr(request, "_fl_client_ip"):
        return request._fl_client_ip
    try:
        address = get_account_adapter(request).get_client_ip(request)
    except PermissionDenied:
        # No usable address (a login made in code, e.g. the test client's force_login):
        # nothing to throttle by address.
        address = None
    request._fl_client_ip = address
    return address


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """django-axes' description of a client in log lines: a keyed pseudonym instead of the
    typed username (which may be a name or a personnummer typed by mistake) and address."""
    key = settings.SECRET_KEY.encode()
    pseudonym = hmac.new(key, f"{username}|{ip_address}".encode(), hashlib.sha256).hexdigest()
    return f"{{client: {pseudonym[:16]}, path: {str(path_info)[:80]}}}"
