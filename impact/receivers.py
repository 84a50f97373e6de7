"""Receivers of the events of the layers below; each only calls an impact service."""

from impact import services


def refresh_trial(sender, *, trial, **kwargs) -> None:
    services.impact_refresh_on_commit(trial.pk)


def refresh_every_trial(sender, **kwargs) -> None:
    # Every trial's attrition counts the patient whose screening was saved (or who was erased).
    services.impact_refresh_on_commit()
