import time

from django.core.management.base import BaseCommand, CommandError

from trials.models import Trial
from trials.seed_data.vocabulary import CONCEPTS, DRUG_CLASSES, DRUGS
from trials.services import vocabulary_add_missing
from trials.synthetic import synthetic_trials, synthetic_trials_delete, synthetic_trials_insert


class Command(BaseCommand):
    help = (
        "Creates N published synthetic trials (about 25 screenable criteria each) from the real "
        "vocabulary, for benchmarks and load tests. Same --seed, same corpus."
    )

    def add_arguments(self, parser):
        parser.add_argument("n", type=int, help="how many trials to create")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument("--prefix", default="SYN-", help="trial id prefix (default SYN-)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the existing trials with this prefix first (otherwise refuse to mix corpora)",
        )

    def handle(self, *args, n: int, seed: int, prefix: str, replace: bool, **options):
        if n < 0:
            raise CommandError("n must be 0 or more")
        if not prefix:
            raise CommandError("--prefix must not be empty: it is how synthetic trials are found again")
        vocabulary_add_missing(concepts=CONCEPTS, drugs=DRUGS, classes=DRUG_CLASSES)
        existing = Trial.objects.filter(trial_id__startswith=prefix).count()
        if existing and not replace:
            raise CommandError(
                f"{existing} trial(s) with prefix {prefix!r} already exist; use --replace or another --prefix"
            )
        started = time.perf_counter()
        if existing:
            synthetic_trials_delete(prefix=prefix)
            self.stdout.write(f"deleted {existing} trial(s) with prefix {prefix!r}")
        made = synthetic_trials_insert(trials=synthetic_trials(n, seed=seed, prefix=prefix))
        self.stdout.write(
            f"created {made} published synthetic trial(s) in {time.perf_counter() - started:.1f} s"
        )
