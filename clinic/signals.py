"""What the clinician workspace tells the apps above it (impact), sent from its services."""

from django.dispatch import Signal

# A clinician saved a screening of a patient. Sent inside the saving transaction, with
# `screening`.
screening_saved = Signal()

# A patient was erased with all their screenings. Sent inside the erasing transaction, with
# `patient_id`.
patient_erased = Signal()
