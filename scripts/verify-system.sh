#!/usr/bin/env bash
# Runs what the system packages provide (scripts/verify_system.py): PostgreSQL's binaries,
# msgfmt, pdftotext, a one-line PDF from WeasyPrint and, with --browser, Playwright's driver
# starting Debian's Chromium. Needs the virtualenv (make calls it after `venv`).
#   scripts/verify-system.sh [--browser]
# A passed check is remembered until the installed packages (dpkg's status file), the
# virtualenv or these scripts change, so that `make test` stays fast when nothing did.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py="$root/.venv/bin/python"
[[ -x $py ]] || { echo "verify-system.sh: no virtualenv yet (make venv)" >&2; exit 1; }

key="$({
  echo "$*"
  stat -c %Y /var/lib/dpkg/status 2>/dev/null || true
  ls "$root"/.venv/.installed-* 2>/dev/null || true
  cat "$root/scripts/verify_system.py" "$root/scripts/system-deps.sh"
} | cksum | cut -d' ' -f1)"
mode="${1:-base}"; mode="${mode#--}"
stamp="$root/.venv/.system-verified-$mode-$key"
[[ -e $stamp ]] && exit 0

"$py" "$root/scripts/verify_system.py" "$@"
rm -f "$root"/.venv/.system-verified-"$mode"-*
touch "$stamp"
