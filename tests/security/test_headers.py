"""Strict headers on every page: a nonce-based Content-Security-Policy without unsafe-inline or
unsafe-eval, a Permissions-Policy that denies device features, no caching of signed-in pages,
and htmx configured for that CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")
# GET on these would change state or needs a pending login: still checked, any status.
REQUIRED_DIRECTIVES = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
}


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def _reversible_urls():
    urls = {}
    for name in sorted(set(_url_names())):
        try:
            urls[name] = reverse(name)
        except NoReverseMatch:
            continue  # needs arguments (ids): covered by the same middleware
    return urls


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    parts = [p.strip() for p in header.split(";") if p.strip()]
    return {p.split(" ", 1)[0]: (p.split(" ", 1) + [""])[1] for p in parts}


def _assert_strict(response, where):
    assert "Content-Security-Policy" in response, where
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header, where
    assert "unsafe-eval" not in header, where
    policy = _policy(response)
    for directive, value in REQUIRED_DIRECTIVES.items():
        assert policy.get(directive) == value, (where, directive, policy.get(directive))
    script_src = policy.get("script-src", "")
    assert script_src.startswith("'self'"), where
    assert "Permissions-Policy" in response, where


def test_every_url_name_sends_a_strict_csp(client, ombud):
    urls = _reversible_urls()
    assert len(urls) >= 20, "the URL resolver should yield the application's pages"
    client.raise_request_exception = False  # a broken page must still carry the headers
    for signed_in in (False, True):
        if signed_in:
            client.force_login(ombud)
        for name, url in urls.items():
            response = client.get(url)
            _assert_strict(response, f"{name} ({'ombud' if signed_in else 'anonymous'})")


def test_each_page_gets_a_fresh_nonce_that_its_scripts_carry(client, ombud):
    client.force_login(ombud)
    nonces = []
    for _ in range(2):
        response = client.get(reverse("cases:my_families"))
        assert response.status_code == 200
        nonce = NONCE.search(_policy(response)["script-src"]).group(1)
        body = response.content.decode()
        scripts = re.findall(r"<script\b[^>]*>", body)
        assert scripts
        for tag in scripts:
            if 'type="application/json"' not in tag:
                assert f'nonce="{nonce}"' in tag, tag
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert len(nonces[0]) >= 22  # 128 random bits


def test_login_page_carries_the_nonce_too(client):
    response = client.get(reverse("account_login"))
    nonce = NONCE.search(_policy(response)["script-src"]).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()


def test_permissions_policy_denies_device_features_but_allows_security_keys(client):
    header = client.get(reverse("account_login"))["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature
    assert features["publickey-credentials-get"] == "(self)"


def test_htmx_is_configured_for_a_strict_csp(client):
    body = client.get(reverse("account_login")).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', body).group(1)
    import json

    options = json.loads(config)
    assert options["allowEval"] is False
    assert options["allowScriptTags"] is False
    assert options["selfRequestsOnly"] is True
    assert options["historyCacheSize"] == 0
    assert options["includeIndicatorStyles"] is False


def test_signed_in_pages_are_not_cached_anywhere(client, ombud):
    client.force_login(ombud)
    for name in ("cases:my_families", "mfa_index"):
        response = client.get(reverse(name))
        assert "no-store" in response["Cache-Control"], name


def test_templates_have_no_inline_scripts_or_styles():
    """Strict CSP blocks them: they would silently not work in the browser."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
        if re.search(r"<style\b", text):
            offenders.append(f"{path.relative_to(ROOT)}: <style> block")
        if re.search(r"\sstyle\s*=", text):
            offenders.append(f"{path.relative_to(ROOT)}: style= attribute")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline event handler")
        if re.search(r"\shx-on[:-]", text):
            offenders.append(f"{path.relative_to(ROOT)}: hx-on (needs eval)")
    assert not offenders, offenders
