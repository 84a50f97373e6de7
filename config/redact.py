"""Keeps patients' screening links out of logs: a link opens its answers, so a log line with
one would be a leak. Django's request warnings (a 404 or 422 on a patient page) and gunicorn's
access log both go through here."""

from __future__ import annotations

import logging
import re

from gunicorn import glogging

# /patient/<43-character token>/ (journey.models.TOKEN_PATTERN)
PATIENT_LINK = re.compile(r"/patient/[A-Za-z0-9_-]{43}(?=/|$|\s|\?|\")")
REDACTED = "/patient/[link]"


def redact(text: str) -> str:
    return PATIENT_LINK.sub(REDACTED, text)


class RedactPatientLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn --logger-class config.redact.GunicornLogger: the access log's request line,
    path and referrer without patient links."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
