"""Keeps patients' links, and any other secret-shaped path segment, out of every log: a link
opens its answers, a signed confirmation or unsubscribe link acts for its owner, so a log line
with one would be a leak. Django's loggers (runserver's request lines, 404 and 500 reports,
tracebacks included), gunicorn's access and error logs and the Celery workers' logs all go
through here (config/settings.py LOGGING, config/celery.py, GunicornLogger)."""

from __future__ import annotations

import logging
import re

from gunicorn import glogging

# Whatever follows /patient/ is a link's token (journey.models.TOKEN_PATTERN), even mistyped.
PATIENT_LINK = re.compile(r"/patient/[^/?#\s\"']+")
REDACTED = "/patient/[link]"
# Elsewhere, a path segment shaped like a token or a signed value: 20 or more URL-safe
# characters (":" included, as django.core.signing uses it) with a digit or a capital letter.
# Concept codes ("months_since_surgery_general_anaesthesia") and file names (a "." ends the
# segment) stay readable.
TOKEN_SEGMENT = re.compile(r"(?<=/)(?=[A-Za-z0-9_:-]*[0-9A-Z])[A-Za-z0-9_:-]{20,}(?=[/?#\s\"']|$)")
TOKEN = "[token]"


def redact(text: str) -> str:
    return TOKEN_SEGMENT.sub(TOKEN, PATIENT_LINK.sub(REDACTED, text))


def _redact_value(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


class RedactPatientLinks(logging.Filter):
    """On a handler: redacts the message, its arguments and its traceback."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_value(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            # A traceback can quote a URL (an exception's message, a template's context).
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn's logger (gunicorn.conf.py, the Docker entrypoint): the access log's request
    line, path and referrer, and every error-log line, without links or tokens."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for handler in (*self.error_log.handlers, *self.access_log.handlers):
            handler.addFilter(RedactPatientLinks())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: _redact_value(v) for k, v in atoms.items()}
