"""From validated answers to the per-trial results of the public API (shared/spec/api.md).

The HTMX pages render the same `TrialResult` objects, so the API and the pages cannot
disagree about a verdict or its reasons.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import orjson
from django.core.cache import cache

from engine import (
    CompiledCriterion,
    Kind,
    NodeResult,
    TrialOutcome,
    Verdict,
    detail,
    evaluate,
)
from engine.operators import MET, NOT_MET, UNKNOWN
from engine.plan import CompiledNode, CompiledTrial
from engine.table import Screen, Table, table_of
from engine.validation import DATE_MAX, DATE_MIN, DateFormatError, DateRangeError, parse_iso_date
from screening import nearby, relevance
from screening.catalog import Catalog, TrialInfo

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CriterionReport:
    criterion_id: int | None
    kind: str
    concepts: tuple[str, ...]
    source_text: str
    explanation: str = ""
    question: str = ""
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrialResult:
    info: TrialInfo
    verdict: str
    failed: tuple[CriterionReport, ...] = ()
    unknown: tuple[CriterionReport, ...] = ()
    missing_concepts: tuple[str, ...] = ()
    confirmed_at_visit: tuple[str, ...] = ()
    outcome: TrialOutcome | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict:
        return {
            "trial_id": self.info.trial_id,
            "title": self.info.title,
            "status": self.info.status,
            "verdict": self.verdict,
            "failed": [
                {
                    "criterion_id": r.criterion_id,
                    "kind": r.kind,
                    "concepts": list(r.concepts),
                    "source_text": r.source_text,
                    "explanation": r.explanation,
                }
                for r in self.failed
            ],
            "unknown": [
                {
                    "criterion_id": r.criterion_id,
                    "kind": r.kind,
                    "concepts": list(r.concepts),
                    "source_text": r.source_text,
                    "question": r.question,
                }
                for r in self.unknown
            ],
            "missing_concepts": list(self.missing_concepts),
            "confirmed_at_visit": list(self.confirmed_at_visit),
        }


def criterion_source(node: CompiledNode) -> str:
    if node.source_text:
        return node.source_text
    return " ".join(filter(None, (criterion_source(child) for child in node.children)))


class _Reporter:
    """Words the reports of one request. Identical subtrees (same key: same structure, values
    and units as written) get identical explanations and questions for the same answers, so
    each is worded once per request however many trials repeat it."""

    def __init__(self, catalog: Catalog, values: dict[str, object], display: dict[str, str] | None):
        self.catalog = catalog
        self.values = values
        self.explainer = catalog.explainer(display)
        self.vocabulary = catalog.vocabulary()
        self._explanations: dict[tuple, str] = {}
        self._questions: dict[tuple[str, ...], str] = {}

    def explanation(self, criterion: CompiledCriterion) -> str:
        """Why the criterion stands in the way."""
        key = (criterion.node.key, criterion.kind)
        found = self._explanations.get(key)
        if found is None:
            tree: NodeResult = detail(criterion.node, self.values)
            found = self.explainer.node(tree, self.values, positive=criterion.kind == Kind.INCLUSION)
            self._explanations[key] = found
        return found

    def question(self, missing: tuple[str, ...]) -> str:
        found = self._questions.get(missing)
        if found is None:
            found = self._questions[missing] = " ".join(self.vocabulary.question(code) for code in missing)
        return found

    def failed(self, criterion: CompiledCriterion) -> CriterionReport:
        return CriterionReport(
            criterion.id,
            criterion.kind.value,
            criterion.node.concepts,
            criterion_source(criterion.node),
            explanation=self.explanation(criterion),
        )

    def unknown(self, criterion: CompiledCriterion, outcome: TrialOutcome) -> CriterionReport:
        missing = outcome.criterion_missing(criterion, self.values)
        return CriterionReport(
            criterion.id,
            criterion.kind.value,
            criterion.node.concepts,
            criterion_source(criterion.node),
            question=self.question(missing),
            missing=missing,
        )


def _trial_result(catalog: Catalog, reporter: _Reporter, outcome: TrialOutcome) -> TrialResult:
    trial = outcome.trial
    needs_info = outcome.verdict == Verdict.NEEDS_INFO
    return TrialResult(
        info=catalog.trials[trial.trial_id],
        verdict=outcome.verdict.value,
        failed=tuple(reporter.failed(c) for c in outcome.failed),
        unknown=tuple(reporter.unknown(c, outcome) for c in outcome.undecided) if needs_info else (),
        missing_concepts=outcome.missing_concepts(reporter.values),
        confirmed_at_visit=catalog.visit_texts(trial),
        outcome=outcome,
    )


def screen(
    catalog: Catalog,
    values: dict[str, object],
    display: dict[str, str] | None = None,
    trial_ids: Iterable[str] | None = None,
) -> list[TrialResult]:
    reporter = _Reporter(catalog, values, display)
    return [_trial_result(catalog, reporter, o) for o in evaluate(catalog.plan, values, trial_ids)]


def patient_screen(catalog: Catalog, values: dict[str, object], previous: dict | None = None) -> Screen:
    """Every trial's verdict for `values` (engine.table), kept a while in the cache every
    worker reads, by the plan's fingerprint and the answers: the next answer of the same
    patient starts from it, whichever worker takes it. With `previous` (the values before an
    answer) and its screen still kept, only the trials reading a changed concept are
    evaluated again. A missing or unreadable entry costs a full screen, never an error."""
    table = table_of(catalog.plan)
    key = _screen_key(catalog, table, values)
    found = _kept_screen(table, key, values)
    if found is not None:
        return found
    before = None
    if previous is not None:
        before = _kept_screen(table, _screen_key(catalog, table, previous), previous)
    found = before.update(values) if before is not None else table.screen(values)
    cache.set(key, found.dump(), SCREEN_TIMEOUT)
    return found


# How long a patient's screen is kept for their next answer (a questionnaire pauses for minutes).
SCREEN_TIMEOUT = 30 * 60


def _screen_key(catalog: Catalog, table: Table, values: dict[str, object]) -> str:
    """The plan (its fingerprint, and how its arrays are laid out) and the answers."""
    plan = hashlib.blake2b(repr(catalog.fingerprint).encode(), digest_size=8).hexdigest()
    return f"screen:{plan}:{table.layout.hex()}:{_values_key(values).hex()}"


def _kept_screen(table: Table, key: str, values: dict[str, object]) -> Screen | None:
    try:
        data = cache.get(key)
        return None if data is None else table.load(values, data)
    except Exception:
        # Another version's entry, or one corrupted in the cache: screened again. Every
        # exception, because bytes corrupted in Redis fail in the cache's own unpickling
        # (UnpicklingError, EOFError, ImportError...), not only in Table.load's ValueError.
        logger.warning("kept screen %s unreadable: screened again", key, exc_info=True)
        return None


def _values_key(values: dict[str, object]) -> bytes:
    """The same answers give the same key (values are plain numbers, strings, booleans,
    tuples of frozen medications: their repr is deterministic)."""
    return hashlib.blake2b(repr(sorted(values.items())).encode(), digest_size=16).digest()


class ScreenResults(Sequence[TrialResult]):
    """A screen's results in the API's order (or `positions`' order), each `TrialResult`
    worded only when read: a page shows a few dozen of 10 000 trials."""

    def __init__(
        self,
        catalog: Catalog,
        screen: Screen,
        values: dict[str, object],
        display: dict[str, str] | None,
        positions: Sequence[int] | None = None,
    ):
        self.catalog = catalog
        self.screen = screen
        self.positions_all = np.asarray(screen.order() if positions is None else positions, dtype=np.int64)
        # The screen's own answers, equal to `values` (see screen_response).
        self._reporter = _Reporter(catalog, screen.answers, display)
        self._made: dict[int, TrialResult] = {}

    def __len__(self) -> int:
        return len(self.positions_all)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self._result(int(p)) for p in self.positions_all[index]]
        return self._result(int(self.positions_all[index]))

    def __iter__(self) -> Iterator[TrialResult]:
        for position in self.positions_all:
            yield self._result(int(position))

    def _result(self, position: int) -> TrialResult:
        found = self._made.get(position)
        if found is None:
            outcome = self.screen.outcome(position)
            found = self._made[position] = _trial_result(self.catalog, self._reporter, outcome)
        return found

    def _of(self, verdict: str) -> np.ndarray:
        status = _STATUS[verdict]
        return self.positions_all[self.screen.verdicts[self.positions_all] == status]

    def positions(self, verdict: str | None = None, closed: bool | None = None) -> np.ndarray:
        """The plan positions of one verdict's trials (or all), in this list's order; with
        `closed`, only the trials that are (True) or are not (False) closed to recruitment."""
        positions = self.positions_all if verdict is None else self._of(verdict)
        if closed is None:
            return positions
        return positions[self.catalog.closed_mask[positions] == closed]

    def at(self, positions: Sequence[int] | np.ndarray) -> list[TrialResult]:
        """The results of these plan positions, worded now (each once)."""
        return [self._result(int(p)) for p in positions]

    def total(self, verdict: str) -> int:
        return int(np.count_nonzero(self.screen.verdicts[self.positions_all] == _STATUS[verdict]))

    def of_verdict(self, verdict: str, limit: int | None = None, start: int = 0) -> list[TrialResult]:
        """One verdict's results, in this list's order: at most `limit`, from the `start`-th."""
        end = None if limit is None else start + limit
        return [self._result(int(p)) for p in self._of(verdict)[start:end]]

    def trial_ids(self, verdict: str | None = None) -> list[str]:
        """The trial ids, of one verdict or all, in this list's order, without wording results."""
        trials = self.catalog.plan.trials
        positions = self.positions_all if verdict is None else self._of(verdict)
        return [trials[p].trial_id for p in positions.tolist()]

    def find(self, trial_id: str) -> TrialResult | None:
        try:
            position = table_of(self.catalog.plan).position(trial_id)
        except KeyError:
            return None
        return self._result(position) if position in set(self.positions_all.tolist()) else None


_STATUS = {Verdict.ELIGIBLE.value: MET, Verdict.NEEDS_INFO.value: UNKNOWN, Verdict.INELIGIBLE.value: NOT_MET}


def failure_explanations(
    catalog: Catalog,
    values: dict[str, object],
    display: dict[str, str] | None,
    results: Iterable[TrialResult],
) -> list[tuple[str, ...]]:
    """The explanations of each result's failed criteria (same order as `result.failed`),
    worded again in the active language from the outcomes `screen` already computed: a
    caller that stores results can keep them in every language without screening twice."""
    reporter = _Reporter(catalog, values, display)
    return [tuple(reporter.explanation(c) for c in r.outcome.failed) if r.outcome else () for r in results]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building a response allocates tens of thousands of acyclic dicts and lists at 10 000
    trials; the cycle collector's passes over them cost more than the building itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def screen_json(
    catalog: Catalog,
    values: dict[str, object],
    display: dict[str, str] | None = None,
    trial_ids: Iterable[str] | None = None,
) -> list[dict]:
    """`[r.as_json() for r in screen(...)]`, without the intermediate objects: the API's
    response at 10 000 trials holds tens of thousands of criterion reports. Same reporter,
    same outcomes (a test compares both). Lists in the result may be shared tuples."""
    with _collector_paused():
        return _results_json(catalog, values, display, evaluate(catalog.plan, values, trial_ids))


