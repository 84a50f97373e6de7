"""Durations "since" an event get the upper bound every other number has (a lifetime, as in
the seed vocabulary), so a stored vocabulary refuses 1e308 days too. Bounds set by a curator
are kept."""

from django.db import migrations

LIFETIME = {"days": 43830, "months": 1440, "years": 120}


def bound(apps, schema_editor):
    Concept = apps.get_model("trials", "Concept")
    for unit, maximum in LIFETIME.items():
        Concept.objects.filter(type="since", canonical_unit=unit, maximum__isnull=True).update(maximum=maximum)


class Migration(migrations.Migration):
    dependencies = [("trials", "0009_terminology_unverified_rows_sourced")]

    operations = [migrations.RunPython(bound, migrations.RunPython.noop)]
