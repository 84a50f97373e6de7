# Read by gunicorn from the directory it starts in (the repository, /app in the image): every
# gunicorn run logs through the redacting logger, whatever its command line says.
import os

import django

logger_class = "config.redact.GunicornLogger"

# The master loads the app and compiles the trial catalog once, before any worker exists:
# every worker is forked with the plan already built (and its memory shared until written),
# so no request ever waits for a full compilation. Django is set up here for that.
preload_app = True
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from screening.catalog import warm_up  # noqa: E402  (needs django.setup())


def when_ready(server) -> None:
    """Runs in the master once the app is loaded, before the workers are forked."""
    catalog = warm_up()
    if catalog is not None:
        server.log.info("trial catalog compiled: %d trials", len(catalog.plan))
