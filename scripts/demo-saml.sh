#!/usr/bin/env bash
# The demo's login service for Region Örebro län (issue 21, single sign-on over SAML 2.0): the
# small SAML identity provider the tests use (tests/saml_provider.py) on 127.0.0.1:9401, knowing
# one staff member (scripts/demo-saml-people.json). `make run` starts it beside the web server;
# on its login page, pick her. Development only: it signs anyone in who is picked, with a key
# made afresh at each start.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m tests.saml_provider --port 9401 --people scripts/demo-saml-people.json
