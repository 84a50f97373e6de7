from django.db import migrations, models
from django.db.models import F


def existing_trials_were_rescreened(apps, schema_editor):
    # Before this field the re-screening was queued on every change; counting existing trials
    # as owed would send one fan-out per trial at the first sweep after the upgrade.
    apps.get_model("trials", "Trial").objects.update(rescreened_version=F("criteria_version"))


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0005_curators_import_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="trial",
            name="rescreened_version",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(existing_trials_were_rescreened, migrations.RunPython.noop),
    ]
