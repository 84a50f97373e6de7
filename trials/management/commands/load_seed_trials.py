from django.core.management.base import BaseCommand

from trials.models import Trial
from trials.seed_data import SEED_TRIALS
from trials.seed_data.terminology import CODES, DRUG_NAMES
from trials.seed_data.test_patients import TEST_PATIENTS
from trials.seed_data.vocabulary import CONCEPTS, DRUG_CLASSES, DRUGS
from trials.services import (
    terminology_add_missing,
    test_patients_add_missing,
    trial_create,
    trial_replace_criteria,
    vocabulary_add_missing,
)


class Command(BaseCommand):
    help = "Loads the concept vocabulary and the five curated seed trials; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-criteria",
            action="store_true",
            help="Replace the criteria of seed trials that already exist with the curated seed criteria.",
        )

    def handle(self, *args, reset_criteria: bool = False, **options):
        added = vocabulary_add_missing(concepts=CONCEPTS, drugs=DRUGS, classes=DRUG_CLASSES)
        self.stdout.write(f"vocabulary: {added} concept(s) added, {len(CONCEPTS) - added} already present")
        added = terminology_add_missing(codes=CODES, drug_names=DRUG_NAMES)
        self.stdout.write(f"terminology: {added} code(s) added")
        for data in SEED_TRIALS:
            trial = Trial.objects.filter(trial_id=data["trial_id"]).first()
            if trial is None:
                trial = trial_create(data=data, publish=True)
                self.stdout.write(f"{trial.trial_id}: created and published ({trial.criteria.count()} nodes)")
            elif reset_criteria:
                check = trial_replace_criteria(trial=trial, criteria=data["criteria"])
                trial.refresh_from_db()
                live = trial.live_revision.number if trial.live_revision else "none"
                self.stdout.write(
                    f"{trial.trial_id}: criteria replaced as revision {check.revision.number} (live: {live})"
                )
            else:
                self.stdout.write(f"{trial.trial_id}: already present, left as curated")
            added = test_patients_add_missing(trial=trial, patients=TEST_PATIENTS.get(trial.trial_id, []))
            if added:
                self.stdout.write(f"{trial.trial_id}: {added} test patient(s) added")
