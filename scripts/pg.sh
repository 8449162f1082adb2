#!/usr/bin/env bash
# Project-local PostgreSQL cluster for development and tests.
#   scripts/pg.sh start   start (initialising on first use) and print the DATABASE_URL
#   scripts/pg.sh stop    stop the cluster
#   scripts/pg.sh status  say whether it runs
#   scripts/pg.sh dir     print the cluster's directory (data, socket, port file, log)
# The server listens on a unix socket only (no TCP), on a port chosen free once and kept.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
# PG_BASE puts a second, separate cluster in another directory (the replica tests start a
# private one); it keeps its own port. The cluster can feed a streaming replica
# (scripts/pg-replica.sh): WAL for replicas, and initdb's pg_hba lets local replication in.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${PG_BASE:-$root/.local/pg}"
db=familjelotsen
role=familjelotsen

log() { echo "pg.sh: $*" >&2; }

pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z $pgbin && -x "$(command -v initdb || true)" ]]; then pgbin="$(dirname "$(command -v initdb)")"; fi
[[ -n $pgbin ]] || { log "PostgreSQL server binaries not found (install the 'postgresql' package)"; exit 1; }

as_server() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || { log "the 'postgres' system user is missing (install the 'postgresql' package)"; exit 1; }
  mkdir -p "$base"
  chown postgres: "$base"
  # The postgres user must reach the data directory; a checkout under /root is not reachable.
  if ! runuser -u postgres -- test -w "$base"; then
    [[ -z ${PG_BASE:-} ]] || { log "PG_BASE=$base is not reachable by the postgres user"; exit 1; }
    base="/var/tmp/familjelotsen-pg-$(printf '%s' "$root" | md5sum | cut -c1-10)"
    mkdir -p "$base"
    chown postgres: "$base"
    chmod 700 "$base"
  fi
else
  mkdir -p "$base"
fi

pgdata="$base/data"
sock="$base/run"
portfile="$base/port"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

running() { as_server "$pgbin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; }

url() {
  local enc
  enc="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$sock")"
  echo "postgres://$role@$enc:$(cat "$portfile")/$db"
}

start() {
  if [[ ! -f "$pgdata/PG_VERSION" ]]; then
    log "initialising a project-local cluster in $pgdata"
    as_server mkdir -p "$pgdata" "$sock"
    as_server "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_server mkdir -p "$sock"
  [[ -s $portfile ]] || free_port >"$portfile"
  if ! running; then
    # fsync off: a throw-away development cluster, never production data.
    as_server "$pgbin/pg_ctl" -D "$pgdata" -l "$base/server.log" -w -t 60 \
      -o "-c listen_addresses='' -k $sock -p $(cat "$portfile") -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60 -c wal_level=replica -c max_wal_senders=5" \
      start >/dev/null || { log "the server did not start; see $base/server.log"; tail -n 20 "$base/server.log" >&2; exit 1; }
  fi
  local psql=("$pgbin/psql" -h "$sock" -p "$(cat "$portfile")" -U postgres -d postgres -qtAX -v ON_ERROR_STOP=1)
  if [[ -z $("${psql[@]}" -c "select 1 from pg_roles where rolname='$role'") ]]; then
    "${psql[@]}" -c "create role $role login createdb" >/dev/null
  fi
  if [[ -z $("${psql[@]}" -c "select 1 from pg_database where datname='$db'") ]]; then
    "${psql[@]}" -c "create database $db owner $role" >/dev/null
  fi
  url
}

stop() {
  if [[ -f "$pgdata/PG_VERSION" ]] && running; then
    as_server "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null
    log "stopped"
  else
    log "not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running: $(url)"; else echo "stopped"; fi ;;
  url) url ;;
  dir) echo "$base" ;;
  *) echo "usage: $0 start|stop|status|url|dir" >&2; exit 2 ;;
esac
