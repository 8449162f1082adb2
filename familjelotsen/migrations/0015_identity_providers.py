"""Single sign-on (issue 21 part 2): an organisation's identity provider (OpenID Connect),
with the claims that give a staff member's role and administration and the acr/amr values that
count as strong authentication.

The staff constraint is widened by one case: an account created at its first login through a
provider may wait, inactive and without a role or administration, for the system
administrator. Existing rows all satisfy the old condition, so they satisfy the new one.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('familjelotsen', '0014_project_leader_organisations'),
    ]

    operations = [
        migrations.CreateModel(
            name='IdentityProvider',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('enabled', models.BooleanField(default=True, verbose_name='in use')),
                ('server_url', models.URLField(help_text="The provider's address; its /.well-known/openid-configuration is read.", verbose_name='issuer address')),
                ('client_id', models.CharField(max_length=191, verbose_name='client id')),
                ('client_secret', models.CharField(max_length=191, verbose_name='client secret')),
                ('role_claim', models.CharField(blank=True, default='roles', max_length=64, verbose_name='claim with the role')),
                ('role_map', models.JSONField(blank=True, default=dict, help_text='Claim value → role, e.g. {"fl-ombud": "family_ombud"}.', verbose_name='roles by claim value')),
                ('administration_claim', models.CharField(blank=True, default='department', max_length=64, verbose_name='claim with the administration')),
                ('administration_map', models.JSONField(blank=True, default=dict, help_text="Claim value → the administration's name in this organisation; without an entry the value itself is matched against the names.", verbose_name='administrations by claim value')),
                ('strong_acr_values', models.JSONField(blank=True, default=list, help_text='E.g. http://id.elegnamnden.se/loa/1.0/loa3', verbose_name='acr values of strong authentication')),
                ('strong_amr_values', models.JSONField(blank=True, default=list, help_text='E.g. mfa, hwk, otp', verbose_name='amr values of strong authentication')),
            ],
            options={
                'verbose_name': 'identity provider',
                'verbose_name_plural': 'identity providers',
            },
        ),
        migrations.RemoveConstraint(
            model_name='user',
            name='user_staff_has_administration',
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(('role', 'system_admin'), ('administration__isnull', False), models.Q(('is_active', False), ('role', '')), _connector='OR'), name='user_staff_has_administration'),
        ),
        migrations.AddField(
            model_name='identityprovider',
            name='organisation',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='identity_provider', to='familjelotsen.organisation', verbose_name='organisation'),
        ),
    ]
