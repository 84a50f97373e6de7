"""Settings read the environment strictly: malformed values stop the start-up, naming the variable."""

import pytest

from config.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list, env_url


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("no", False), ("OFF", False)])
def test_booleans_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)
    assert env_bool("DEBUG") is expected


def test_a_malformed_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfiguredEnv, match="DEBUG"):
        env_bool("DEBUG")


def test_a_malformed_integer_names_the_variable(monkeypatch):
    monkeypatch.setenv("SCREEN_MAX_BODY_BYTES", "64k")
    with pytest.raises(ImproperlyConfiguredEnv, match="SCREEN_MAX_BODY_BYTES"):
        env_int("SCREEN_MAX_BODY_BYTES", 1)


def test_lists_reject_empty_items(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example,,b.example")
    with pytest.raises(ImproperlyConfiguredEnv, match="ALLOWED_HOSTS"):
        env_list("ALLOWED_HOSTS", [])
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example")
    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


@pytest.mark.parametrize("raw", ["mysql://db/x", "localhost:5432", "postgres://"])
def test_database_urls_must_be_postgres_or_sqlite(monkeypatch, raw):
    monkeypatch.setenv("DATABASE_URL", raw)
    with pytest.raises(ImproperlyConfiguredEnv, match="DATABASE_URL"):
        env_url("DATABASE_URL", {"postgres", "postgresql", "sqlite"})


def test_unset_urls_mean_the_embedded_default(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert env_url("REDIS_URL", {"redis"}) is None
