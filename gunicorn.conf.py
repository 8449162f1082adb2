"""gunicorn settings for production (docker compose, or any host)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: one request, and at most one database connection, per process. The default is
# capped so that a large machine cannot outgrow PostgreSQL's max_connections by itself (README,
# "Connections": web processes + the worker's 2 must stay below it).
workers = int(os.environ.get("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 8)))
# A request that takes longer than this is killed (and logged): long work (PDF reports)
# runs as a background task, so no page needs more.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
# Bounded request lines and headers: no memory exhaustion through oversized requests
# (uploads are bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE and the upload forms).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Worker heartbeats in memory, not on a possibly slow container disk.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm")  # noqa: S108 (heartbeats only)
# Access logs carry method, path and status only: paths hold ids, never personal data.
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
