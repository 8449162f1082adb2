#!/usr/bin/env bash
# Installs (as root, with apt-get) or lists the Debian packages the project needs on a bare
# Debian 12 / Ubuntu: the PostgreSQL server, Pango and HarfBuzz for WeasyPrint, gettext for
# translations, fonts for PDFs, poppler-utils to read PDFs back, Debian's Chromium for the
# browser tests and libatomic1 for Playwright's bundled Node.js driver.
#
# Whether these actually work is checked by running them, after the virtualenv exists:
# scripts/verify-system.sh (make test and make run call both). When verification names a
# library this list lacks, add its package here.
#
# Fast when everything is present: one dpkg-query, no apt-get.
set -euo pipefail

packages=(
  postgresql postgresql-contrib # the project-local cluster (initdb, pg_ctl, pg_dump)
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 # WeasyPrint
  fonts-dejavu-core # PDFs and the axe scan render with a known font
  gettext           # msgfmt compiles the Swedish translation
  poppler-utils     # tests read PDFs back
  chromium          # browser tests: Debian's Chromium, never a downloaded one
  libatomic1        # Playwright's Node.js driver (not in a minimal Debian)
  python3-venv      # make creates .venv
)

missing=()
if command -v dpkg-query >/dev/null; then
  # "install ok installed" for each installed package; anything else (or nothing) is missing.
  declare -A ok=()
  while read -r name status; do
    [[ $status == installed ]] && ok[$name]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)
  for p in "${packages[@]}"; do [[ -n ${ok[$p]:-} ]] || missing+=("$p"); done
else
  # Not Debian: nothing to install with apt; scripts/verify-system.sh still checks what runs.
  exit 0
fi

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
