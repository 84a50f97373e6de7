"""Demo accounts for trying the app locally (`make run` creates them). Safe to run again:
existing accounts get their documented password and groups back. Refused unless DEBUG is on
and HTTPS off (config/demo.py).

To add an account, append to ACCOUNTS; the groups must exist (created by migrations).
"""

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction

from config.demo import refuse_unless_local_development

DEMO_PASSWORD_NOTE = "Demo passwords are documented in README.md; never use these accounts in production."

ACCOUNTS = [
    {
        "username": "curator",
        "password": "curate-demo-2026",
        "email": "curator@example.org",
        "first_name": "Camille",
        "last_name": "Curator",
        "is_staff": True,
        "groups": ["Curators"],
    },
]


class Command(BaseCommand):
    help = "Creates the demo accounts listed in README.md (idempotent). " + DEMO_PASSWORD_NOTE

    @transaction.atomic
    def handle(self, *args, **options):
        refuse_unless_local_development()
        for account in ACCOUNTS:
            data = dict(account)
            username, password, groups = data.pop("username"), data.pop("password"), data.pop("groups")
            user, created = User.objects.update_or_create(username=username, defaults=data)
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.set(Group.objects.filter(name__in=groups))
            missing = set(groups) - set(user.groups.values_list("name", flat=True))
            if missing:
                raise RuntimeError(f"groups {', '.join(sorted(missing))} do not exist: run migrate first")
            self.stdout.write(
                f"{username}: {'created' if created else 'reset'} ({', '.join(groups) or 'no group'})"
            )
