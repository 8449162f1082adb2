"""Joins two branches of work that each added migrations after 0006: the files kept in
PostgreSQL (0007_stored_files) and the administration area (0007_access_log_basis_administration,
0008_second_factor_reset). They touch different tables; nothing to do but join them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("familjelotsen", "0007_stored_files"),
        ("familjelotsen", "0008_second_factor_reset"),
    ]

    operations = []
