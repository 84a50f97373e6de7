"""`manage.py create_demo_accounts`: the demo curator of README.md, safe to run again."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_creates_a_staff_curator_who_can_open_the_trial_admin(client):
    call_command("create_demo_accounts", verbosity=0)
    curator = User.objects.get(username="curator")
    assert curator.is_staff and not curator.is_superuser
    assert list(curator.groups.values_list("name", flat=True)) == ["Curators"]
    assert client.login(username="curator", password="curate-demo-2026")
    assert client.get("/admin/trials/trial/").status_code == 200


def test_running_it_again_restores_the_documented_password_without_duplicates(client):
    call_command("create_demo_accounts", verbosity=0)
    curator = User.objects.get(username="curator")
    curator.set_password("changed")
    curator.save()
    call_command("create_demo_accounts", verbosity=0)
    assert User.objects.filter(username="curator").count() == 1
    assert client.login(username="curator", password="curate-demo-2026")
