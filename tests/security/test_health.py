"""/health/ for the load balancer: database, private storage, task queue; status only for
anonymous callers, details for staff with two factors."""

from __future__ import annotations

import datetime as dt

import factory
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from familjelotsen.health import oldest_pending_task_age

pytestmark = pytest.mark.django_db
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class WaitingTaskFactory(factory.django.DjangoModelFactory):
    """A task the worker has not picked up, waiting since `waited` ago."""

    class Meta:
        model = DBTaskResult
        skip_postgeneration_save = True

    class Params:
        waited = dt.timedelta(0)

    task_path = "reporting.tasks.render_report"
    args_kwargs = factory.LazyFunction(lambda: {"args": [], "kwargs": {}})
    backend_name = "default"
    run_after = factory.LazyAttribute(lambda o: timezone.now() - o.waited)

    @factory.post_generation
    def backdate(obj, create, extracted, **kwargs):
        # enqueued_at is auto_now_add: set it the way a real old row would have it.
        DBTaskResult.objects.filter(pk=obj.pk).update(enqueued_at=obj.run_after)


def test_anonymous_caller_gets_the_status_and_nothing_else(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    for wish in ("?format=json", "?format=openmetrics", "?format=rss"):
        assert client.get(reverse("health") + wish).content == b"ok\n"
    assert client.get(reverse("health"), headers={"Accept": "application/json"}).content == b"ok\n"


def test_a_stuck_task_queue_makes_health_unavailable_without_saying_why(client, settings):
    settings.TASKS = DB_TASKS
    WaitingTaskFactory(waited=dt.timedelta(hours=2))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.content == b"unavailable\n"


def test_staff_with_two_factors_see_which_check_failed(client, sysadmin, settings):
    settings.TASKS = DB_TASKS
    WaitingTaskFactory(waited=dt.timedelta(hours=2))
    client.force_login(sysadmin)
    response = client.get(reverse("health") + "?format=json")
    assert response.status_code == 500
    report = response.json()
    assert [status for name, status in report.items() if "TaskQueue" in name] == [
        "Unavailable: the oldest ready task has waited too long"
    ]
    assert any("Database" in name and status == "OK" for name, status in report.items())


def test_signed_in_non_staff_get_the_status_only(client, ombud):
    client.force_login(ombud)
    assert client.get(reverse("health") + "?format=json").content == b"ok\n"


def test_task_queue_age_counts_from_when_a_task_became_ready(settings):
    now = timezone.now()
    assert oldest_pending_task_age(now) is None
    WaitingTaskFactory(waited=dt.timedelta(minutes=3))
    # Scheduled for later: not waiting yet, so it does not count.
    WaitingTaskFactory(run_after=now + dt.timedelta(hours=1))
    age = oldest_pending_task_age(now)
    assert dt.timedelta(minutes=2) < age < dt.timedelta(minutes=4)


def test_a_queue_that_keeps_up_is_healthy(client, settings):
    settings.TASKS = DB_TASKS
    WaitingTaskFactory(waited=dt.timedelta(minutes=1))
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
