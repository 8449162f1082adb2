# Familjelotsen: two commands do everything.
#   make run    set up (system packages, virtualenv, local PostgreSQL, migrations,
#               translations, demo data) and serve on http://127.0.0.1:8000
#   make test   the same set-up, then the whole test suite on a throw-away database
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
	# Nora's demo login service (single sign-on) on 127.0.0.1:9400, stopped with the server.
	scripts/demo-oidc.sh >.local/demo-oidc.log 2>&1 &
	oidc=$$!
	stop_worker() {
	  kill -TERM "$$worker" "$$oidc" 2>/dev/null || true
	  wait "$$worker" "$$oidc" 2>/dev/null || true
	}
	trap stop_worker EXIT
	trap 'exit 130' INT TERM
	$(PY) manage.py runserver 127.0.0.1:8000

test: system venv verify-browser messages
	@$(DBENV)
	$(PY) -m pytest $(PYTEST_ARGS)

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
