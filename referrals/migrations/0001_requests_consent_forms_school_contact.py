"""Requests to the team from school and social services (issue 20): the request with the
family as the referrer knows it and the signed consent form with what it covers, the people in
it, and the team's school-responsible member; their change history (pghistory, append-only)."""

import django.contrib.postgres.fields
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
import referrals.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0011_family_kind_of_work'),
        ('familjelotsen', '0011_referrer_role_and_bases'),
        ('pghistory', '0007_auto_20250421_0444'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Referral',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('sent', 'Sent'), ('accepted', 'Accepted'), ('declined', 'Declined')], default='draft', max_length=12, verbose_name='status')),
                ('kind', models.CharField(choices=[('coordinated_support', 'Coordinated support'), ('network_work', 'Network work only')], default='coordinated_support', max_length=24, verbose_name='kind of work wished')),
                ('about', models.TextField(blank=True, verbose_name='what the help is about')),
                ('school', models.CharField(blank=True, max_length=120, verbose_name="the child's school")),
                ('referrer_phone', models.CharField(blank=True, max_length=30, verbose_name='your phone number')),
                ('scan', models.FileField(blank=True, upload_to=referrals.models.scan_upload_to, verbose_name='signed consent form (scan)')),
                ('scan_content_type', models.CharField(blank=True, editable=False, max_length=40)),
                ('consent_signed_on', models.DateField(blank=True, null=True, verbose_name='signed on')),
                ('consent_valid_until', models.DateField(blank=True, null=True, verbose_name='valid until')),
                ('consent_categories', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('coordination', 'Participation in the coordination and contact details'), ('school', 'School situation'), ('health', 'Health and diagnoses'), ('social', 'Social situation'), ('disability', 'Disability services (LSS)'), ('employment', 'Employment and economy')], max_length=16), blank=True, default=list, size=None, verbose_name='information covered')),
                ('child_view', models.TextField(blank=True, verbose_name="the child's age, maturity and own view")),
                ('sent_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='sent')),
                ('decided_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='decided')),
                ('decline_reason', models.TextField(blank=True, editable=False, verbose_name='reason for declining')),
                ('administration', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='familjelotsen.administration', verbose_name='requesting administration')),
                ('consent_receiving', models.ManyToManyField(blank=True, related_name='+', to='familjelotsen.administration', verbose_name='receiving administrations')),
                ('decided_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('family', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='referrals', to='cases.family')),
                ('referrer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to=settings.AUTH_USER_MODEL, verbose_name='referrer')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='familjelotsen.administration', verbose_name='team')),
            ],
            options={
                'verbose_name': 'request to the team',
                'verbose_name_plural': 'requests to the team',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ReferralEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('sent', 'Sent'), ('accepted', 'Accepted'), ('declined', 'Declined')], default='draft', max_length=12, verbose_name='status')),
                ('kind', models.CharField(choices=[('coordinated_support', 'Coordinated support'), ('network_work', 'Network work only')], default='coordinated_support', max_length=24, verbose_name='kind of work wished')),
                ('about', models.TextField(blank=True, verbose_name='what the help is about')),
                ('school', models.CharField(blank=True, max_length=120, verbose_name="the child's school")),
                ('referrer_phone', models.CharField(blank=True, max_length=30, verbose_name='your phone number')),
                ('scan', models.FileField(blank=True, upload_to=referrals.models.scan_upload_to, verbose_name='signed consent form (scan)')),
                ('scan_content_type', models.CharField(blank=True, editable=False, max_length=40)),
                ('consent_signed_on', models.DateField(blank=True, null=True, verbose_name='signed on')),
                ('consent_valid_until', models.DateField(blank=True, null=True, verbose_name='valid until')),
                ('consent_categories', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('coordination', 'Participation in the coordination and contact details'), ('school', 'School situation'), ('health', 'Health and diagnoses'), ('social', 'Social situation'), ('disability', 'Disability services (LSS)'), ('employment', 'Employment and economy')], max_length=16), blank=True, default=list, size=None, verbose_name='information covered')),
                ('child_view', models.TextField(blank=True, verbose_name="the child's age, maturity and own view")),
                ('sent_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='sent')),
                ('decided_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='decided')),
                ('decline_reason', models.TextField(blank=True, editable=False, verbose_name='reason for declining')),
                ('administration', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='familjelotsen.administration', verbose_name='requesting administration')),
                ('decided_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                ('family', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.family')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='referrals.referral')),
                ('referrer', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='referrer')),
                ('team', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='familjelotsen.administration', verbose_name='team')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ReferralPerson',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('kind', models.CharField(choices=[('child', 'Child'), ('custodian', 'Custodian')], max_length=12, verbose_name='kind')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('first_name', models.CharField(blank=True, max_length=80, verbose_name='first name')),
                ('last_name', models.CharField(blank=True, max_length=80, verbose_name='last name')),
                ('personal_number', models.CharField(blank=True, max_length=12, verbose_name='personal identity number')),
                ('signed_consent', models.BooleanField(default=False, verbose_name='signed the consent form')),
                ('referral', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='people', to='referrals.referral')),
            ],
            options={
                'verbose_name': 'person in a request',
                'verbose_name_plural': 'people in a request',
                'ordering': ['referral', 'kind', 'position'],
            },
        ),
        migrations.CreateModel(
            name='ReferralPersonEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('kind', models.CharField(choices=[('child', 'Child'), ('custodian', 'Custodian')], max_length=12, verbose_name='kind')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('first_name', models.CharField(blank=True, max_length=80, verbose_name='first name')),
                ('last_name', models.CharField(blank=True, max_length=80, verbose_name='last name')),
                ('personal_number', models.CharField(blank=True, max_length=12, verbose_name='personal identity number')),
                ('signed_consent', models.BooleanField(default=False, verbose_name='signed the consent form')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='referrals.referralperson')),
                ('referral', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='referrals.referral')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='SchoolContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='school-responsible member')),
                ('set_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('team', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='familjelotsen.administration', verbose_name='team')),
            ],
            options={
                'verbose_name': 'school-responsible member',
                'verbose_name_plural': 'school-responsible members',
            },
        ),
        migrations.CreateModel(
            name='SchoolContactEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('member', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='school-responsible member')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='referrals.schoolcontact')),
                ('set_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='familjelotsen.administration', verbose_name='team')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddIndex(
            model_name='referral',
            index=models.Index(fields=['referrer', '-created_at'], name='referral_referrer'),
        ),
        migrations.AddIndex(
            model_name='referral',
            index=models.Index(condition=models.Q(('status', 'sent')), fields=['team', 'sent_at'], name='referral_waiting'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), ('sent_at__isnull', False), _connector='OR'), name='referral_sent_at'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'declined'), _negated=True), models.Q(('decline_reason', ''), _negated=True), _connector='OR'), name='referral_decline_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'accepted'), _negated=True), ('decided_at__isnull', False), _connector='OR'), name='referral_accept_dated'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referral',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "referrals_referralevent" ("about", "administration_id", "child_view", "consent_categories", "consent_signed_on", "consent_valid_until", "created_at", "decided_at", "decided_by_id", "decline_reason", "family_id", "id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "referrer_id", "referrer_phone", "scan", "scan_content_type", "school", "sent_at", "status", "team_id", "updated_at", "version") VALUES (NEW."about", NEW."administration_id", NEW."child_view", NEW."consent_categories", NEW."consent_signed_on", NEW."consent_valid_until", NEW."created_at", NEW."decided_at", NEW."decided_by_id", NEW."decline_reason", NEW."family_id", NEW."id", NEW."kind", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."referrer_id", NEW."referrer_phone", NEW."scan", NEW."scan_content_type", NEW."school", NEW."sent_at", NEW."status", NEW."team_id", NEW."updated_at", NEW."version"); RETURN NULL;', hash='bed056d9afddc40c31bc776a676fa92313e7f4d0', operation='INSERT', pgid='pgtrigger_insert_insert_a74c8', table='referrals_referral', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referral',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "referrals_referralevent" ("about", "administration_id", "child_view", "consent_categories", "consent_signed_on", "consent_valid_until", "created_at", "decided_at", "decided_by_id", "decline_reason", "family_id", "id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "referrer_id", "referrer_phone", "scan", "scan_content_type", "school", "sent_at", "status", "team_id", "updated_at", "version") VALUES (NEW."about", NEW."administration_id", NEW."child_view", NEW."consent_categories", NEW."consent_signed_on", NEW."consent_valid_until", NEW."created_at", NEW."decided_at", NEW."decided_by_id", NEW."decline_reason", NEW."family_id", NEW."id", NEW."kind", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."referrer_id", NEW."referrer_phone", NEW."scan", NEW."scan_content_type", NEW."school", NEW."sent_at", NEW."status", NEW."team_id", NEW."updated_at", NEW."version"); RETURN NULL;', hash='52a688a17cd457994fd1329b660d93b6cab51aff', operation='UPDATE', pgid='pgtrigger_update_update_223e7', table='referrals_referral', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referralevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='1a61dcd844caf3ca043cd5fc836a4fbfb5122b75', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_d0304', table='referrals_referralevent', when='BEFORE')),
        ),
        migrations.AddConstraint(
            model_name='referralperson',
            constraint=models.UniqueConstraint(fields=('referral', 'kind', 'position'), name='referralperson_unique_slot'),
        ),
        migrations.AddConstraint(
            model_name='referralperson',
            constraint=models.CheckConstraint(condition=models.Q(('personal_number', ''), ('personal_number__regex', '^[0-9]{12}$'), _connector='OR'), name='referralperson_personal_number_12_digits'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referralperson',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "referrals_referralpersonevent" ("created_at", "first_name", "id", "kind", "last_name", "personal_number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "referral_id", "signed_consent", "updated_at") VALUES (NEW."created_at", NEW."first_name", NEW."id", NEW."kind", NEW."last_name", NEW."personal_number", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."position", NEW."referral_id", NEW."signed_consent", NEW."updated_at"); RETURN NULL;', hash='be90e6e5e3dd708c838c282a021197b13a9d945e', operation='INSERT', pgid='pgtrigger_insert_insert_ea72e', table='referrals_referralperson', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referralperson',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "referrals_referralpersonevent" ("created_at", "first_name", "id", "kind", "last_name", "personal_number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "referral_id", "signed_consent", "updated_at") VALUES (NEW."created_at", NEW."first_name", NEW."id", NEW."kind", NEW."last_name", NEW."personal_number", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."position", NEW."referral_id", NEW."signed_consent", NEW."updated_at"); RETURN NULL;', hash='c1308e66f530ebf466617d678b16ab8f0e442170', operation='UPDATE', pgid='pgtrigger_update_update_e687b', table='referrals_referralperson', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referralpersonevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='ed98f15c3d124e2b123fca9b6f6f94fd3e2fc18a', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_678e6', table='referrals_referralpersonevent', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='schoolcontact',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "referrals_schoolcontactevent" ("created_at", "id", "member_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "set_by_id", "team_id", "updated_at") VALUES (NEW."created_at", NEW."id", NEW."member_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."set_by_id", NEW."team_id", NEW."updated_at"); RETURN NULL;', hash='577d017465646535b302c2a006f150a8addc2676', operation='INSERT', pgid='pgtrigger_insert_insert_0c129', table='referrals_schoolcontact', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='schoolcontact',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "referrals_schoolcontactevent" ("created_at", "id", "member_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "set_by_id", "team_id", "updated_at") VALUES (NEW."created_at", NEW."id", NEW."member_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."set_by_id", NEW."team_id", NEW."updated_at"); RETURN NULL;', hash='f6fc8b1d45c7b441b4c99ed1e8af6f68edc27b5d', operation='UPDATE', pgid='pgtrigger_update_update_1f4d5', table='referrals_schoolcontact', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='schoolcontactevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='9c88156b978373b2f5b541786af215d5a0dac39d', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_16c07', table='referrals_schoolcontactevent', when='BEFORE')),
        ),
    ]
