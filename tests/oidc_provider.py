"""A real OpenID Connect provider for the single sign-on tests (issue 21): oidc-provider-mock
(built on authlib), served on 127.0.0.1 by a thread of the test process. Clients register
over its API, staff members' claims are set over its API, and a test (or Chromium) logs in at
its authorisation form. Nothing of the protocol is mocked."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

import httpx
import oidc_provider_mock
import werkzeug.serving


@contextmanager
def running_provider():
    """The provider's base address while it runs (clients must register)."""
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on the loopback only
    app = oidc_provider_mock.app(require_client_registration=True)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def register_client(provider_url: str, redirect_uri: str) -> dict:
    """Register Familjelotsen as a client with one return address: its id and secret."""
    answer = httpx.post(
        f"{provider_url}/oauth2/clients",
        json={"redirect_uris": [redirect_uri], "token_endpoint_auth_method": "client_secret_post"},
    )
    answer.raise_for_status()
    return answer.json()


def set_person(provider_url: str, sub: str, **claims) -> None:
    """A staff member as the provider knows them: their subject and claims."""
    httpx.put(f"{provider_url}/users/{sub}", json=claims).raise_for_status()
