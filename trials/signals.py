"""What the trials app tells the apps above it. Sent from the model method where the event
happens; receivers (connected in each upper app's AppConfig.ready) only call a service of
their own app, so trials never imports the apps that react to it."""

from django.dispatch import Signal

# A trial's criteria revision was published (a first publication, a new revision, a rollback,
# or publishing again after a withdrawal); never on a draft edit. Sent inside the publishing
# transaction, with `trial`; receivers that queue work must do it on commit.
trial_criteria_changed = Signal()
