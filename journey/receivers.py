"""Receivers of the events of the layers below; each only calls a journey service."""

from journey import services


def notify_subscribers(sender, *, trial, **kwargs) -> None:
    services.journey_notify_on_commit(trial)
