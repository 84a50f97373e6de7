# The app image: one image for web (gunicorn), worker and beat (Celery); see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    PYTHONPATH=/app \
    STATIC_MANIFEST=true \
    GAZETTEER_DIR=/app/geodata

RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so code edits do not reinstall them: install the project from its
# pyproject.toml with empty packages, then remove it and keep only its dependencies (the code
# runs from /app, next to templates/ and static/).
COPY pyproject.toml ./
COPY config/__init__.py config/
RUN mkdir -p trials screening benchmarks \
    && touch trials/__init__.py screening/__init__.py benchmarks/__init__.py \
    && pip install . \
    && pip uninstall -y prescreen

COPY . .
# Compiled translations, collected static files and the offline gazetteer (towns and their
# coordinates, read-only, outside any volume) are part of the image; the build needs no
# secrets (SECRET_KEY is only required at run time with HTTPS=true).
RUN for po in locale/*/LC_MESSAGES/django.po; do [ -f "$po" ] || continue; \
      pybabel compile -D django -d locale -l "$(echo "$po" | cut -d/ -f2)" -q; done \
    && python manage.py collectstatic --noinput -v 0 \
    && python manage.py build_gazetteer -v 0 \
    && mkdir -p /app/var && chown -R app:app /app/var

USER app
EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
