"""`manage.py create_demo_accounts` and `create_demo_clinic_accounts`: the demo accounts of
README.md, safe to run again, and only ever on a developer's machine (DEBUG on, HTTPS off)."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
COMMANDS = ["create_demo_accounts", "create_demo_clinic_accounts"]


def test_it_creates_a_staff_curator_who_can_open_the_trial_admin(client, local_development):
    call_command("create_demo_accounts", verbosity=0)
    curator = User.objects.get(username="curator")
    assert curator.is_staff and not curator.is_superuser
    assert list(curator.groups.values_list("name", flat=True)) == ["Curators"]
    assert client.login(username="curator", password="curate-demo-2026")
    assert client.get("/admin/trials/trial/").status_code == 200


def test_running_it_again_restores_the_documented_password_without_duplicates(client, local_development):
    call_command("create_demo_accounts", verbosity=0)
    curator = User.objects.get(username="curator")
    curator.set_password("changed")
    curator.save()
    call_command("create_demo_accounts", verbosity=0)
    assert User.objects.filter(username="curator").count() == 1
    assert client.login(username="curator", password="curate-demo-2026")


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("debug", "https"),
    [(False, False), (False, True), (True, True)],
    ids=["DEBUG off", "production (DEBUG off, HTTPS on)", "DEBUG on but HTTPS on"],
)
def test_it_refuses_anything_but_local_development_and_changes_nothing(settings, command, debug, https):
    User.objects.create_user("curator", password="the real curator password")
    settings.DEBUG, settings.HTTPS = debug, https
    users = set(User.objects.values_list("username", "password"))
    with pytest.raises(CommandError, match="published passwords"):
        call_command(command, verbosity=0)
    assert set(User.objects.values_list("username", "password")) == users
