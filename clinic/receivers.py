"""Receivers of the events of the layers below; each only calls a clinic service."""

from clinic import services


def rescreen_patients(sender, *, trial, **kwargs) -> None:
    services.on_trial_criteria_changed(trial)
