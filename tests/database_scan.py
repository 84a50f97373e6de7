"""Looking for personal data left anywhere in the database, after an erasure."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import connection


def tables_containing(needles: tuple[str, ...]) -> dict[str, set[str]]:
    """Every table (every model's, history tables, sessions, third-party apps) and column whose
    text contains one of the needles, case-insensitively; sessions are decoded first."""
    found: dict[str, set[str]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                text = f"LOWER(CAST({quote(column.name)} AS TEXT))"
                where = " OR ".join(f"{text} LIKE %s" for _ in needles)
                cursor.execute(
                    f"SELECT 1 FROM {quote(table)} WHERE {where} LIMIT 1", [f"%{n.lower()}%" for n in needles]
                )
                if cursor.fetchone():
                    found.setdefault(table, set()).add(column.name)
    for session in Session.objects.all():
        if any(n.lower() in str(session.get_decoded()).lower() for n in needles):
            found.setdefault("django_session (decoded)", set()).add("session_data")
    return found
