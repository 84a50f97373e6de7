"""The admin login locks out a username from one address after AXES_FAILURE_LIMIT failures."""

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from config.ratelimit import client_address

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def curator():
    return get_user_model().objects.create_user(
        "curator", password=PASSWORD, is_staff=True, is_superuser=True
    )


def attempt(client, password, address="203.0.113.7"):
    return client.post(
        LOGIN, {"username": "curator", "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_correct_password_logs_in_before_the_limit(client, curator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error
    response = attempt(client, PASSWORD)
    assert response.status_code == 302 and is_logged_in(client)


def test_after_the_limit_even_the_right_password_is_refused(client, curator, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert attempt(client, "wrong").status_code == 200
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    assert b"locked" in response.content.lower()
    assert not is_logged_in(client)
    assert AccessAttempt.objects.get(username="curator").failures_since_start >= 3


def test_the_lockout_is_per_address_so_an_attacker_cannot_lock_out_staff_elsewhere(client, curator, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        attempt(client, "wrong", address="198.51.100.66")
    assert attempt(client, PASSWORD, address="198.51.100.66").status_code == 429
    response = attempt(client, PASSWORD, address="203.0.113.7")
    assert response.status_code == 302 and is_logged_in(client)


def test_a_successful_login_resets_the_failure_count(client, curator, settings):
    settings.AXES_FAILURE_LIMIT = 3
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302


def test_logins_without_a_request_still_work_for_tests_and_scripts(client, curator):
    assert client.login(username="curator", password=PASSWORD)
    assert not client.login(username="curator", password="wrong")


PROXY = "10.0.0.1"


def through_the_proxy(client, password, client_address):
    """A login as the documented TLS proxy forwards it: the proxy is the peer, the client is
    the last X-Forwarded-For entry (the one the proxy itself appended)."""
    return client.post(
        LOGIN,
        {"username": "curator", "password": password, "next": "/admin/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"192.0.2.99, {client_address}",
    )


def test_behind_the_proxy_an_attacker_locks_out_only_their_own_address(client, curator, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        through_the_proxy(client, "wrong", "198.51.100.66")
    assert through_the_proxy(client, PASSWORD, "198.51.100.66").status_code == 429
    # The staff member comes through the same proxy from elsewhere: not locked out.
    response = through_the_proxy(client, PASSWORD, "203.0.113.7")
    assert response.status_code == 302 and is_logged_in(client)
    attempt = AccessAttempt.objects.get(username="curator")
    assert attempt.ip_address == "198.51.100.66"


def test_the_lockout_and_the_rate_limits_read_the_same_client_address(rf, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    request = rf.post(LOGIN, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.66")
    assert get_client_ip_address(request) == client_address(request) == "198.51.100.66"
    settings.AXES_IPWARE_PROXY_COUNT = 0  # no proxy trusted: a forged header changes nothing
    assert get_client_ip_address(request) == client_address(request) == PROXY
