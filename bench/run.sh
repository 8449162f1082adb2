#!/usr/bin/env bash
# The whole benchmark (make bench): a separate database on the project-local cluster, the
# scale dataset, page and PDF measurements, and the locust run. Results go to bench/data/;
# bench/results.md is written from them by hand (machine, date, these commands).
#
#   FAMILIES=50000  families in the scale dataset (2000 to try it out)
#   RUNS=30         requests per page measurement
#   LOCUST_TIME=5m  LOCUST_USERS=100  BENCH_PORT=8765
#   BENCH_DB=familjelotsen_bench     the database (created and migrated when missing)
#   RESEED=1        drop and rebuild the bench database first
#   BENCH_OUT=bench/data   where the raw results go
#   BENCH_REPLICA=1 also measure the PDF and the report dashboard with a local streaming
#                   replica (scripts/pg-replica.sh) as DATABASE_REPLICA_URL, and without it;
#                   BENCH_REPLICA=only measures just that (skips pages and locust)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
PY="$root/.venv/bin/python"
FAMILIES="${FAMILIES:-50000}"
RUNS="${RUNS:-30}"
LOCUST_TIME="${LOCUST_TIME:-5m}"
LOCUST_USERS="${LOCUST_USERS:-100}"
BENCH_PORT="${BENCH_PORT:-8765}"
BENCH_DB="${BENCH_DB:-familjelotsen_bench}"
out="${BENCH_OUT:-$root/bench/data}"
mkdir -p "$out"

# The project-local cluster's URL with the bench database in place of the dev one.
dev_url="$(scripts/pg.sh start)"
export DATABASE_URL="${dev_url%/*}/$BENCH_DB"
# The host part is the URL-encoded socket directory (urlsplit would lower-case it).
hostport="${dev_url#postgres://*@}"; hostport="${hostport%%/*}"
sock="$(python3 -c 'import sys, urllib.parse as u; print(u.unquote(sys.argv[1]))' "${hostport%:*}")"
port="${hostport##*:}"
psql=("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql" -h "$sock" -p "$port" -U familjelotsen -d familjelotsen -qtAX -v ON_ERROR_STOP=1)

if [[ -n "${RESEED:-}" ]]; then
  "${psql[@]}" -c "DROP DATABASE IF EXISTS $BENCH_DB"
fi
if [[ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'")" ]]; then
  "${psql[@]}" -c "CREATE DATABASE $BENCH_DB"
fi
export DJANGO_LOG_LEVEL=WARNING
DJANGO_DEBUG=true "$PY" manage.py migrate --noinput >/dev/null

has_families="$(DJANGO_DEBUG=true "$PY" manage.py shell -c 'from cases.models import Family; print(int(Family.objects.exists()))' | tail -n 1)"
if [[ "$has_families" == "0" ]]; then
  echo "== seed_scale --families $FAMILIES"
  DJANGO_DEBUG=true "$PY" bench/seed_scale.py --families "$FAMILIES" | tee "$out/seed-$FAMILIES.txt"
else
  echo "== $BENCH_DB already holds families: measuring what is there (RESEED=1 rebuilds)"
fi

# Production settings for every measurement: DEBUG off, a throw-away secret, static files
# collected once (whitenoise's manifest), hosts limited to this machine.
export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY="bench-throwaway-$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
export DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver"
export DJANGO_STATIC_ROOT="$out/static"
"$PY" manage.py collectstatic --noinput -v 0

echo "== machine"
{ echo "date: $(date -Iseconds)"; echo "nproc: $(nproc)"; grep -m1 'model name' /proc/cpuinfo; free -h; echo "loadavg: $(cat /proc/loadavg)"; } | tee "$out/machine.txt"

if [[ -n "${BENCH_REPLICA:-}" ]]; then
  # The replica streams the whole cluster, the bench database with it.
  replica_url="$(scripts/pg-replica.sh start)"
  echo "== steering-group PDF and report dashboard: primary only, then with the replica"
  { "$PY" bench/bench_replica.py --runs "${REPLICA_RUNS:-5}"
    echo
    DATABASE_REPLICA_URL="${replica_url%/*}/$BENCH_DB" "$PY" bench/bench_replica.py --runs "${REPLICA_RUNS:-5}"
  } | tee "$out/replica.txt"
  if [[ "$BENCH_REPLICA" == "only" ]]; then
    echo "Results in $out/replica.txt ('scripts/pg-replica.sh stop' stops the replica)."
    exit 0
  fi
fi

echo "== pages (server time, queries, floor) and visibility vs guardian"
"$PY" bench/bench_pages.py --runs "$RUNS" --out "$out/pages.json" | tee "$out/pages.txt"

echo "== steering-group PDF, one year"
"$PY" bench/bench_report.py --runs 3 | tee "$out/report.txt"
"$PY" bench/pdf_pages.py | tee -a "$out/report.txt"

echo "== locust: $LOCUST_USERS users, $LOCUST_TIME, gunicorn with $(( 2 * $(nproc) + 1 )) workers"
"$PY" bench/locust_sessions.py --users "$LOCUST_USERS" --out "$out/sessions.json"
GUNICORN_BIND="127.0.0.1:$BENCH_PORT" GUNICORN_WORKERS="$(( 2 * $(nproc) + 1 ))" \
  "$root/.venv/bin/gunicorn" familjelotsen.wsgi --config gunicorn.conf.py \
  --access-logfile "$out/gunicorn-access.log" --error-logfile "$out/gunicorn-error.log" &
gunicorn_pid=$!
trap 'kill -TERM "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  curl -fsS -o /dev/null 2>/dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$BENCH_PORT/health/" && break
  sleep 1
done
echo "loadavg before locust: $(cat /proc/loadavg)" | tee -a "$out/machine.txt"
BENCH_SESSIONS="$out/sessions.json" "$root/.venv/bin/locust" -f bench/locustfile.py \
  --host "http://127.0.0.1:$BENCH_PORT" --headless -u "$LOCUST_USERS" -r 10 -t "$LOCUST_TIME" \
  --stop-timeout 10 --csv "$out/locust" --only-summary 2>&1 | tee "$out/locust.txt" || true
echo "Results in $out; write them up in bench/results.md."
