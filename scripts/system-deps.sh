#!/usr/bin/env bash
# Installs (as root, with apt-get) or lists the system packages the project needs:
# the PostgreSQL server, Pango for WeasyPrint, gettext for translations, fonts for PDFs,
# poppler-utils to read PDFs back, and Debian's Chromium for the browser tests.
set -euo pipefail

missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }

ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql postgresql-contrib)
have_lib 'libpango-1.0.so' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
command -v msgfmt >/dev/null || missing+=(gettext)
[[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v chromium >/dev/null || missing+=(chromium)
command -v python3 >/dev/null || missing+=(python3 python3-venv)

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  aptlog="$(mktemp)"
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$aptlog" 2>&1; then
    tail -n 30 "$aptlog" >&2
    echo "apt-get failed; install these packages by hand: ${missing[*]}" >&2
    exit 1
  fi
  rm -f "$aptlog"
else
  echo "Familjelotsen needs these system packages; install them first, e.g.:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
