"""Change history (django-pghistory): triggers record every change, even QuerySet.update();
the acting user (requests) or the task name (background work) is on each event; the history
tables refuse UPDATE and DELETE."""

from __future__ import annotations

import pghistory.models
import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from familjelotsen.history import history_context, protect_history_sql
from familjelotsen.models import Administration, AdministrationEvent, User, UserEvent
from tests.factories import AdministrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _events(model, obj):
    return model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id")


def test_queryset_update_still_writes_history(adm_rs):
    before = _events(AdministrationEvent, adm_rs).count()

    # A bulk update bypasses save() and signals, not the database trigger.
    Administration.objects.filter(pk=adm_rs.pk).update(name="Råd och Stöd")

    events = _events(AdministrationEvent, adm_rs)
    assert events.count() == before + 1
    assert events.last().name == "Råd och Stöd"
    assert events.last().pgh_label == "update"


def test_raw_sql_changes_are_recorded_too(adm_rs):
    before = _events(AdministrationEvent, adm_rs).count()
    with connection.cursor() as cursor:
        cursor.execute(
            "update familjelotsen_administration set name = %s where id = %s",
            ["Råd & Stöd (ny)", adm_rs.pk],
        )
    assert _events(AdministrationEvent, adm_rs).count() == before + 1


@pytest.mark.parametrize("statement", ["update {table} set pgh_label = 'x'", "delete from {table}"])
def test_history_rows_refuse_update_and_delete(adm_rs, statement):
    Administration.objects.filter(pk=adm_rs.pk).update(name="Ändrad")
    table = AdministrationEvent._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append_only|Cannot"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table))
    assert _events(AdministrationEvent, adm_rs).count() >= 2


def test_history_rows_refuse_orm_update_and_delete(ombud):
    with pytest.raises(DatabaseError), transaction.atomic():
        UserEvent.objects.filter(pgh_obj_id=ombud.pk).update(first_name="Falsk")
    with pytest.raises(DatabaseError), transaction.atomic():
        UserEvent.objects.filter(pgh_obj_id=ombud.pk).delete()


def test_every_history_table_in_the_project_is_append_only():
    """Also the domain apps' event models (PGHISTORY_APPEND_ONLY): no history can be rewritten."""
    event_models = [
        m
        for m in apps.get_models()
        if issubclass(m, pghistory.models.Event) and not m._meta.proxy and not m._meta.abstract
    ]
    assert AdministrationEvent in event_models
    unprotected = []
    with connection.cursor() as cursor:
        for model in event_models:
            cursor.execute(
                """
                select count(*) from pg_trigger
                where tgrelid = %s::regclass and not tgisinternal
                  and tgname like 'pgtrigger_append_only_%%'
                """,
                [model._meta.db_table],
            )
            if cursor.fetchone()[0] == 0:
                unprotected.append(model._meta.label)
    assert not unprotected, unprotected


def test_a_request_records_the_acting_user(client, sysadmin):
    adm = AdministrationFactory(name="Förvaltning X")
    client.force_login(sysadmin)
    url = reverse("sysadmin:administration_edit", args=[adm.pk])
    response = client.post(url, {"name": "Förvaltning Y", "kind": adm.kind})
    assert response.status_code == 302
    event = _events(AdministrationEvent, adm).last()
    assert event.name == "Förvaltning Y"
    assert event.pgh_context.metadata["user"] == sysadmin.pk
    assert event.pgh_context.metadata["url"] == url


def test_background_work_records_its_task_name_as_decorator_and_block(adm_rs):
    @history_context("nightly_rename")
    def rename():
        Administration.objects.filter(pk=adm_rs.pk).update(name="Natt")

    rename()
    assert _events(AdministrationEvent, adm_rs).last().pgh_context.metadata == {
        "task": "nightly_rename"
    }

    with history_context("import_reference_data", run=7):
        Administration.objects.filter(pk=adm_rs.pk).update(name="Dag")
    assert _events(AdministrationEvent, adm_rs).last().pgh_context.metadata == {
        "task": "import_reference_data",
        "run": 7,
    }


def test_staff_history_keeps_role_changes_but_no_password_hashes(ombud):
    User.objects.filter(pk=ombud.pk).update(role=User.Role.TEAM_LEAD)

    events = _events(UserEvent, ombud)
    assert events.last().role == User.Role.TEAM_LEAD
    fields = {f.name for f in UserEvent._meta.get_fields()}
    assert "password" not in fields
    assert "last_login" not in fields
    # Changing only the password or the login time adds no history row.
    count = events.count()
    ombud.set_password("ännu-ett-lösenord-2026")
    ombud.save(update_fields=["password"])
    User.objects.filter(pk=ombud.pk).update(last_login=timezone.now())
    assert _events(UserEvent, ombud).count() == count


def test_group_membership_changes_are_recorded(adm_rs, adm_soc):
    from familjelotsen.models import UserGroupEvent

    user = UserFactory(username="p_mover", administration=adm_rs)
    user.groups.add(adm_soc.group)
    user.groups.remove(adm_soc.group)
    labels = list(
        UserGroupEvent.objects.filter(user_id=user.pk, group_id=adm_soc.group_id)
        .order_by("pgh_id")
        .values_list("pgh_label", flat=True)
    )
    assert labels == ["add", "remove"]


def test_protect_history_sql_makes_any_table_append_only():
    forward, reverse = protect_history_sql("fl_test_trail")
    with connection.cursor() as cursor:
        cursor.execute("create table fl_test_trail (id serial primary key, what text)")
        cursor.execute(forward)
        cursor.execute("insert into fl_test_trail (what) values ('created')")
        for statement in ("update fl_test_trail set what = 'x'", "delete from fl_test_trail"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(statement)
        cursor.execute(reverse)
        cursor.execute("delete from fl_test_trail")


def test_protect_history_sql_takes_only_plain_table_names():
    with pytest.raises(ValueError):
        protect_history_sql("x; drop table users")


def test_every_registered_history_trigger_is_installed():
    """Including those on many-to-many tables, which no migration creates
    (PGTRIGGER_INSTALL_ON_MIGRATE): a tracker that is not installed records nothing."""
    import pgtrigger

    missing = [
        f"{model._meta.db_table}: {trigger.name}"
        for model, trigger in pgtrigger.registered()
        if trigger.get_installation_status(model)[0] != "INSTALLED"
    ]
    assert not missing, missing