VERDICTS = tuple(v.value for v in (Verdict.ELIGIBLE, Verdict.NEEDS_INFO, Verdict.INELIGIBLE))


def screen_response(
    catalog: Catalog,
    values: dict[str, object],
    display: dict[str, str] | None,
    *,
    asked: Iterable[str],
    trial_ids: Iterable[str] | None = None,
    verdicts: Iterable[str] | None = None,
    limit: int | None = None,
    mode: str = "patient",
    near: nearby.Point | None = None,
) -> dict:
    """The screening API's response body: `results` (only `verdicts`, at most `limit`, in the
    API's order; already encoded, an `orjson.Fragment` for orjson.dumps), `counts` of every
    screened trial's verdict before that selection, and `next_question` — the concept worth
    asking next in `mode`'s words (None when no concept not yet `asked` could change a verdict).
    With `near` (latitude, longitude) each result has its `nearest_site`, and each verdict's
    results are nearest first."""
    screen = patient_screen(catalog, values)
    # The kept screen's own answers (equal to `values`): the engine shares the missing concepts
    # it worked out while screening only with the very object it screened.
    values = screen.answers
    table = screen.table
    selection = None if trial_ids is None else table.positions(trial_ids)
    counts = screen.counts(selection)
    order = screen.order(selection)
    if verdicts is not None:
        wanted = np.array(sorted(_STATUS[v] for v in set(verdicts)), dtype=np.uint8)
        order = order[np.isin(screen.verdicts[order], wanted)]
    nearest = None
    trials = catalog.plan.trials
    if near is not None:
        nearest = nearby.nearest_sites(near, trial_ids)
        order = nearby.nearest_first(
            order.tolist(),
            nearest,
            trial_id=lambda p: trials[p].trial_id,
            verdict=lambda p: screen.verdict(p).value,
        )
    if limit is not None:
        order = order[:limit]
    results = _results_bytes(catalog, screen, np.asarray(order, dtype=np.int64), display, nearest)
    suggestion = relevance.next_for_screen(screen, values, asked, catalog.question_order, selection)
    return {
        "results": orjson.Fragment(results),
        "counts": counts,
        "next_question": _next_question_json(catalog, suggestion, mode),
    }


