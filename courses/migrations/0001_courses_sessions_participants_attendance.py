"""Parenting-support courses (issue 20 part 4): courses, their sessions, participants (members
of registered families) and attendance, with change history."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0011_family_kind_of_work'),
        ('familjelotsen', '0010_access_log_basis_evaluation'),
        ('pghistory', '0007_auto_20250421_0444'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Course',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('kind', models.CharField(choices=[('abc', 'ABC – All children in focus'), ('abc_teens', 'ABC Teens'), ('connect', 'Connect'), ('cope', 'COPE'), ('other', 'Other parenting support')], max_length=16, verbose_name='kind of course')),
                ('name', models.CharField(blank=True, max_length=120, verbose_name='name')),
                ('start_date', models.DateField(db_index=True, verbose_name='start date')),
                ('place', models.CharField(max_length=120, verbose_name='place')),
                ('sessions_to_complete', models.PositiveSmallIntegerField(verbose_name='sessions needed to complete the course')),
                ('anonymous_participants', models.PositiveSmallIntegerField(default=0, verbose_name='anonymous participants')),
                ('anonymous_completed', models.PositiveSmallIntegerField(default=0, verbose_name='anonymous participants who completed')),
                ('administration', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='familjelotsen.administration', verbose_name='municipality / administration')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('leaders', models.ManyToManyField(related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='leaders')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='familjelotsen.administration', verbose_name='recorded in')),
            ],
            options={
                'verbose_name': 'parenting-support course',
                'verbose_name_plural': 'parenting-support courses',
                'ordering': ['-start_date', '-id'],
            },
        ),
        migrations.CreateModel(
            name='CourseEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('kind', models.CharField(choices=[('abc', 'ABC – All children in focus'), ('abc_teens', 'ABC Teens'), ('connect', 'Connect'), ('cope', 'COPE'), ('other', 'Other parenting support')], max_length=16, verbose_name='kind of course')),
                ('name', models.CharField(blank=True, max_length=120, verbose_name='name')),
                ('start_date', models.DateField(verbose_name='start date')),
                ('place', models.CharField(max_length=120, verbose_name='place')),
                ('sessions_to_complete', models.PositiveSmallIntegerField(verbose_name='sessions needed to complete the course')),
                ('anonymous_participants', models.PositiveSmallIntegerField(default=0, verbose_name='anonymous participants')),
                ('anonymous_completed', models.PositiveSmallIntegerField(default=0, verbose_name='anonymous participants who completed')),
                ('administration', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='familjelotsen.administration', verbose_name='municipality / administration')),
                ('created_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('owner', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='familjelotsen.administration', verbose_name='recorded in')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='courses.course')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Participant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('added_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='participants', to='courses.course')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.member', verbose_name='participant')),
            ],
            options={
                'verbose_name': 'course participant',
                'verbose_name_plural': 'course participants',
            },
        ),
        migrations.CreateModel(
            name='ParticipantEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('added_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                ('course', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='courses.course')),
                ('member', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.member', verbose_name='participant')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='courses.participant')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Session',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('held_on', models.DateField(verbose_name='date')),
                ('anonymous_present', models.PositiveSmallIntegerField(default=0, verbose_name='anonymous participants present')),
                ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='courses.course')),
            ],
            options={
                'verbose_name': 'course session',
                'verbose_name_plural': 'course sessions',
                'ordering': ['held_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Attendance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('participant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='courses.participant')),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='courses.session')),
            ],
            options={
                'verbose_name': 'attendance',
                'verbose_name_plural': 'attendances',
            },
        ),
        migrations.CreateModel(
            name='SessionEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('held_on', models.DateField(verbose_name='date')),
                ('anonymous_present', models.PositiveSmallIntegerField(default=0, verbose_name='anonymous participants present')),
                ('course', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='courses.course')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='courses.session')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(condition=models.Q(('sessions_to_complete__gte', 1)), name='course_completion_at_least_one'),
        ),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(condition=models.Q(('anonymous_completed__lte', models.F('anonymous_participants'))), name='course_anonymous_completed_within_participants'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='course',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "courses_courseevent" ("administration_id", "anonymous_completed", "anonymous_participants", "created_at", "created_by_id", "id", "kind", "name", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "place", "sessions_to_complete", "start_date", "updated_at") VALUES (NEW."administration_id", NEW."anonymous_completed", NEW."anonymous_participants", NEW."created_at", NEW."created_by_id", NEW."id", NEW."kind", NEW."name", NEW."owner_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."place", NEW."sessions_to_complete", NEW."start_date", NEW."updated_at"); RETURN NULL;', hash='ab0df94a5a6ed65e6e02b2ec93bd0034248be195', operation='INSERT', pgid='pgtrigger_insert_insert_f7e33', table='courses_course', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='course',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "courses_courseevent" ("administration_id", "anonymous_completed", "anonymous_participants", "created_at", "created_by_id", "id", "kind", "name", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "place", "sessions_to_complete", "start_date", "updated_at") VALUES (NEW."administration_id", NEW."anonymous_completed", NEW."anonymous_participants", NEW."created_at", NEW."created_by_id", NEW."id", NEW."kind", NEW."name", NEW."owner_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."place", NEW."sessions_to_complete", NEW."start_date", NEW."updated_at"); RETURN NULL;', hash='d3439ed64ca8c525f3161918b15065994b552e38', operation='UPDATE', pgid='pgtrigger_update_update_160be', table='courses_course', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='courseevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='dc21c141d4d9e5621759126e0ef42893a7626d63', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_db2fb', table='courses_courseevent', when='BEFORE')),
        ),
        migrations.AddConstraint(
            model_name='participant',
            constraint=models.UniqueConstraint(fields=('course', 'member'), name='participant_once'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='participant',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "courses_participantevent" ("added_by_id", "course_id", "created_at", "id", "member_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."added_by_id", NEW."course_id", NEW."created_at", NEW."id", NEW."member_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='6390bfb6b6ba6db25aa471232fac537bca2d387f', operation='INSERT', pgid='pgtrigger_insert_insert_c3b85', table='courses_participant', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='participant',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "courses_participantevent" ("added_by_id", "course_id", "created_at", "id", "member_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."added_by_id", NEW."course_id", NEW."created_at", NEW."id", NEW."member_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='78eb70c6f6dd29ec96f42baf04ada01b7026ad2e', operation='UPDATE', pgid='pgtrigger_update_update_bf117', table='courses_participant', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='participantevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='c7a606023a4ab442a77c17ddf499725dcf608edb', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_7587a', table='courses_participantevent', when='BEFORE')),
        ),
        migrations.AddConstraint(
            model_name='session',
            constraint=models.UniqueConstraint(fields=('course', 'held_on'), name='session_one_per_day'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='session',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "courses_sessionevent" ("anonymous_present", "course_id", "created_at", "held_on", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."anonymous_present", NEW."course_id", NEW."created_at", NEW."held_on", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='8cb10c68462cb66f5d80c77c5f886be23623b63b', operation='INSERT', pgid='pgtrigger_insert_insert_45dc3', table='courses_session', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='session',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "courses_sessionevent" ("anonymous_present", "course_id", "created_at", "held_on", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."anonymous_present", NEW."course_id", NEW."created_at", NEW."held_on", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='054a417c5783eb21c8c3f227250ef7dee0827a02', operation='UPDATE', pgid='pgtrigger_update_update_dbd1c', table='courses_session', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='attendance',
            constraint=models.UniqueConstraint(fields=('session', 'participant'), name='attendance_once_per_session'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sessionevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='5c98300d2014452d7b7877d79830673984a9ad35', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_e8a8f', table='courses_sessionevent', when='BEFORE')),
        ),
    ]
