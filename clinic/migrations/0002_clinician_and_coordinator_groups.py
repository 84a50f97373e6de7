from django.db import migrations

# The Curators group is created by the curation app's own migration.
GROUPS = ("Clinicians", "Coordinators")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("clinic", "0001_workspace"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