def _next_question_json(catalog: Catalog, suggestion: relevance.Suggestion | None, mode: str) -> dict | None:
    if suggestion is None:
        return None
    concept = catalog.concepts[suggestion.concept]
    question = concept.clinician_question if mode == "clinician" else concept.patient_question
    return {"concept": suggestion.concept, "question": question, "trials_it_can_decide": suggestion.decides}


def _results_json(
    catalog: Catalog,
    values: dict[str, object],
    display: dict[str, str] | None,
    outcomes: Iterable[TrialOutcome],
) -> list[dict]:
    reporter = _Reporter(catalog, values, display)
    trials = catalog.trials
    results = []
    append = results.append
    for outcome in outcomes:
        trial = outcome.trial
        info = trials[trial.trial_id]
        verdict = outcome.verdict
        # An ineligible trial reports the criteria it failed, with why; one that needs
        # information, its undecided ones, with the question that settles them.
        reported = []
        if verdict != Verdict.ELIGIBLE:
            shown = NOT_MET if verdict == Verdict.INELIGIBLE else UNKNOWN
            for c, effect in zip(trial.screened, outcome.effects, strict=True):
                if effect == shown:
                    node = c.node
                    entry = {
                        "criterion_id": node.id,
                        "kind": c.kind,
                        "concepts": node.concepts,
                        "source_text": _source_text(node),
                    }
                    if shown == NOT_MET:
                        entry["explanation"] = reporter.explanation(c)
                    else:
                        entry["question"] = reporter.question(outcome.criterion_missing(c, values))
                    reported.append(entry)
        failed, unknown = (reported, []) if verdict == Verdict.INELIGIBLE else ([], reported)
        append(
            {
                "trial_id": info.trial_id,
                "title": info.title,
                "status": info.status,
                "verdict": verdict,
                "failed": failed,
                "unknown": unknown,
                "missing_concepts": outcome.missing_concepts(values),
                "confirmed_at_visit": catalog.visit_texts(trial),
            }
        )
    return results


