#!/usr/bin/env bash
# The demo's login service for Nora kommun (issue 21, single sign-on): a real OpenID Connect
# provider for testing (oidc-provider-mock, installed with the test tools) on 127.0.0.1:9400,
# knowing two staff members. `make run` starts it beside the web server; on its login page,
# pick one of them. Development only: it signs anyone in who is picked.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/oidc-provider-mock --host 127.0.0.1 --port 9400 \
  --user-claims '{"sub": "nora-eva", "preferred_username": "eva", "given_name": "Eva", "family_name": "Lind", "roles": ["fl-ombud"], "department": "IFO Nora", "amr": ["pwd", "mfa"]}' \
  --user-claims '{"sub": "nora-olle", "preferred_username": "olle", "given_name": "Olle", "family_name": "Berg", "roles": ["alla-anstallda"], "department": "IFO Nora", "amr": ["pwd"]}'
