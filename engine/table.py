"""Every trial's verdict at once: a plan's trials as arrays, evaluated with a few numpy
operations instead of a Python loop per trial.

A `_Program` run gives the status of each distinct criterion effect (a few hundred for the
whole catalogue); a trial's verdict is the minimum of its effects, and the concepts that
could still settle it are the union of its undecided effects' missing concepts. `Table`
keeps each trial's effect numbers end to end (`index`, cut at `starts`) so both are one
`reduceat`; missing concepts are bit masks, one bit per concept.

`Screen` is one patient's result over a table: verdicts, missing-concept counts and masks
for every trial, and `TrialOutcome`s made only for the trials someone looks at. An answer
changes only the trials that read its concept (`Table.reading`): `Screen.update` re-evaluates
those alone and gives exactly what a fresh screen of the new answers gives (the property
test in tests/test_engine_incremental.py checks it on the synthetic corpus).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from engine.operators import MET, NOT_MET, UNKNOWN
from engine.plan import Plan, TrialOutcome, _Run
from engine.types import Verdict

_VERDICTS = {NOT_MET: Verdict.INELIGIBLE, UNKNOWN: Verdict.NEEDS_INFO, MET: Verdict.ELIGIBLE}
# The API's order of verdict groups: eligible, needs-info, ineligible.
_GROUP = np.array([2, 1, 0], dtype=np.uint16)  # by status NOT_MET, UNKNOWN, MET


class Table:
    """A plan's trials as arrays (built once per plan, shared by every request)."""

    __slots__ = (
        "plan",
        "size",
        "index",
        "starts",
        "rank",
        "bits",
        "codes",
        "words",
        "_reading",
        "_positions",
        "_layout",
    )

    def __init__(self, plan: Plan):
        self.plan = plan
        trials = plan.trials
        self.size = len(trials)
        lengths = np.fromiter((max(len(t._effect_ids), 1) for t in trials), dtype=np.int64, count=self.size)
        self.starts = np.zeros(self.size, dtype=np.int64)
        if self.size:
            np.cumsum(lengths[:-1], out=self.starts[1:])
        # A trial with no screened criterion reads effect -1: the MET appended to every run's
        # effects (a reduceat segment cannot be empty).
        self.index = np.fromiter(
            (e for t in trials for e in (t._effect_ids or (-1,))), dtype=np.int64, count=int(lengths.sum())
        )
        ids = [t.trial_id for t in trials]
        ordered = all(a < b for a, b in zip(ids, ids[1:], strict=False))
        # Each trial's place in trial id order (None: the plan is in that order already).
        self.rank = None if ordered else np.argsort(np.array(ids, dtype=object), kind="stable").argsort()
        codes = list(plan.concepts)
        for slot in plan._program.slots:
            if slot[0] == "leaf" and slot[1] not in plan.concepts:
                codes.append(slot[1])
        self.codes = tuple(dict.fromkeys(codes))
        self.bits = {code: i for i, code in enumerate(self.codes)}
        self.words = max(1, (len(self.codes) + 63) // 64)
        self._reading: dict[str, np.ndarray] | None = None
        self._positions: dict[str, int] | None = None
        self._layout: bytes | None = None

    @property
    def layout(self) -> bytes:
        """A digest of what a screen's arrays are laid out by (each trial's position, each
        concept's bit): two workers' tables with equal layouts can read each other's screens."""
        if self._layout is None:
            digest = hashlib.blake2b(digest_size=16)
            digest.update("\x1f".join(self.codes).encode())
            digest.update(b"\x1e")
            digest.update("\x1f".join(t.trial_id for t in self.plan.trials).encode())
            self._layout = digest.digest()
        return self._layout

    def reading(self, concept: str) -> np.ndarray:
        """The positions (in plan order) of the trials whose screened criteria read `concept`."""
        if self._reading is None:
            found: dict[str, list[int]] = {}
            for position, trial in enumerate(self.plan.trials):
                for code in trial.concepts:
                    found.setdefault(code, []).append(position)
            self._reading = {code: np.array(p, dtype=np.int64) for code, p in found.items()}
        return self._reading.get(concept, _NONE)

    def position(self, trial_id: str) -> int:
        if self._positions is None:
            self._positions = {t.trial_id: i for i, t in enumerate(self.plan.trials)}
        return self._positions[trial_id]

    def positions(self, trial_ids: Iterable[str]) -> np.ndarray:
        return np.fromiter((self.position(t) for t in trial_ids), dtype=np.int64)

    def screen(self, answers: Mapping[str, object]) -> Screen:
        run = self.plan._program.run(answers)
        effects, masks = self._effect_arrays(run)
        verdicts, trial_masks = self._reduce(effects, masks, self.index, self.starts)
        return Screen(self, answers, verdicts, trial_masks, run)

    def load(self, answers: Mapping[str, object], data: bytes) -> Screen:
        """The screen of `answers` that `Screen.dump` wrote. ValueError when `data` is not a
        screen of this table (another plan's, truncated, corrupt)."""
        head = _HEADER.size + len(self.layout)
        if len(data) < head:
            raise ValueError("not a screen: too short")
        magic, size, width = _HEADER.unpack_from(data)
        if (
            magic != _MAGIC
            or size != self.size
            or width != self._width
            or data[_HEADER.size : head] != self.layout
        ):
            raise ValueError("not a screen of this table")
        verdicts = np.frombuffer(data, dtype=np.uint8, count=size, offset=head)
        if size and verdicts.max() > MET:
            raise ValueError("not a screen: a verdict out of range")
        open_ = verdicts == UNKNOWN
        rows = int(np.count_nonzero(open_))
        if len(data) != head + size + rows * width:
            raise ValueError("not a screen: wrong length")
        packed = np.zeros((rows, self.words * 8), dtype=np.uint8)
        packed[:, :width] = np.frombuffer(data, dtype=np.uint8, offset=head + size).reshape(rows, width)
        masks = np.zeros((size, self.words), dtype=np.uint64)
        masks[open_] = packed.view("<u8")
        return Screen(self, answers, verdicts.copy(), masks)

    @property
    def _width(self) -> int:
        """Bytes of a stored mask: one bit per concept."""
        return (len(self.codes) + 7) // 8

    def _effect_arrays(self, run: _Run) -> tuple[np.ndarray, np.ndarray]:
        """Each effect's status (with the MET of effect -1 at the end), and for an undecided one
        the mask of the concepts that could still decide it."""
        effects = _statuses(run)
        masks = np.zeros((len(effects), self.words), dtype=np.uint64, order="F")
        program, bits, words = run.program, self.bits, self.words
        slot_masks: dict[int, int] = {}
        for e, status in enumerate(run.effects):
            if status == UNKNOWN:
                slot = program.effects[e][0]
                mask = slot_masks.get(slot)
                if mask is None:
                    mask = slot_masks[slot] = sum(1 << bits[code] for code in run.missing(slot))
                for w in range(words):
                    masks[e, w] = (mask >> (64 * w)) & 0xFFFFFFFFFFFFFFFF
        return effects, masks

    @staticmethod
    def _reduce(
        effects: np.ndarray, masks: np.ndarray, index: np.ndarray, starts: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        if not len(starts):
            return np.zeros(0, dtype=np.uint8), np.zeros((0, masks.shape[1]), dtype=np.uint64)
        verdicts = np.minimum.reduceat(effects[index], starts)
        # Word by word: gathering rows of a 2-D array is ten times slower than 1-D gathers.
        words = [np.bitwise_or.reduceat(masks[:, w][index], starts) for w in range(masks.shape[1])]
        trial_masks = np.stack(words, axis=1)
        # A decided trial's undecided criteria cannot change its verdict: nothing is missing.
        trial_masks[verdicts != UNKNOWN] = 0
        return verdicts, trial_masks


_NONE = np.zeros(0, dtype=np.int64)


def _statuses(run: _Run) -> np.ndarray:
    """Each effect's status, with the MET of effect -1 (a trial without screened criteria)
    at the end."""
    effects = np.empty(len(run.effects) + 1, dtype=np.uint8)
    effects[:-1] = run.effects
    effects[-1] = MET
    return effects


# A stored screen: magic, trials, bytes per mask; then the table's layout, the verdicts, and
# the masks of the needs-info trials only (the others are 0), one bit per concept.
_HEADER = struct.Struct("<4sII")
_MAGIC = b"scr1"


def table_of(plan: Plan) -> Table:
    """The plan's table, built on first use and kept with the plan."""
    table = plan._memo.get("table")
    if table is None:
        table = plan._memo["table"] = Table(plan)
    return table


class Screen:
    """One patient's verdict on every trial of a table. `missing` counts the concepts that
    could still settle each trial (0 unless it needs information)."""

    __slots__ = ("table", "answers", "verdicts", "masks", "missing", "_run")

    def __init__(
        self,
        table: Table,
        answers: Mapping[str, object],
        verdicts: np.ndarray,
        masks: np.ndarray,
        run: _Run | None = None,
    ):
        self.table = table
        self.answers = answers
        self.verdicts = verdicts
        self.masks = masks
        self.missing = np.bitwise_count(masks).sum(axis=1, dtype=np.int64)
        self._run = run

    @property
    def run(self) -> _Run:
        """The program's statuses for these answers (a screen read back from `Table.load`
        evaluates them on first use: a few hundred distinct predicates)."""
        if self._run is None:
            self._run = self.table.plan._program.run(self.answers)
        return self._run

    def dump(self) -> bytes:
        """What `Table.load` needs to give this screen back, in another process too: the
        verdicts, and the masks of the trials that need information (the others are 0)."""
        table = self.table
        width = table._width
        rows = self.masks[self.verdicts == UNKNOWN].astype("<u8", copy=False)
        packed = rows.view(np.uint8).reshape(len(rows), table.words * 8)[:, :width]
        header = _HEADER.pack(_MAGIC, table.size, width)
        return b"".join((header, table.layout, self.verdicts.tobytes(), packed.tobytes()))

    def update(self, answers: Mapping[str, object]) -> Screen:
        """This screen after the answers changed to `answers`: only the trials reading a
        concept whose value changed are evaluated again."""
        old = self.answers
        changed = [code for code in old.keys() | answers.keys() if old.get(code) != answers.get(code)]
        table = self.table
        if not changed:
            return self
        touched = [table.reading(code) for code in changed]
        # Past a quarter of the catalogue, gathering the affected trials' effects costs more
        # than reducing every trial's (one concept read that widely settles it, unmerged).
        widely = max(len(t) for t in touched) * 4 > table.size
        affected = _NONE if widely else np.unique(np.concatenate(touched))
        run = table.plan._program.run(answers)
        effects, effect_masks = table._effect_arrays(run)
        if widely or len(affected) * 4 > table.size:
            verdicts, masks = Table._reduce(effects, effect_masks, table.index, table.starts)
            return Screen(table, answers, verdicts, masks, run)
        verdicts = self.verdicts.copy()
        masks = self.masks.copy()
        if len(affected):
            ends = np.empty(table.size, dtype=np.int64)
            ends[:-1] = table.starts[1:]
            ends[-1] = len(table.index)
            lengths = ends[affected] - table.starts[affected]
            sub_starts = np.zeros(len(affected), dtype=np.int64)
            np.cumsum(lengths[:-1], out=sub_starts[1:])
            within = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(sub_starts, lengths)
            sub_index = table.index[np.repeat(table.starts[affected], lengths) + within]
            sub_verdicts, sub_masks = Table._reduce(effects, effect_masks, sub_index, sub_starts)
            verdicts[affected] = sub_verdicts
            masks[affected] = sub_masks
        return Screen(table, answers, verdicts, masks, run)

    # --- what the pages and the API read -----------------------------------------------------

    def counts(self, selection: np.ndarray | None = None) -> dict[str, int]:
        verdicts = self.verdicts if selection is None else self.verdicts[selection]
        found = np.bincount(verdicts, minlength=3)
        return {
            Verdict.ELIGIBLE.value: int(found[MET]),
            Verdict.NEEDS_INFO.value: int(found[UNKNOWN]),
            Verdict.INELIGIBLE.value: int(found[NOT_MET]),
        }

    def concept_counts(self, selection: np.ndarray | None = None) -> dict[str, int]:
        """For each concept, how many needs-info trials it could still help settle."""
        verdicts = self.verdicts if selection is None else self.verdicts[selection]
        masks = self.masks if selection is None else self.masks[selection]
        undecided = masks[verdicts == UNKNOWN]
        if not len(undecided):
            return {}
        per_bit = np.unpackbits(undecided.view(np.uint8), axis=1, bitorder="little").sum(axis=0)
        codes = self.table.codes
        return {codes[bit]: int(n) for bit, n in enumerate(per_bit[: len(codes)]) if n}

    def order(self, selection: np.ndarray | None = None) -> np.ndarray:
        """Positions in the API's order: eligible, then needs-info with the fewest missing
        concepts first, then ineligible; trial id order within each."""
        positions = np.arange(self.table.size, dtype=np.int64) if selection is None else selection
        group = _GROUP[self.verdicts[positions]]
        missing = np.minimum(self.missing[positions], 4095).astype(np.uint16)
        key = group * np.uint16(4096) + missing * (group == 1)
        rank = self.table.rank
        tie = positions if rank is None else rank[positions]
        return positions[np.lexsort((tie, key))]

    def of_verdict(self, verdict: Verdict, limit: int | None = None) -> np.ndarray:
        """Positions of one verdict's trials in the API's order, at most `limit` of them."""
        status = {Verdict.ELIGIBLE: MET, Verdict.NEEDS_INFO: UNKNOWN, Verdict.INELIGIBLE: NOT_MET}[verdict]
        positions = np.flatnonzero(self.verdicts == status)
        if verdict == Verdict.NEEDS_INFO or self.table.rank is not None:
            positions = self.order(positions)
        return positions if limit is None else positions[:limit]

    def verdict(self, position: int) -> Verdict:
        return _VERDICTS[int(self.verdicts[position])]

    def outcome(self, position: int) -> TrialOutcome:
        """The engine's outcome for one trial, with the same missing concepts `evaluate` gives."""
        trial = self.table.plan.trials[position]
        run = self.run
        return TrialOutcome(trial, self.verdict(position), trial._effects(run.effects), run)

    def reported(self, positions: Sequence[int] | np.ndarray) -> tuple[list[int], list[int]]:
        """For the trials at `positions`, in that order, the numbers (in `trial.screened`) of
        the criteria a result reports: those failing an ineligible trial, those undecided in
        a needs-info one. One flat list and the bounds of each trial's run in it (the k-th
        trial's are `numbers[bounds[k]:bounds[k + 1]]`), found for every trial at once
        rather than by walking each trial's criteria."""
        table = self.table
        positions = np.asarray(positions, dtype=np.int64)
        if not len(positions):
            return [], [0]
        ends = np.empty(table.size, dtype=np.int64)
        ends[:-1] = table.starts[1:]
        ends[-1] = len(table.index)
        starts = table.starts[positions]
        # At least 1 each: a trial without screened criteria reads effect -1 (MET, never reported).
        lengths = ends[positions] - starts
        offsets = np.zeros(len(positions), dtype=np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
        within = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(offsets, lengths)
        status = _statuses(self.run)[table.index[np.repeat(starts, lengths) + within]]
        # Eligible trials have every effect MET, so asking UNKNOWN of them finds nothing.
        wanted = np.where(self.verdicts[positions] == NOT_MET, NOT_MET, UNKNOWN).astype(np.uint8)
        hit = status == np.repeat(wanted, lengths)
        bounds = np.zeros(len(positions) + 1, dtype=np.int64)
        np.cumsum(np.add.reduceat(hit, offsets), out=bounds[1:])
        return within[hit].tolist(), bounds.tolist()

    def outcomes(self, positions: Sequence[int] | np.ndarray) -> list[TrialOutcome]:
        return [self.outcome(int(p)) for p in positions]
