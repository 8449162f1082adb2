"""A real SAML 2.0 identity provider for the single sign-on tests (issue 21), served on
127.0.0.1 by a thread of the test process (or on its own for the demo: `python -m
tests.saml_provider --port 9401`).

It is small but speaks the protocol as a federation's provider does: it publishes its metadata
(entity id, signing certificate, single sign-on address), takes an authentication request by
the HTTP-Redirect binding (deflated, base64), lets the staff member log in at its form, and
answers by the HTTP-POST binding with a response whose assertion it signs with its own key
(RSA-SHA256, made afresh at each start): subject (a persistent NameID), audience, recipient,
validity, authentication context class and attributes. Staff members are set over its API
(`PUT /users/<name id>`). Familjelotsen reads the metadata over HTTP and checks the response
with python3-saml and xmlsec; nothing of the exchange is mocked.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import html
import json
import threading
import uuid
import zlib
from contextlib import contextmanager
from xml.sax.saxutils import escape, quoteattr

import httpx
import werkzeug.serving
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from werkzeug.wrappers import Request, Response

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def _key_and_certificate() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test identity provider")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def _instant(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class IdentityProviderApp:
    """The provider: a WSGI application."""

    def __init__(self) -> None:
        self.key, self.cert = _key_and_certificate()
        self.base_url = ""
        self.people: dict[str, dict] = {}

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/metadata"

    def __call__(self, environ, start_response):
        request = Request(environ)
        if not self.base_url:
            self.base_url = request.host_url.rstrip("/")
        try:
            response = self.dispatch(request)
        except (ValueError, KeyError, etree.XMLSyntaxError, zlib.error) as error:
            response = Response(f"bad request: {error}", status=400)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path == "/metadata":
            return Response(self.metadata(), content_type="application/samlmetadata+xml")
        if request.path == "/sso" and request.method == "GET":
            return self.login_form(request.args["SAMLRequest"], request.args.get("RelayState"))
        if request.path == "/sso" and request.method == "POST":
            form = request.form
            return self.answer(form["SAMLRequest"], form.get("RelayState"), form["name_id"])
        if request.path.startswith("/users/") and request.method == "PUT":
            self.people[request.path.removeprefix("/users/")] = json.loads(request.data)
            return Response(status=204)
        return Response("not found", status=404)

    # --- Metadata --------------------------------------------------------------------------

    def metadata(self) -> str:
        cert = "".join(self.cert.strip().splitlines()[1:-1])
        return (
            '<?xml version="1.0"?>'
            '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" '
            f"entityID={quoteattr(self.entity_id)}>"
            '<md:IDPSSODescriptor WantAuthnRequestsSigned="false" '
            f'protocolSupportEnumeration="{SAMLP}">'
            '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>'
            f"<ds:X509Certificate>{cert}</ds:X509Certificate>"
            "</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            "<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
            "</md:NameIDFormat>"
            f'<md:SingleSignOnService Binding="{C.BINDING_HTTP_REDIRECT}" '
            f"Location={quoteattr(self.base_url + '/sso')}/>"
            "</md:IDPSSODescriptor></md:EntityDescriptor>"
        )

    # --- The login -------------------------------------------------------------------------

    @staticmethod
    def authn_request(saml_request: str) -> dict:
        """The authentication request's id, its service provider and where to answer."""
        xml = zlib.decompress(base64.b64decode(saml_request), -15)
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
        if root.tag != f"{{{SAMLP}}}AuthnRequest":
            raise ValueError("not an AuthnRequest")
        return {
            "id": root.get("ID"),
            "acs": root.get("AssertionConsumerServiceURL"),
            "sp": root.findtext(f"{{{SAML}}}Issuer"),
        }

    def login_form(self, saml_request: str, relay_state: str | None) -> Response:
        request = self.authn_request(saml_request)
        buttons = "".join(
            f'<button name="name_id" value="{html.escape(name_id)}">{html.escape(name_id)}</button>'
            for name_id in sorted(self.people)
        )
        page = (
            "<!doctype html><html lang='en'><title>Test identity provider</title>"
            f"<h1>Log in to {html.escape(request['sp'] or '')}</h1>"
            '<form method="post" action="/sso">'
            f'<input type="hidden" name="SAMLRequest" value="{html.escape(saml_request)}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay_state or "")}">'
            f"{buttons}</form></html>"
        )
        return Response(page, content_type="text/html; charset=utf-8")

    def answer(self, saml_request: str, relay_state: str | None, name_id: str) -> Response:
        """The signed response, posted to the service provider by the browser."""
        request = self.authn_request(saml_request)
        person = self.people[name_id]
        response = self.response_xml(request, name_id, person)
        encoded = base64.b64encode(response.encode()).decode()
        page = (
            "<!doctype html><html><body onload='document.forms[0].submit()'>"
            f'<form method="post" action="{html.escape(request["acs"])}">'
            f'<input type="hidden" name="SAMLResponse" value="{encoded}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay_state or "")}">'
            "<noscript><button>Continue</button></noscript></form></body></html>"
        )
        return Response(page, content_type="text/html; charset=utf-8")

    def response_xml(self, request: dict, name_id: str, person: dict) -> str:
        now = dt.datetime.now(dt.UTC)
        issued, until = _instant(now), _instant(now + dt.timedelta(minutes=5))
        attributes = "".join(
            f'<saml:Attribute Name={quoteattr(name)} NameFormat="{C.ATTRNAME_FORMAT_URI}">'
            + "".join(
                f"<saml:AttributeValue>{escape(str(value))}</saml:AttributeValue>"
                for value in (values if isinstance(values, list) else [values])
            )
            + "</saml:Attribute>"
            for name, values in person.get("attributes", {}).items()
        )
        assertion = (
            f'<saml:Assertion xmlns:saml="{SAML}" ID="_{uuid.uuid4().hex}" Version="2.0" '
            f'IssueInstant="{issued}">'
            f"<saml:Issuer>{escape(self.entity_id)}</saml:Issuer>"
            "<saml:Subject>"
            f'<saml:NameID Format="{C.NAMEID_PERSISTENT}">{escape(name_id)}</saml:NameID>'
            f'<saml:SubjectConfirmation Method="{C.CM_BEARER}">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{until}" '
            f"Recipient={quoteattr(request['acs'])} InResponseTo={quoteattr(request['id'])}/>"
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_instant(now - dt.timedelta(minutes=1))}" '
            f'NotOnOrAfter="{until}"><saml:AudienceRestriction>'
            f"<saml:Audience>{escape(request['sp'])}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{issued}" SessionIndex="_{uuid.uuid4().hex}">'
            "<saml:AuthnContext><saml:AuthnContextClassRef>"
            f"{escape(person.get('authn_context', PASSWORD_CONTEXT))}"
            "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            f"<saml:AttributeStatement>{attributes}</saml:AttributeStatement>"
            "</saml:Assertion>"
        )
        signed = OneLogin_Saml2_Utils.add_sign(
            assertion, self.key, self.cert, sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256
        )
        signed = signed.decode() if isinstance(signed, bytes) else signed
        return (
            f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" '
            f'ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{issued}" '
            f"Destination={quoteattr(request['acs'])} InResponseTo={quoteattr(request['id'])}>"
            f"<saml:Issuer>{escape(self.entity_id)}</saml:Issuer>"
            f'<samlp:Status><samlp:StatusCode Value="{C.STATUS_SUCCESS}"/></samlp:Status>'
            f"{signed}</samlp:Response>"
        )


@contextmanager
def running_provider():
    """The provider's base address while it runs; its metadata is at <base>/metadata."""
    app = IdentityProviderApp()
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    app.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield app.base_url
    finally:
        server.shutdown()
        thread.join(5)


def set_person(provider_url: str, name_id: str, authn_context: str, **attributes) -> None:
    """A staff member as the provider knows them: their NameID, the authentication context
    class their login gets, and their attributes (name → value or list of values)."""
    httpx.put(
        f"{provider_url}/users/{name_id}",
        json={"authn_context": authn_context, "attributes": attributes},
    ).raise_for_status()


def main() -> None:  # pragma: no cover - the demo's provider (scripts/demo-saml.sh)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9401)
    parser.add_argument("--people", help="JSON file: {name id: {authn_context, attributes}}")
    options = parser.parse_args()
    app = IdentityProviderApp()
    app.base_url = f"http://127.0.0.1:{options.port}"
    if options.people:
        with open(options.people, encoding="utf-8") as people:
            app.people.update(json.load(people))
    werkzeug.serving.run_simple("127.0.0.1", options.port, app, threaded=True)


if __name__ == "__main__":  # pragma: no cover
    main()
