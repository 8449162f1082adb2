#!/usr/bin/env bash
# A streaming replica of the project-local PostgreSQL cluster (scripts/pg.sh), for trying and
# measuring DATABASE_REPLICA_URL (the report figures, dashboard and CSV exports read there).
#   scripts/pg-replica.sh start    start the primary if needed, make the replica on first use
#                                  (pg_basebackup -R), start it, wait until it streams, and
#                                  print its DATABASE_REPLICA_URL
#   scripts/pg-replica.sh stop     stop the replica (the primary keeps running)
#   scripts/pg-replica.sh url      print the replica's DATABASE_REPLICA_URL
#   scripts/pg-replica.sh status   say whether it runs and how far behind it is
#   scripts/pg-replica.sh remove   stop it and delete its data (the next start copies afresh)
# The replica lives in the primary's directory (`scripts/pg.sh dir`, under .local/pg, or
# PG_BASE for a separate pair) in replica/, on its own port and socket directory, unix socket
# only. It is a hot standby: PostgreSQL refuses every write there. No replication slot: a
# replica stopped for long may find the WAL it needs gone; then start copies it again.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db=familjelotsen
role=familjelotsen

log() { echo "pg-replica.sh: $*" >&2; }

pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z $pgbin && -x "$(command -v initdb || true)" ]]; then pgbin="$(dirname "$(command -v initdb)")"; fi
[[ -n $pgbin ]] || { log "PostgreSQL server binaries not found (install the 'postgresql' package)"; exit 1; }

as_server() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

primary_base="$("$root/scripts/pg.sh" dir)"
base="$primary_base/replica"
pgdata="$base/data"
sock="$base/run"
portfile="$base/port"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

running() { [[ -f "$pgdata/PG_VERSION" ]] && as_server "$pgbin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; }

url() {
  local enc
  enc="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$sock")"
  echo "postgres://$role@$enc:$(cat "$portfile")/$db"
}

psql_replica() {
  "$pgbin/psql" -h "$sock" -p "$(cat "$portfile")" -U postgres -d postgres -qtAX -v ON_ERROR_STOP=1 "$@"
}

copy() {
  local primary_sock primary_port
  primary_sock="$primary_base/run"
  primary_port="$(cat "$primary_base/port")"
  log "copying the primary (pg_basebackup) into $pgdata"
  as_server rm -rf "$pgdata"
  as_server mkdir -p "$base"
  # -R writes standby.signal and primary_conninfo: the copy starts as a streaming standby.
  as_server "$pgbin/pg_basebackup" -h "$primary_sock" -p "$primary_port" -U postgres \
    -D "$pgdata" -R -X stream -c fast
}

streaming() {
  # Up and replaying from the primary (not merely started).
  [[ $(psql_replica -c "select pg_is_in_recovery() and exists (select 1 from pg_stat_wal_receiver where status = 'streaming')" 2>/dev/null) == t ]]
}

start_server() {
  # max_connections must be at least the primary's (60) for a hot standby to start.
  as_server "$pgbin/pg_ctl" -D "$pgdata" -l "$base/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $sock -p $(cat "$portfile") -c fsync=off -c max_connections=60 -c hot_standby=on" \
    start >/dev/null || { log "the replica did not start; see $base/server.log"; tail -n 20 "$base/server.log" >&2; return 1; }
}

wait_streaming() {
  local i
  for i in $(seq 1 60); do
    streaming && return 0
    sleep 0.5
  done
  return 1
}

start() {
  "$root/scripts/pg.sh" start >/dev/null
  if [[ $(id -u) -eq 0 ]]; then
    mkdir -p "$base"
    chown postgres: "$base"
  else
    mkdir -p "$base"
  fi
  as_server mkdir -p "$sock"
  [[ -s $portfile ]] || free_port >"$portfile"
  [[ -f "$pgdata/PG_VERSION" ]] || copy
  if ! running; then
    if ! start_server || ! wait_streaming; then
      # Usually a copy too old to catch up (the WAL it needs is gone): make a fresh one.
      log "the replica does not stream; copying the primary again"
      as_server "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true
      copy
      start_server
      wait_streaming || { log "the replica does not stream; see $base/server.log"; exit 1; }
    fi
  fi
  url
}

stop() {
  if running; then
    as_server "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null
    log "stopped"
  else
    log "not running"
  fi
}

status() {
  if running; then
    echo "running: $(url)"
    # Behind the primary: WAL received but not yet replayed; and when the last replayed
    # transaction committed (on an idle primary that moment simply gets older).
    echo "not yet replayed: $(psql_replica -c "select coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)") bytes"
    echo "last replayed commit: $(psql_replica -c "select coalesce(pg_last_xact_replay_timestamp()::text, 'none yet')")"
  else
    echo "stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) url ;;
  remove) stop; as_server rm -rf "$pgdata"; log "removed" ;;
  *) echo "usage: $0 start|stop|url|status|remove" >&2; exit 2 ;;
esac
