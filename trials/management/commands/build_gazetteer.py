"""Builds the offline gazetteer file from the installed data packages (idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from trials import gazetteer


class Command(BaseCommand):
    help = "Build the gazetteer of towns and their coordinates (trials near me), unless it exists."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild even if the file exists.")

    def handle(self, *args, force: bool = False, verbosity: int = 1, **options):
        path = Path(settings.GAZETTEER_DIR) / gazetteer.default_filename()
        if path.exists() and not force:
            if verbosity:
                self.stdout.write(f"{path} is up to date")
            return
        gazetteer.build(path)
        if verbosity:
            self.stdout.write(f"built {path}")
