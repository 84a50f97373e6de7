"""The key a live result card is kept under ({% cache %} in questionnaire.html, the
CACHES["template_fragments"] alias: per worker, least recently used dropped first).

Every answer re-draws the panel's few dozen cards, and drawing them was most of an answer's
time at registry scale; yet an answer changes few of them. A card is kept under a digest of
everything it shows (`key`), never under a trial alone, so a kept card can only be stale if
the template reads something `key` leaves out: a card that changes must change its key.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the types only: the pages import this module, it imports none of them
    from screening.questionnaire import ResultItem, Screening


def key(
    state: Screening, item: ResultItem, group: str, question_url: str | None, language: str | None
) -> str:
    """What the card of `item` in the verdict group `group` shows, as a hex digest."""
    result, info = item.result, item.result.info
    parts = (
        language,
        state.mode,
        group,
        question_url,
        state.place is not None,
        state.store.url("trial", trial_id=info.trial_id) if state.store else None,
        info.trial_id,
        info.title,
        info.acronym,
        info.status,
        info.sites,
        result.verdict,
        tuple((f.source_text, f.kind, f.explanation) for f in result.failed),
        tuple(item.questions),
        len(result.confirmed_at_visit),
        item.status_label,
        None if item.link is None else (str(item.link[0]), str(item.link[1])),
        str(item.note),
        item.verdict_title,
        item.nearest_site,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
