"""Curators also import trials from registries and review changed registry texts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

IMPORT_MODELS = ("importrun", "eligibilitytextversion")
ACTIONS = ("add", "change", "view")


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Curators")
    codenames = [f"{action}_{model}" for model in IMPORT_MODELS for action in ACTIONS]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="trials", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in IMPORT_MODELS for action in ACTIONS]
    for group in Group.objects.filter(name="Curators"):
        group.permissions.remove(*Permission.objects.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("trials", "0004_merge_curation_and_imports")]

    operations = [migrations.RunPython(grant, revoke)]
