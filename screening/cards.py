"""The live results panel's cards, each drawn once per content and kept a while per worker.

Every answer re-draws the panel's few dozen cards, and drawing them was most of an answer's
time at registry scale; yet an answer changes few of them. A card is kept under a digest of
everything it shows (`key`), never under a trial alone, so a kept card can only be stale if
the template reads something `key` leaves out: a card that changes must change its key.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the types only: the pages import this module, it imports none of them
    from screening.questionnaire import ResultItem, Screening

# ~1.5 kB of HTML each: about 1.5 MB per worker, the panels of a few dozen people at once.
KEPT_CARDS = 1024

_cards: OrderedDict[bytes, str] = OrderedDict()
_lock = threading.Lock()


def key(
    state: Screening, item: ResultItem, group: str, question_url: str | None, language: str | None
) -> bytes:
    """What the card of `item` in the verdict group `group` shows, as a 16-byte digest."""
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
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()


def get(digest: bytes) -> str | None:
    with _lock:
        found = _cards.get(digest)
        if found is not None:
            _cards.move_to_end(digest)
        return found


def put(digest: bytes, html: str) -> str:
    with _lock:
        _cards[digest] = html
        while len(_cards) > KEPT_CARDS:
            _cards.popitem(last=False)
    return html


def clear() -> None:
    with _lock:
        _cards.clear()
