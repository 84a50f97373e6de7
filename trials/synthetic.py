"""A synthetic corpus at registry scale, for benchmarks and load tests.

Trials are drawn from the real vocabulary with the shapes curators actually write: numeric
limits in several accepted units (150000 /mm3, 150 G/L and 150 10^9/L are the same limit),
booleans and choices, "within N months" windows, medications named by drug or by class,
AND / OR / NOT groups and criteria confirmed at the visit. Thresholds come from the small
set of values registries use (age ≥ 18, platelets < 100 × 10⁹/L …), so, as in real
registries, many trials share identical leaves. Same seed, same corpus.

`synthetic_trials` only makes plain data (the seed format of trials/seed_data/dsl.py);
`synthetic_trials_insert` writes it with a handful of bulk inserts per thousand trials.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from django.db import transaction
from django.utils import timezone

from trials.models import Concept, CriteriaRevision, Criterion, Site, Trial
from trials.seed_data.dsl import all_of, any_of, exclusion, inclusion, leaf, not_, visit

Maker = Callable[[random.Random], dict]

CELL_UNITS = {  # the same count in the spellings registries use: (unit, factor from 10^9/L)
    "10^9/L": 1,
    "G/L": 1,
    "/mm3": 1000,
    "/uL": 1000,
    "cells/uL": 1000,
}


def _cells(code: str, label: str, limits: tuple[float, ...], op: str = "lt") -> Maker:
    def make(r: random.Random) -> dict:
        limit = r.choice(limits)
        unit = r.choice(list(CELL_UNITS))
        value = limit * CELL_UNITS[unit]
        value = int(value) if float(value).is_integer() else value
        words = {"lt": "below", "gte": "at least"}[op]
        return leaf(code, op, value, unit=unit, source=f"{label} {words} {value:g} {unit}")

    return make


def _number(code: str, op: str, limits: tuple, text: str, unit: str = "") -> Maker:
    def make(r: random.Random) -> dict:
        value = r.choice(limits)
        return leaf(code, op, value, unit=unit, source=text.format(v=value))

    return make


def _between(code: str, ranges: tuple[tuple[float, float], ...], text: str) -> Maker:
    def make(r: random.Random) -> dict:
        lo, hi = r.choice(ranges)
        return leaf(code, "between", lo, hi, source=text.format(lo=lo, hi=hi))

    return make


def _flag(code: str, text: str, op: str = "is_true") -> Maker:
    return lambda r: leaf(code, op, source=text)


def _choice(code: str, options: tuple[tuple[str, ...], ...], text: str, op: str = "in") -> Maker:
    def make(r: random.Random) -> dict:
        values = r.choice(options)
        return leaf(code, op, *values, source=text.format(v=" or ".join(values)))

    return make


def _since(code: str, op: str, windows: tuple[tuple[float, str], ...], text: str) -> Maker:
    def make(r: random.Random) -> dict:
        amount, unit = r.choice(windows)
        return leaf(code, op, amount, unit=unit, source=text.format(n=f"{amount:g} {unit}"))

    return make


def _medication(op: str, drugs: tuple[tuple[str, ...], ...], windows: tuple, text: str) -> Maker:
    def make(r: random.Random) -> dict:
        names = r.choice(drugs)
        values = ()
        unit = ""
        if windows:
            amount, unit = r.choice(windows)
            values = (amount,)
        words = " or ".join(n.replace("_", " ") for n in names)
        window = f"{values[0]:g} {unit}" if values else ""
        return leaf("medications", op, *values, unit=unit, drugs=names, source=text.format(d=words, n=window))

    return make


MONTHS = ((1, "months"), (3, "months"), (6, "months"), (12, "months"), (90, "days"), (30, "days"))

INCLUSIONS: tuple[Maker, ...] = (
    _number("age", "gte", (18, 18, 18, 16, 20), "Aged {v} years or older"),
    _number("age", "lte", (55, 60, 65, 70, 75), "Aged {v} years or younger"),
    _between("age", ((18, 55), (18, 65), (18, 60), (25, 65)), "Aged {lo} to {hi} years"),
    _choice("diagnosis", (("multiple_sclerosis",),), "Diagnosis of {v} (McDonald criteria)"),
    _choice(
        "ms_phenotype",
        (("RRMS",), ("RRMS", "SPMS"), ("SPMS", "PPMS"), ("PPMS",), ("CIS", "RRMS")),
        "{v} course",
    ),
    _between("edss", ((0, 5.5), (3, 6.5), (2, 6), (0, 4), (3.5, 7)), "EDSS {lo} to {hi}"),
    _number("edss", "lte", (5.5, 6.5, 7), "EDSS at most {v}"),
    _number("relapses_12m", "gte", (1,), "At least {v} relapse in the past 12 months"),
    _number("relapses_24m", "gte", (1, 2), "At least {v} relapses in the past 24 months"),
    _number("disease_duration_years", "lte", (10, 15, 20), "Disease duration of {v} years or less"),
    _number("gd_lesions_last_mri", "gte", (1,), "At least {v} gadolinium-enhancing lesion"),
    _choice("csf_oligoclonal_bands", (("positive",),), "Oligoclonal bands {v} in the CSF"),
    _flag("able_to_consent", "Able to give written informed consent"),
    _flag("social_security", "Affiliated to a social security scheme"),
    _medication(
        "on_treatment_for_at_least",
        (("ms_first_line",), ("interferon_beta", "glatiramer_acetate"), ("ms_disease_modifying",)),
        ((6, "months"), (12, "months"), (1, "years")),
        "On {d} for at least {n}",
    ),
    _cells("lymphocytes", "Lymphocyte count", (0.8, 1.0), op="gte"),
)

EXCLUSIONS: tuple[Maker, ...] = (
    _flag("pregnant", "Pregnancy"),
    _flag("breastfeeding", "Breastfeeding"),
    _flag("hiv", "HIV infection"),
    _flag("hepatitis_b", "Active hepatitis B"),
    _flag("hepatitis_c", "Active hepatitis C"),
    _flag("active_infection", "Active infection"),
    _flag("ongoing_relapse", "Relapse ongoing at screening"),
    _flag("renal_failure", "Renal failure"),
    _flag("hepatic_insufficiency", "Hepatic insufficiency"),
    _flag("severe_psychiatric_disorder", "Severe psychiatric disorder"),
    _flag("mri_contraindication", "Contraindication to MRI"),
    _flag("legal_protection", "Adult under legal protection"),
    _choice("malignancy", (("other",),), "History of malignancy ({v})"),
    _number("heart_failure_nyha", "gte", (3, 2), "Heart failure NYHA class {v} or more"),
    _cells("platelets", "Platelets", (100, 150)),
    _cells("neutrophils", "Neutrophils", (1.5, 1.0)),
    _cells("lymphocytes", "Lymphocytes", (0.5, 0.8, 1.0)),
    _cells("wbc", "White blood cells", (3, 3.5)),
    _number("hemoglobin", "lt", (10, 9), "Haemoglobin below {v} g/dL", unit="g/dL"),
    _number("hemoglobin", "lt", (100, 90), "Haemoglobin below {v} g/L", unit="g/L"),
    _number("egfr", "lt", (30, 60), "eGFR below {v} mL/min/1.73m2"),
    _number("creatinine_clearance", "lt", (30, 60), "Creatinine clearance below {v} mL/min", unit="mL/min"),
    _number("creatinine_clearance", "lt", (0.5, 1), "Creatinine clearance below {v} mL/s", unit="mL/s"),
    _number("alt_x_uln", "gt", (2, 3, 5), "ALT above {v} times the upper limit of normal"),
    _number("ast_x_uln", "gt", (2, 3, 5), "AST above {v} times the upper limit of normal"),
    _number("lvef", "lt", (45, 50), "LVEF below {v} %"),
    _since(
        "days_since_last_relapse",
        "within",
        ((30, "days"), (1, "months"), (60, "days"), (3, "months")),
        "Relapse within the last {n}",
    ),
    _since(
        "months_since_live_vaccine",
        "within",
        ((1, "months"), (3, "months"), (6, "weeks")),
        "Live vaccine within {n}",
    ),
    _since(
        "months_since_other_trial",
        "within",
        ((1, "months"), (3, "months"), (90, "days")),
        "Other interventional trial within {n}",
    ),
    _since(
        "months_since_surgery_general_anaesthesia",
        "within",
        ((1, "months"), (2, "months")),
        "Surgery within {n}",
    ),
    _since(
        "days_since_substance_abuse", "within", ((1, "years"), (6, "months")), "Substance abuse within {n}"
    ),
    _medication(
        "taken_within",
        (
            ("natalizumab",),
            ("fingolimod",),
            ("immunosuppressive",),
            ("corticosteroids_high_dose",),
            ("teriflunomide",),
        ),
        MONTHS,
        "Treated with {d} within the last {n}",
    ),
    _medication(
        "ever_taken",
        (("alemtuzumab",), ("cladribine",), ("b_cell_depleting",), ("mitoxantrone", "cyclophosphamide")),
        (),
        "Previous treatment with {d}",
    ),
)

VISIT_TEXTS = (
    "Signed informed consent",
    "Able to comply with the study visits",
    "Any condition that, in the investigator's opinion, would interfere with the study",
    "Participation in another study planned during this one",
)


def _contraception(r: random.Random) -> dict:
    return all_of(
        leaf("sex", "in", "female"),
        leaf("childbearing_potential", "is_true"),
        not_(leaf("effective_contraception", "is_true")),
        source="Women of childbearing potential without effective contraception",
    )


def _activity(r: random.Random) -> dict:
    return any_of(
        leaf("relapses_12m", "gte", 1),
        leaf("relapses_24m", "gte", r.choice((2, 2, 3))),
        all_of(
            leaf("gd_lesions_last_mri", "gte", 1), leaf("months_since_last_mri", "lte", r.choice((6, 12)))
        ),
        source="Active disease: relapses or gadolinium-enhancing lesions",
    )


def _progressive(r: random.Random) -> dict:
    return any_of(
        leaf("ms_phenotype", "in", "PPMS"),
        all_of(leaf("ms_phenotype", "in", "SPMS"), leaf("edss_increase_12m", "gte", r.choice((0.5, 1)))),
        source="Progressive MS (primary, or secondary with worsening)",
    )


def _labs(r: random.Random) -> dict:
    return any_of(
        *(make(r) for make in r.sample(EXCLUSIONS[14:18], 3)),
        source="Abnormal blood counts at screening",
    )


def _malignancy(r: random.Random) -> dict:
    return all_of(
        leaf("malignancy", "in", "other"),
        leaf("years_since_malignancy_remission", "lt", r.choice((5, 5, 10))),
        source="Malignancy unless in remission for 5 years or more",
    )


def _visit_leaf(r: random.Random) -> dict:
    node = r.choice(EXCLUSIONS)(r)
    return {**node, "confirmed_at_visit": True}


GROUP_INCLUSIONS = (_activity, _progressive)
GROUP_EXCLUSIONS = (_contraception, _labs, _malignancy)


def _leaves(node: dict) -> int:
    if node["node_type"] == "leaf":
        return 1
    return sum(_leaves(child) for child in node["children"])


def synthetic_trial(r: random.Random, trial_id: str, leaves: int = 25) -> dict:
    """One trial of about `leaves` screenable leaves: a few grouped criteria, then single
    inclusions and exclusions (each concept/operator at most once), then visit criteria."""
    criteria = [inclusion(r.choice(GROUP_INCLUSIONS)(r))]
    criteria += [exclusion(make(r)) for make in r.sample(GROUP_EXCLUSIONS, r.randint(1, 3))]
    count = sum(_leaves(c) for c in criteria)
    inclusions = r.sample(INCLUSIONS, r.randint(4, 8))
    exclusions = r.sample(EXCLUSIONS, len(EXCLUSIONS))
    for make in inclusions:
        criteria.append(inclusion(make(r)))
        count += 1
    for make in exclusions:
        if count >= leaves:
            break
        criteria.append(exclusion(make(r)))
        count += 1
    if r.random() < 0.3:  # an exclusion the curator could not structure further
        criteria.append(exclusion(not_(r.choice(INCLUSIONS)(r), source="Not meeting the usual criterion")))
    criteria.append(inclusion(visit(r.choice(VISIT_TEXTS))))
    if r.random() < 0.5:
        criteria.append(exclusion(_visit_leaf(r)))
    number = trial_id.rsplit("-", 1)[-1]
    return {
        "trial_id": trial_id,
        "registry": "synthetic",
        "public_title": f"Synthetic multiple sclerosis trial {number}",
        "acronym": f"SYN{number}",
        "status": r.choice(("recruiting", "recruiting", "not_yet_recruiting", "completed")),
        "phase": r.choice(("Phase 2", "Phase 3", "Phase 4")),
        "sites": [
            {
                "facility": "CHU synthetic",
                "city": r.choice(("Rennes", "Lyon", "Toulouse")),
                "country": "France",
            }
        ],
        "criteria": criteria,
    }


def synthetic_trials(n: int, *, seed: int = 0, prefix: str = "SYN-") -> Iterator[dict]:
    r = random.Random(seed)
    for i in range(1, n + 1):
        yield synthetic_trial(r, f"{prefix}{i:06d}")


def synthetic_trials_delete(*, prefix: str) -> int:
    """Deletes the synthetic trials with this id prefix in a few statements. Synthetic rows
    have no audit history worth keeping, so this bypasses the per-row delete signals."""
    trials = Trial.objects.filter(trial_id__startswith=prefix)
    Criterion.objects.filter(trial__in=trials)._raw_delete(Criterion.objects.db)
    trials.update(live_revision=None)
    CriteriaRevision.objects.filter(trial__in=trials)._raw_delete(CriteriaRevision.objects.db)
    Site.objects.filter(trial__in=trials)._raw_delete(Site.objects.db)
    return trials._raw_delete(Trial.objects.db)


def _nodes(
    trial_pk: int,
    revision_pk: int,
    nodes: list[dict],
    parent: Criterion | None,
    kind: str | None,
    concepts: dict,
):
    for position, data in enumerate(nodes):
        yield (
            data,
            Criterion(
                trial_id=trial_pk,
                revision_id=revision_pk,
                parent=parent,
                position=position,
                kind=kind or data["kind"],
                node_type=data["node_type"],
                concept_id=concepts[data["concept"]] if data.get("concept") else None,
                operator=data.get("operator", ""),
                values=data.get("values", []),
                unit=data.get("unit", ""),
                drugs=data.get("drugs", []),
                source_text=data.get("source_text", ""),
                explanation_en=data.get("explanation_en", ""),
                confirmed_at_visit=data.get("confirmed_at_visit", False),
            ),
        )


def _located(site: Site) -> Site:
    site.locate()  # as an imported site would be (trials near me)
    return site


def synthetic_trials_insert(*, trials: Iterator[dict], batch: int = 1000) -> int:
    """Writes trials (the dicts of `synthetic_trials`) published, one transaction per batch,
    with one bulk insert per tree level (a parent needs its primary key before its children)."""
    concepts = dict(Concept.objects.values_list("code", "pk"))
    now = timezone.now()
    total = 0
    chunk: list[dict] = []

    def flush() -> None:
        with transaction.atomic():
            rows = Trial.objects.bulk_create(
                [
                    Trial(
                        trial_id=d["trial_id"],
                        registry=d["registry"],
                        public_title=d["public_title"],
                        acronym=d["acronym"],
                        status=d["status"],
                        phase=d["phase"],
                        state=Trial.State.PUBLISHED,
                        published_at=now,
                    )
                    for d in chunk
                ]
            )
            revisions = CriteriaRevision.objects.bulk_create(
                [
                    CriteriaRevision(
                        trial_id=t.pk,
                        number=1,
                        state=CriteriaRevision.State.PUBLISHED,
                        published_at=now,
                        criteria_version=1,
                    )
                    for t in rows
                ]
            )
            for trial, revision in zip(rows, revisions, strict=True):
                trial.live_revision = revision
            Trial.objects.bulk_update(rows, ["live_revision"])
            revision_of = {r.trial_id: r.pk for r in revisions}
            Site.objects.bulk_create(
                [
                    _located(Site(trial_id=t.pk, position=i, **s))
                    for t, d in zip(rows, chunk, strict=True)
                    for i, s in enumerate(d["sites"])
                ]
            )
            # (trial pk, kind, sibling dicts, parent Criterion or None) per level
            level = [(t.pk, None, d["criteria"], None) for t, d in zip(rows, chunk, strict=True)]
            while level:
                made = []
                for trial_pk, kind, nodes, parent in level:
                    made.extend(
                        (trial_pk, *pair)
                        for pair in _nodes(trial_pk, revision_of[trial_pk], nodes, parent, kind, concepts)
                    )
                Criterion.objects.bulk_create([c for *_, c in made], batch_size=2000)
                level = [
                    (trial_pk, c.kind, data["children"], c)
                    for trial_pk, data, c in made
                    if data.get("children")
                ]
        chunk.clear()

    for data in trials:
        chunk.append(data)
        total += 1
        if len(chunk) >= batch:
            flush()
    if chunk:
        flush()
    return total
