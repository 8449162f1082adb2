# Familjelotsen: two commands do everything.
#   make run    set up (system packages, virtualenv, local PostgreSQL, migrations,
#               translations, demo data) and serve on http://127.0.0.1:8000
#   make test   the same set-up, then the whole test suite on throw-away databases
# Set DATABASE_URL to use an existing PostgreSQL instead of the project-local cluster.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# Development defaults; production sets its own environment (see .env.example).
export DJANGO_DEBUG ?= true
export DJANGO_SECRET_KEY ?= dev-only-insecure-key-never-use-in-production-0123456789abcdef
# Sourced by every target that needs the database: starts the local cluster when no
# DATABASE_URL is given and exports its URL.
DBENV := if [[ -z "$${DATABASE_URL:-}" ]]; then DATABASE_URL="$$(scripts/pg.sh start)"; export DATABASE_URL; fi

.PHONY: run test stop setup system venv verify verify-browser migrate messages demo lint format bench backup restore clean

system:
	@scripts/system-deps.sh

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	[[ -x $(PY) ]] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

# Runs what the system packages provide (PDF rendering, PostgreSQL, and for the tests the
# Playwright driver with Chromium): a missing library fails here, named, not in a test.
verify: system venv
	@scripts/verify-system.sh

verify-browser: system venv
	@scripts/verify-system.sh --browser

messages: system
	@for po in locale/*/LC_MESSAGES/django.po; do msgfmt --check-format -o "$${po%.po}.mo" "$$po"; done

setup: system venv verify messages
	@$(DBENV)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

run: setup
	@$(DBENV)
	$(PY) manage.py print_demo_logins
	echo "Familjelotsen serves on http://127.0.0.1:8000 (stop with Ctrl-C; 'make stop' stops the database)"
	# The background worker (SMS reminders, digests, report PDFs) runs beside the web server
	# and stops with it. Without reloading: restart 'make run' after changing a task.
	$(PY) manage.py db_worker --no-reload --interval 2 &
	worker=$$!
	# The demo login services (single sign-on), stopped with the server: Nora's (OpenID
	# Connect) on 127.0.0.1:9400, the Region's (SAML) on 127.0.0.1:9401.
	scripts/demo-oidc.sh >.local/demo-oidc.log 2>&1 &
	oidc=$$!
	scripts/demo-saml.sh >.local/demo-saml.log 2>&1 &
	saml=$$!
	stop_worker() {
	  kill -TERM "$$worker" "$$oidc" "$$saml" 2>/dev/null || true
	  wait "$$worker" "$$oidc" "$$saml" 2>/dev/null || true
	}
	trap stop_worker EXIT
	trap 'exit 130' INT TERM
	$(PY) manage.py runserver 127.0.0.1:8000

# The tests without a browser run on TEST_WORKERS processes (pytest-xdist, a database each),
# a file at a time: a module's fixtures (the demo, the replica pair) are made once, and each
# worker runs the files in pytest-django's order (not xdist's largest-first), transactional
# ones last: they leave the database flushed. The browser tests then run in one process of their own: Playwright's
# event loop and the async health views must not share one. PYTEST_ARGS go to both; a half
# that PYTEST_ARGS leaves empty is skipped (pytest's exit code 5), both empty is an error.
# The test databases are copied from a template migrated once (manage.py test_template):
# migrating takes ~90 s of CPU, a copy a second.
TEST_WORKERS ?= 2
test: system venv verify-browser messages
	@$(DBENV)
	mkdir -p .local
	template=$$($(PY) manage.py test_template 2>.local/test-template.log) \
	  || { cat .local/test-template.log >&2; exit 1; }
	export DJANGO_TEST_DB_TEMPLATE="$$template"
	rc=0; $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not e2e" $(PYTEST_ARGS) || rc=$$?
	rc_e2e=0; $(PY) -m pytest -m e2e $(PYTEST_ARGS) || rc_e2e=$$?
	if [[ $$rc == 5 && $$rc_e2e == 5 ]]; then echo "no test matched PYTEST_ARGS" >&2; exit 5; fi
	[[ $$rc == 5 ]] && rc=0; [[ $$rc_e2e == 5 ]] && rc_e2e=0
	exit $$(( rc > rc_e2e ? rc : rc_e2e ))

stop:
	@scripts/pg-replica.sh stop
	scripts/pg.sh stop

# make bench [FAMILIES=2000] [RESEED=1] [BENCH_REPLICA=1|only]   performance at national scale on its own database
# (familjelotsen_bench on the local cluster); not part of make test. See bench/README.md.
bench: system venv
	@$(VENV)/bin/pip install -q -r bench/requirements.txt
	bench/run.sh

# make backup [FILE=path]          pg_dump (custom format) into BACKUP_DIR or .local/backups
# make restore FILE=path [YES=1]   replace the database's contents with a backup
backup: system
	@$(DBENV)
	scripts/backup.sh $(if $(FILE),"$(FILE)")

restore: system
	@$(DBENV)
	[[ -n "$(FILE)" ]] || { echo "usage: make restore FILE=path/to/backup.dump [YES=1]" >&2; exit 2; }
	scripts/restore.sh $(if $(YES),--yes) "$(FILE)"

lint: venv
	@$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	@$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: stop
	rm -rf .local $(VENV) staticfiles