class TrialFragments:
    """The parts of a trial's API result that no answer changes, encoded once per catalog:
    `head` (`,{"trial_id":…,"title":…,"status":…,"verdict":`, from a comma: results but the
    first follow another), `tail` (`,"confirmed_at_visit":[…]}`) and, per screened criterion,
    `rests` (`,"kind":…,"concepts":…,"source_text":…`): identical tails and rests are one
    shared bytes object across the catalogue."""

    __slots__ = ("head", "tail", "rests")

    def __init__(self, head: bytes, tail: bytes, rests: tuple[bytes, ...]):
        self.head, self.tail, self.rests = head, tail, rests


def trial_fragments(catalog: Catalog, trial: CompiledTrial) -> TrialFragments:
    """`trial`'s fixed fragments, built on first use and kept with the catalog."""
    kept = catalog.api_fragments
    found = kept.get(trial.trial_id)
    if found is None:
        info = catalog.trials[trial.trial_id]
        shared = catalog.api_shared
        head = orjson.dumps({"trial_id": info.trial_id, "title": info.title, "status": info.status})
        tail = b',"confirmed_at_visit":' + orjson.dumps(catalog.visit_texts(trial)) + b"}"
        rests = []
        for c in trial.screened:
            node = c.node
            rest = orjson.dumps(
                {"kind": c.kind, "concepts": node.concepts, "source_text": _source_text(node)}
            )
            rest = b"," + rest[1:-1]
            rests.append(shared.setdefault(rest, rest))
        found = kept[trial.trial_id] = TrialFragments(
            b"," + head[:-1] + b',"verdict":', shared.setdefault(tail, tail), tuple(rests)
        )
    return found


def _source_text(node: CompiledNode) -> str:
    return node.source_text or criterion_source(node)


