#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database DATABASE_URL names, replacing
# the objects the backup contains (pg_restore --clean), in one transaction: it either restores
# completely or changes nothing.
#   scripts/restore.sh [--yes] FILE
# Without --yes it asks for confirmation (and refuses when nobody can answer). Restoring into a
# new, empty database (createdb, then DATABASE_URL=.../newdb) is the cleanest drill.
set -euo pipefail

yes=false
if [[ ${1:-} == --yes ]]; then yes=true; shift; fi
file="${1:?usage: scripts/restore.sh [--yes] FILE}"
[[ -r $file ]] || { echo "restore.sh: cannot read $file" >&2; exit 2; }
: "${DATABASE_URL:?set DATABASE_URL (postgres://...) to the database to restore into}"

pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z $pgbin || ! -x $pgbin/pg_restore ]]; then pgbin="$(dirname "$(command -v pg_restore)")"; fi

"$pgbin/pg_restore" --list "$file" >/dev/null || { echo "restore.sh: $file is not a pg_dump custom-format backup" >&2; exit 2; }

if ! $yes; then
  if [[ ! -t 0 ]]; then
    echo "restore.sh: this replaces the data in the target database; pass --yes to confirm" >&2
    exit 2
  fi
  read -r -p "Replace the data in the target database with $file? Type 'restore' to go on: " answer
  [[ $answer == restore ]] || { echo "restore.sh: nothing done" >&2; exit 1; }
fi

"$pgbin/pg_restore" --clean --if-exists --no-owner --no-privileges --single-transaction \
  --exit-on-error --dbname="$DATABASE_URL" "$file"
echo "restored $file" >&2
