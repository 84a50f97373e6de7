#!/bin/sh
# One image, several roles (docker-compose.yml): `setup` migrates and loads the seed trials
# (idempotent, run once per `docker compose up` before the others start), `web` serves with
# gunicorn, `worker` and `beat` run Celery. Anything else is executed as given.
set -eu

case "${1:-web}" in
  setup)
    python manage.py migrate --noinput
    exec python manage.py load_seed_trials
    ;;
  web)
    exec gunicorn config.wsgi:application \
      --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-3}" \
      --timeout "${GUNICORN_TIMEOUT:-30}" \
      --access-logfile - \
      --logger-class config.redact.GunicornLogger \
      --error-logfile -
    ;;
  worker)
    exec celery --app config worker --loglevel "${LOG_LEVEL:-INFO}" --concurrency "${CELERY_CONCURRENCY:-2}"
    ;;
  beat)
    exec celery --app config beat --loglevel "${LOG_LEVEL:-INFO}" --schedule /app/var/celerybeat-schedule
    ;;
  *)
    exec "$@"
    ;;
esac