def _results_bytes(
    catalog: Catalog,
    screen: Screen,
    positions: np.ndarray,
    display: dict[str, str] | None,
    nearest: Mapping[str, nearby.SiteDistance] | None = None,
) -> bytes:
    """`orjson.dumps(_results_json(catalog, screen.answers, display, screen.outcomes(positions)))`
    (with each result's `nearest_site` when `nearest` is given), byte for byte (a test
    compares both): joined from the trials' fixed fragments, with only the patient's parts
    encoded (explanations, questions, missing concepts, each once per distinct value) and
    only the reported criteria visited."""
    values = screen.answers
    reporter = _Reporter(catalog, values, display)
    explanations: dict[tuple[int, str], bytes] = {}
    questions: dict[int, bytes] = {}
    missing_json: dict[tuple[str, ...], bytes] = {}
    kept = catalog.api_fragments
    trials = screen.table.plan.trials
    positions = np.asarray(positions, dtype=np.int64)
    numbers, bounds = screen.reported(positions)

    def explanation(c: CompiledCriterion, outcome: TrialOutcome | None) -> bytes:
        # By the identity of the subtree's key (the plan holds it, and identical subtrees
        # share it): hashing the key itself costs more than the lookup.
        key = (id(c.node.key), c.kind)
        found = explanations.get(key)
        if found is None:
            encoded = orjson.dumps(reporter.explanation(c))
            found = explanations[key] = b',"explanation":' + encoded + b"}"
        return found

    def question(c: CompiledCriterion, outcome: TrialOutcome | None) -> bytes:
        # Identical criteria share a slot, and so their missing concepts.
        found = questions.get(c.node.slot)
        if found is None:
            assert outcome is not None
            encoded = orjson.dumps(reporter.question(outcome.criterion_missing(c, values)))
            found = questions[c.node.slot] = b',"question":' + encoded + b"}"
        return found

    parts: list[bytes] = []
    append = parts.append
    for k, (position, status) in enumerate(
        zip(positions.tolist(), screen.verdicts[positions].tolist(), strict=True)
    ):
        trial = trials[position]
        fragments = kept.get(trial.trial_id) or trial_fragments(catalog, trial)
        append(fragments.head)
        if status == MET:
            append(_ELIGIBLE)
        else:
            # An ineligible trial reports its failed criteria with why, one that needs
            # information its undecided ones with their question.
            ineligible = status == NOT_MET
            append(_INELIGIBLE if ineligible else _NEEDS_INFO)
            outcome = None if ineligible else screen.outcome(position)
            ending = explanation if ineligible else question
            screened, rests = trial.screened, fragments.rests
            first = True
            for i in numbers[bounds[k] : bounds[k + 1]]:
                c = screened[i]
                parts += (_criterion_id(c.node.id, first), rests[i], ending(c, outcome))
                first = False
            if ineligible:
                append(b'],"unknown":[],"missing_concepts":[]')
            else:
                missing = outcome.missing_concepts(values)
                encoded = missing_json.get(missing)
                if encoded is None:
                    encoded = missing_json[missing] = b'],"missing_concepts":' + orjson.dumps(missing)
                append(encoded)
        if nearest is None:
            append(fragments.tail)
        else:
            site = nearest.get(trial.trial_id)
            site_json = orjson.dumps(None if site is None else site.as_json())
            parts += (fragments.tail[:-1], b',"nearest_site":', site_json, b"}")
    if not parts:
        return b"[]"
    parts[0] = b"[" + parts[0][1:]  # the first result follows no other
    append(b"]")
    return b"".join(parts)


def _criterion_id(number: int | None, first: bool) -> bytes:
    """A reported criterion's opening, with the comma that parts it from the one before."""
    if number is None:
        return b'{"criterion_id":null' if first else b',{"criterion_id":null'
    return (b'{"criterion_id":%d' if first else b',{"criterion_id":%d') % number


_ELIGIBLE = b'"eligible","failed":[],"unknown":[],"missing_concepts":[]'
_INELIGIBLE = b'"ineligible","failed":['
_NEEDS_INFO = b'"needs_info","failed":[],"unknown":['


def parse_as_of(raw: object) -> date:
    """The screening date as the API and the forms take it: YYYY-MM-DD, 1900 to 2100."""
    try:
        return parse_iso_date(raw)
    except DateFormatError:
        raise ValueError("as_of must be a date written YYYY-MM-DD") from None
    except DateRangeError:
        raise ValueError(
            f"as_of must be a date between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}"
        ) from None
