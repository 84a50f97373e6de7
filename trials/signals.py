"""What the trials app tells the apps above it. Sent from the model method where the event
happens; receivers (connected in each upper app's AppConfig.ready) only call a service of
their own app, so trials never imports the apps that react to it."""

from django.dispatch import Signal

# A trial was published, or the criteria of a trial changed. Sent inside the transaction
# that made the change, with `trial`; receivers that queue work must do it on commit.
trial_criteria_changed = Signal()
