"""Curators keep the FHIR code tables: add, change and delete terminology codes."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Curators")
    codenames = [f"{action}_terminologycode" for action in ACTIONS]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="trials", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_terminologycode" for action in ACTIONS]
    for group in Group.objects.filter(name="Curators"):
        group.permissions.remove(*Permission.objects.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("trials", "0007_fhir_terminology_codes")]

    operations = [migrations.RunPython(grant, revoke)]
