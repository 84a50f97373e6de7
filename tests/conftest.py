import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test starts from the curated vocabulary and the five seed trials."""
    with django_db_blocker.unblock():
        call_command("load_seed_trials", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Each test counts its own requests (rate limits stay on everywhere)."""
    import uuid

    settings.RATE_LIMIT_NAMESPACE = uuid.uuid4().hex


@pytest.fixture
def local_development(settings):
    """What `make run` runs with: the only configuration the demo-account commands accept."""
    settings.DEBUG, settings.HTTPS = True, False
