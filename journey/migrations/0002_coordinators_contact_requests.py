"""Coordinators follow up contact requests in the admin: view and change (the status)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("view_contactrequest", "change_contactrequest")


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coordinators")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="journey", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Coordinators"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="journey", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("journey", "0001_patient_journey"),
        ("clinic", "0002_clinician_and_coordinator_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
