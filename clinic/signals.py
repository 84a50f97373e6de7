"""What the clinician workspace tells the apps above it (impact), sent from its services."""

from django.dispatch import Signal

# A clinician saved a screening of a patient. Sent inside the saving transaction, with
# `screening`.
screening_saved = Signal()
