from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trials.models import ImportRun, Trial
from trials.registry import services
from trials.registry.records import RegistryError


class Command(BaseCommand):
    help = (
        "Imports trials from ClinicalTrials.gov by NCT id, or from a saved API v2 JSON or WHO ICTRP XML "
        "file, now (not through the worker), and prints what happened. Each import is recorded as an "
        "ImportRun, visible in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("registry_ids", nargs="*", metavar="NCT_ID")
        parser.add_argument("--file", dest="path", help="A ClinicalTrials.gov JSON or WHO ICTRP XML file.")
        parser.add_argument("--retries", type=int, default=2, help="Retries on network errors (default 2).")

    def handle(self, *args, registry_ids, path, retries, **options):
        if bool(registry_ids) == bool(path):
            raise CommandError("Give NCT ids or --file PATH (not both).")
        runs = []
        try:
            if path:
                try:
                    content = Path(path).read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError) as exc:
                    raise CommandError(f"--file: cannot read {path}: {exc}") from None
                runs.append(
                    services.import_run_create(
                        trigger=ImportRun.Trigger.COMMAND,
                        filename=Path(path).name,
                        content=content,
                        queue=False,
                    )
                )
            else:
                for registry_id in registry_ids:
                    runs.append(
                        services.import_run_create(
                            trigger=ImportRun.Trigger.COMMAND, registry_id=registry_id, queue=False
                        )
                    )
        except RegistryError as exc:
            raise CommandError(str(exc)) from None

        failed = 0
        for run in runs:
            run = services.import_run_execute(run_id=run.pk, final_attempt=True, retries=retries)
            failed += run.outcome == ImportRun.Outcome.FAILED
            self._report(run)
        if failed:
            raise CommandError(f"{failed} of {len(runs)} import(s) failed.")

    def _report(self, run: ImportRun) -> None:
        label = run.requested_id or run.filename
        if run.outcome == ImportRun.Outcome.FAILED:
            self.stderr.write(f"{label}: failed — {run.error}")
            return
        for result in run.results:
            trial_id = result["trial_id"]
            if result["outcome"] == ImportRun.Outcome.FAILED:
                self.stderr.write(f"{trial_id}: failed")
                continue
            trial = run.trial if run.trial and run.trial.trial_id == trial_id else None
            trial = trial or Trial.objects.get(trial_id=trial_id)
            nodes = trial.criteria.filter(parent__isnull=True)
            if result["created"]:
                verb = f"created as a {trial.get_state_display().lower()} trial"
            elif result["outcome"] == ImportRun.Outcome.CHANGED:
                verb = "updated; the eligibility text CHANGED (new version kept, review needed)"
            else:
                verb = "updated; eligibility text unchanged"
            self.stdout.write(
                f"{trial_id}: {verb} — {trial.sites.count()} site(s), {nodes.count()} criteria "
                f"({nodes.exclude(node_type='visit').count()} structured), state {trial.state}"
            )
        for warning in run.warnings:
            self.stdout.write(f"  warning: {warning}")
        if run.error:
            self.stderr.write(run.error)
        self.stdout.write(f"  import run #{run.pk}: {run.get_outcome_display()}")
