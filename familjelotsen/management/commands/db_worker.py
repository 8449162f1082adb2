"""`manage.py db_worker`: django-tasks-db's worker, plus the schedule and database outages.

This command replaces django_tasks_db's of the same name (familjelotsen comes first in
INSTALLED_APPS), so `make run` and docker compose start it as before. Beside running queued
tasks it
- ticks the schedule (`familjelotsen.tasks.schedule_tick`) every `--schedule-interval`
  seconds in a thread of its own: scheduled jobs need no cron. `--batch` (run what is queued,
  then exit) and `--no-schedule` leave the schedule alone;
- survives PostgreSQL going away: the worker waits and carries on when it is back, instead of
  exiting with the connection error.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from familjelotsen.tasks import schedule_tick

logger = logging.getLogger("familjelotsen.worker")
DATABASE_DOWN = (OperationalError, InterfaceError)
# How long to wait before trying the database again, doubling up to the maximum.
RETRY_FIRST, RETRY_MAX = 1.0, 15.0


class Ticker(threading.Thread):
    """Ticks the schedule until stopped; errors are logged (by class: no personal data) and the
    next tick tries again."""

    def __init__(self, interval: float):
        super().__init__(name="schedule", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    queued = schedule_tick()
                    if queued:
                        logger.info("schedule: queued %s", ", ".join(queued))
                except DATABASE_DOWN as exc:
                    logger.warning("schedule: database unavailable (%s)", type(exc).__name__)
                    connections.close_all()
                except Exception:
                    logger.exception("schedule: tick failed")
                self.stopping.wait(self.interval)
        finally:
            connections.close_all()


class Worker(db_worker.Worker):
    def __init__(self, *, schedule_interval: float | None, **kwargs):
        super().__init__(**kwargs)
        self.schedule_interval = schedule_interval

    def run(self) -> None:
        # Started here, not in handle(): with --reload only the reloaded child runs this.
        ticker = None
        if self.schedule_interval and not self.batch:
            ticker = Ticker(self.schedule_interval)
            ticker.start()
        wait = RETRY_FIRST
        try:
            while self.running:
                try:
                    super().run()
                    return
                except DATABASE_DOWN as exc:
                    if self.batch:
                        raise  # run once: the caller sees the error
                    # A task interrupted by the outage stays "running" in the queue; a
                    # scheduled job is queued again by the schedule, an SMS by its sweep.
                    logger.warning(
                        "worker: database unavailable (%s); retrying in %.0f s",
                        type(exc).__name__,
                        wait,
                    )
                    self.running_task = False
                    connections.close_all()
                    time.sleep(wait)
                    wait = min(wait * 2, RETRY_MAX)
                    close_old_connections()
        finally:
            if ticker is not None:
                ticker.stopping.set()


class Command(db_worker.Command):
    help = "Run the background worker: queued tasks and the schedule (familjelotsen.schedule)."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--schedule-interval",
            type=db_worker.valid_interval,
            default=5.0,
            help="Seconds between ticks of the schedule (default: %(default)r).",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Run queued tasks only; another worker runs the schedule.",
        )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        schedule_interval: float,
        no_schedule: bool,
        **options,
    ) -> None:
        # As django-tasks-db's handle() (0.13), building our Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            schedule_interval=None if no_schedule else schedule_interval,
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloaded child
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
