#!/usr/bin/env bash
# Back up the Familjelotsen database with pg_dump in custom format (compressed; pg_restore can
# restore all of it or single tables).
#   scripts/backup.sh          writes $BACKUP_DIR/familjelotsen-<UTC time>.dump (default
#                              BACKUP_DIR: .local/backups) and prints its path
#   scripts/backup.sh FILE     writes FILE
# DATABASE_URL names the database (`make backup` starts the project-local cluster if unset).
# The dump holds every family's personal data: it is written readable by its owner only; keep
# it on encrypted storage and delete it under the same retention rules as the database.
# Uploaded files (signed consent scans) are in the database (familjelotsen.storage, table
# familjelotsen_storedfile), so the dump holds them too. Files still on disk from before are
# not in it: the script warns while DJANGO_PRIVATE_MEDIA_ROOT (if reachable here) holds any;
# `manage.py move_files_to_database` moves them.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${DATABASE_URL:?set DATABASE_URL (postgres://...) to the database to back up}"

pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z $pgbin || ! -x $pgbin/pg_dump ]]; then pgbin="$(dirname "$(command -v pg_dump)")"; fi

out="${1:-${BACKUP_DIR:-$root/.local/backups}/familjelotsen-$(date -u +%Y%m%dT%H%M%SZ).dump}"
umask 077
mkdir -p "$(dirname "$out")"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

"$pgbin/pg_dump" --format=custom --no-owner --no-privileges --file="$partial" --dbname="$DATABASE_URL"
# A backup that pg_restore cannot read is no backup: check its table of contents first.
"$pgbin/pg_restore" --list "$partial" >/dev/null
mv "$partial" "$out"
media="${DJANGO_PRIVATE_MEDIA_ROOT:-$root/.local/private}"
if [[ -d $media ]] && [[ -n $(find "$media" -type f -print -quit 2>/dev/null) ]]; then
  echo "backup.sh: $media still holds uploaded files, which are not in the dump:" \
    "run 'manage.py move_files_to_database'" >&2
fi
echo "$out"
